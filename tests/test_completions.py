from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from llmdev.completions import render_all

COMPLETIONS = Path(__file__).resolve().parent.parent / "completions"


@pytest.mark.parametrize("name", ["llmdev.bash", "_llmdev", "llmdev.fish"])
def test_committed_completions_are_current(name: str) -> None:
    expected = render_all()[name]
    committed = (COMPLETIONS / name).read_text(encoding="utf-8") if (COMPLETIONS / name).exists() else ""
    assert committed == expected, "completions are stale: run `python -m llmdev.completions completions/`"


def _bash_complete(line: str) -> list[str]:
    script = COMPLETIONS / "llmdev.bash"
    words = line.split(" ")
    program = (
        f"source {script}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_llmdev\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    proc = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    return proc.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_and_options() -> None:
    assert "config" in _bash_complete("llmdev con")
    assert _bash_complete("llmdev config s") == ["show"]
    assert "--dry-run" in _bash_complete("llmdev ask --d")
    assert "--json" in _bash_complete("llmdev config show --")


@pytest.mark.parametrize(("shell", "flag"), [("zsh", "-n"), ("fish", "--no-execute")])
def test_scripts_parse_in_their_shell(shell: str, flag: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    name = {"zsh": "_llmdev", "fish": "llmdev.fish"}[shell]
    subprocess.run([shell, flag, str(COMPLETIONS / name)], check=True)


def test_completions_command_rejects_unknown_shell(capsys: pytest.CaptureFixture[str]) -> None:
    from llmdev.cli import run

    assert run(["completions", "tcsh"]) == 2
    assert "unknown shell 'tcsh'" in capsys.readouterr().err
