from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from llmdev import __version__
from llmdev.cli import run

HEAVY = ("openai", "ollama", "tree_sitter", "git", "httpx", "httpx2", "networkx")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out == f"llmdev {__version__}\n"


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    for word in ("ask", "config", "--model", "--quiet", "--no-color", "Exit codes"):
        assert word in out


def test_help_summaries_end_with_a_sentence_or_an_ellipsis(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    listed = capsys.readouterr().out.split("Commands:\n", 1)[1]
    summaries = [line.split(None, 1)[1] for line in listed.splitlines() if line.strip()]
    assert len(summaries) >= 20
    for summary in summaries:
        assert summary.endswith(".") and not summary.endswith(("e.g.", "i.e.", "etc.", "vs.")), summary


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["ask", "--help"]])
def test_start_up_does_not_import_heavy_libraries(args: list[str]) -> None:
    code = (
        "import sys\nfrom llmdev.cli import run\nrc = run(%r)\n"
        "print('HEAVY', sorted(m for m in %r if m in sys.modules))" % (args, HEAVY)
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_a_command_that_reads_the_configuration_stays_off_pydantic(tmp_path: Path) -> None:
    """Typer from 0.29 and a pydantic schema each cost ~0.1-0.2 s of every command's start-up."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".llmdev.toml").write_text('model = "gpt4o"\n[review]\nrules = "one block"\n')
    code = (
        "import sys\nfrom llmdev.cli import run\nrc = run(['config', 'show', '--json'])\n"
        "print('HEAVY', rc, sorted(m for m in ('pydantic', *%r) if m in sys.modules))" % (HEAVY,)
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert '"review.rules"' in proc.stdout and '"one block"' in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY 0 []"


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["frobnicate"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_unknown_model_lists_known_aliases(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-m", "nope", "ask", "hi"]) == 3
    err = capsys.readouterr().err
    assert "unknown model or alias 'nope'" in err and "local" in err and "gpt4o" in err


def test_global_model_reaches_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-m", "gpt4o", "ask", "--dry-run", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "openai/gpt-4o"


def test_command_model_beats_global(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-m", "gpt4o", "ask", "-m", "local", "--dry-run", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "ollama/llama3.1:8b"


def test_malformed_config_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".llmdev.toml").write_text("modle = 'x'\n")
    monkeypatch.chdir(tmp_path)
    assert run(["ask", "--dry-run", "hi"]) == 2
    err = capsys.readouterr().err
    assert "modle" in err and ".llmdev.toml" in err
    assert "Traceback" not in err


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run([sys.executable, "-m", "llmdev", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("llmdev ")


def test_a_builtin_command_loads_only_its_own_module_and_no_plugin() -> None:
    code = (
        "import sys\nfrom llmdev.cli import run\nrun(['config', 'path'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('llmdev.commands.') and m not in ('llmdev.commands.common', 'llmdev.commands.root'))\n"
        "print('LOADED', loaded, 'llmdev.plugins' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "LOADED ['llmdev.commands.config', 'llmdev.commands.lazy'] False"


def test_a_plugin_command_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from llmdev import plugins
    from llmdev.hookspecs import hookimpl

    class Hello:
        @hookimpl
        def register_commands(self, app: typer.Typer) -> None:
            @app.command("hello")
            def hello() -> None:
                """Say hello."""
                print("hello from a plugin")

    plugins.reset()
    plugins.plugin_state(extra=(Hello(),))
    assert run(["hello"]) == 0
    assert "hello from a plugin" in capsys.readouterr().out
    assert run(["--help"]) == 0
    assert "Say hello." in capsys.readouterr().out
