"""The hooks in .pre-commit-hooks.yaml call commands that exist and behave as the framework expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from tests.review.support import CALC_BROKEN, GitRepo

HOOKS_FILE = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"


def _hooks() -> dict[str, dict[str, str]]:
    """id -> its top-level keys, read without a YAML library (the file is a flat list of maps)."""
    hooks: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in HOOKS_FILE.read_text().splitlines():
        if line.startswith("- id:"):
            current = {"id": line.split(":", 1)[1].strip()}
            hooks[current["id"]] = current
        elif line.startswith("  ") and ":" in line and current:
            key, value = line.strip().split(":", 1)
            current[key] = value.strip()
    return hooks


def test_the_review_hook_runs_once_for_the_whole_snapshot() -> None:
    review = _hooks()["llmdev-review"]
    assert review["entry"] == "llmdev hook run pre-commit"
    assert review["pass_filenames"] == "false" and review["require_serial"] == "true"
    assert review["stages"] == "[pre-commit]"


def test_the_entries_are_working_commands(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = _hooks()
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply('{"findings": [], "summary": "fine"}')
    assert run(hooks["llmdev-review"]["entry"].split()[1:]) == 0
    message = project.root / ".git" / "COMMIT_EDITMSG"
    message.write_text("")
    use_ollama.reply("Make add subtract")
    assert run([*hooks["llmdev-commit-msg"]["entry"].split()[1:], str(message)]) == 0
    assert message.read_text() == "Make add subtract\n"
    monkeypatch.setenv("PRE_COMMIT_COMMIT_MSG_SOURCE", "message")  # `git commit -m`, as pre-commit passes it
    message.write_text("")
    assert run([*hooks["llmdev-commit-msg"]["entry"].split()[1:], str(message)]) == 0
    assert message.read_text() == "" and len(use_ollama.model_requests) == 2
