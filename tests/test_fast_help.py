"""The help and version texts printed without building the CLI are the CLI's own, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmdev import fast_help
from llmdev.cli import run
from llmdev.fast_help import answer_ahead
from llmdev.help_texts import TEXTS
from llmdev.reference import HELP_TEXTS, current_help_texts

COMMAND_PLUGIN = """
from llmdev.hookspecs import hookimpl

@hookimpl
def register_commands(app):
    @app.command()
    def shout() -> None:
        \"\"\"Say it louder.\"\"\"
"""


def test_committed_help_texts_are_current() -> None:
    assert HELP_TEXTS.read_text(encoding="utf-8") == current_help_texts(), (
        "llmdev/help_texts.py is stale: run `python -m llmdev.reference docs/cli.md`"
    )


@pytest.mark.parametrize("path", sorted(TEXTS), ids=lambda p: " ".join(p) or "llmdev")
def test_each_text_is_what_typer_prints(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([*path, "--help"]) == 0
    assert capsys.readouterr().out == TEXTS[path] + "\n"
    ready = answer_ahead([*path, "-h"])
    assert ready is not None and ready.text == TEXTS[path] + "\n" and ready.exit_code == 0


def _both_ways(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[tuple[str, str, int], tuple[str, str, int], bool]:
    """(stdout, stderr, exit code) of `main()` and of Typer's `run()`, and whether main() imported Typer."""
    main = "import sys\nfrom llmdev.cli import main\nsys.argv = ['llmdev', *%r]\ntry:\n    main()\nfinally:\n    sys.stderr.write('TYPER=%%s' %% ('typer' in sys.modules))\n" % (args,)
    slow = "import sys\nfrom llmdev.cli import run\nsys.exit(run(%r))\n" % (args,)
    fast_proc = subprocess.run([sys.executable, "-c", main], capture_output=True, text=True, cwd=cwd, env=env)
    slow_proc = subprocess.run([sys.executable, "-c", slow], capture_output=True, text=True, cwd=cwd, env=env)
    err, _, typer_flag = fast_proc.stderr.rpartition("TYPER=")
    return (fast_proc.stdout, err, fast_proc.returncode), (slow_proc.stdout, slow_proc.stderr, slow_proc.returncode), typer_flag == "True"


@pytest.mark.parametrize("args", [["--help"], ["-h"], [], ["--version"], ["review", "--help"], ["config", "show", "-h"]])
def test_the_entry_point_answers_like_typer_without_importing_it(args: list[str], tmp_path: Path) -> None:
    fast, slow, imported_typer = _both_ways(args, tmp_path, dict(os.environ))
    assert fast == slow
    assert not imported_typer


def test_a_narrow_terminal_goes_through_typer(tmp_path: Path) -> None:
    fast, slow, imported_typer = _both_ways(["review", "--help"], tmp_path, {**os.environ, "COLUMNS": "60"})
    assert fast == slow and imported_typer
    assert fast[0] != TEXTS[("review",)] + "\n"  # wrapped at 58 columns, not 78


def test_a_plugin_command_is_listed_by_the_top_level_help(tmp_path: Path, isolated_env: Path) -> None:
    (tmp_path / "shout_plugin.py").write_text(COMMAND_PLUGIN)
    (isolated_env / "config" / "config.toml").write_text(f'[plugins]\nlocal = ["{tmp_path / "shout_plugin.py"}"]\n')
    assert answer_ahead(["--help"]) is None
    fast, slow, imported_typer = _both_ways(["--help"], tmp_path, dict(os.environ))
    assert fast == slow and imported_typer and "Say it louder." in fast[0]
    assert answer_ahead(["review", "--help"]) is not None  # built-in names win over plugins'


def test_an_entry_point_of_another_distribution_goes_through_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    from llmdev.entry_points import EntryPoint

    theirs = EntryPoint("extra", "extra_plugin", "llmdev-extra", "1.0")
    monkeypatch.setattr("llmdev.entry_points.entry_points", lambda group: [theirs])
    assert answer_ahead(["--help"]) is None
    monkeypatch.setattr("llmdev.entry_points.entry_points", lambda group: [EntryPoint("p", "p", "llmdev_cli", "0.1.0")])
    assert answer_ahead(["--help"]) is not None


@pytest.mark.parametrize("args", [["review"], ["review", "--staged", "--help"], ["nope", "--help"], ["config show", "--help"], ["-q", "--help"], ["--help", "review"]])
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert answer_ahead(args) is None


@pytest.mark.parametrize("columns", ["40", "60", "79", "80", "81", "200", "0", "-5", "wide", None])
def test_the_width_is_clicks_own(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from typer._click.formatting import HelpFormatter

    if columns is None:
        monkeypatch.delenv("COLUMNS")
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert fast_help.terminal_columns() == shutil.get_terminal_size().columns
    assert fast_help.click_width() == HelpFormatter().width
