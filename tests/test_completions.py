"""The shipped completion scripts are current, and each shell really completes with them.

bash runs `_llmdev` with the COMP_* variables bash sets (with and without bash-completion loaded),
fish answers `complete -C`, and zsh runs its completion system (compinit) in a pseudo-terminal
(tests/completion_drivers/zsh_complete.zsh). A shell that is not installed skips its tests; CI
installs them (.ci/run).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from llmdev.completions import render_all

ROOT = Path(__file__).resolve().parent.parent
COMPLETIONS = ROOT / "completions"
BASH_COMPLETION = Path("/usr/share/bash-completion/bash_completion")
ZSH_DRIVER = Path(__file__).resolve().parent / "completion_drivers" / "zsh_complete.zsh"


@pytest.mark.parametrize("name", ["llmdev.bash", "_llmdev", "llmdev.fish"])
def test_committed_completions_are_current(name: str) -> None:
    expected = render_all()[name]
    committed = (COMPLETIONS / name).read_text(encoding="utf-8") if (COMPLETIONS / name).exists() else ""
    assert committed == expected, "completions are stale: run `python -m llmdev.completions completions/`"


def _env() -> dict[str, str]:
    """This llmdev first on PATH: the scripts run `llmdev completions --list-models` for -m."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _bash_words(line: str) -> list[str]:
    """COMP_WORDS as bash splits the line: at blanks, and at ':' (in COMP_WORDBREAKS), which is a word itself."""
    words: list[str] = []
    for word in line.split(" "):
        pieces = word.split(":")
        for index, piece in enumerate(pieces):
            if index:
                words.append(":")
            if piece or len(pieces) == 1:
                words.append(piece)
    return words


def _bash(line: str, with_bash_completion: bool) -> list[str]:
    words = _bash_words(line)
    program = "\n".join([
        f"source {BASH_COMPLETION}" if with_bash_completion else "",
        f"source {COMPLETIONS / 'llmdev.bash'}",
        f"COMP_LINE={shlex.quote(line)} COMP_POINT={len(line)}",
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)}) COMP_CWORD={len(words) - 1}",
        "_llmdev",
        "printf '%s\\n' \"${COMPREPLY[@]}\"",
    ])
    proc = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def _fish(line: str) -> list[str]:
    program = f"source {COMPLETIONS / 'llmdev.fish'}; complete -C {shlex.quote(line)}"
    proc = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True, env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [row.split("\t")[0] for row in proc.stdout.splitlines()]


def _zsh(line: str) -> list[str]:
    proc = subprocess.run(["zsh", "-f", str(ZSH_DRIVER), str(COMPLETIONS), line], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def _shell(name: str) -> Callable[[str], list[str]]:
    program = "bash" if name.startswith("bash") else name
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed (CI installs it: apt-get install bash-completion zsh fish)")
    if name == "bash+bash-completion":
        if not BASH_COMPLETION.exists():
            pytest.skip("bash-completion is not installed (apt-get install bash-completion)")
        return lambda line: _bash(line, True)
    return {"bash": lambda line: _bash(line, False), "zsh": _zsh, "fish": _fish}[name]


SHELL_NAMES = ["bash", "bash+bash-completion", "zsh", "fish"]


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_commands_and_options(shell: str) -> None:
    complete = _shell(shell)
    assert "config" in complete("llmdev con")
    assert complete("llmdev config s") == ["show"]
    assert "--dry-run" in complete("llmdev ask --d")


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_a_subcommand_after_a_global_option_with_its_value(shell: str) -> None:
    assert _shell(shell)("llmdev -m local rev") == ["review"]


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_only_the_options_of_the_command_being_completed(shell: str) -> None:
    offered = _shell(shell)("llmdev compare review --c")
    assert offered == ["--commit"]  # not review's own --ci / --codequality, which compare rejects


@pytest.mark.parametrize("shell", SHELL_NAMES)
@pytest.mark.parametrize(("line", "expected"), [
    ("llmdev review --format ", ["codequality", "github", "json", "markdown", "rdjsonl", "sarif", "text"]),
    ("llmdev review --fail-on ", ["critical", "high", "info", "low", "medium", "never"]),
    ("llmdev eval --task c", ["commit-msg"]),
    ("llmdev dataset export -t ", ["commit-msg", "gen", "review"]),
    ("llmdev compare ask -f m", ["markdown"]),
])
def test_values_of_a_closed_set(shell: str, line: str, expected: list[str]) -> None:
    assert sorted(_shell(shell)(line)) == expected


@pytest.mark.parametrize("shell", SHELL_NAMES)
def test_model_names_are_aliases_and_local_models(shell: str, use_ollama: Any) -> None:
    complete = _shell(shell)
    assert set(complete("llmdev -m ")) >= {"local", "gpt4o", "ollama/llama3.1:8b"}
    assert complete("llmdev review -m gpt4o-") == ["gpt4o-mini"]
    after_colon = complete("llmdev ask -m ollama/llama3.1:")
    # bash replaces only the part after the ':'; plain bash (no bash-completion) cannot complete there
    assert after_colon == {"zsh": ["ollama/llama3.1:8b"], "fish": ["ollama/llama3.1:8b"], "bash+bash-completion": ["8b"]}.get(shell, [])


def test_model_names_skip_a_server_that_is_down(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from llmdev.cli import run
    from tests.servers.base import closed_port_url

    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    assert run(["completions", "--list-models"]) == 0
    assert capsys.readouterr().out.split() == ["gpt4o", "gpt4o-mini", "local"]


@pytest.mark.parametrize(("shell", "flag"), [("zsh", "-n"), ("fish", "--no-execute")])
def test_scripts_parse_in_their_shell(shell: str, flag: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    name = {"zsh": "_llmdev", "fish": "llmdev.fish"}[shell]
    subprocess.run([shell, flag, str(COMPLETIONS / name)], check=True)


def test_completions_command_rejects_unknown_shell(capsys: pytest.CaptureFixture[str]) -> None:
    from llmdev.cli import run

    assert run(["completions", "tcsh"]) == 2
    assert "'tcsh' is not one of 'bash', 'zsh', 'fish'" in capsys.readouterr().err
