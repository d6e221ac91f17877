"""`llmdev commit-msg`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from tests.review.support import CALC, CALC_BROKEN, GitRepo, user_prompt


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC})
    monkeypatch.chdir(repo.root)
    return repo


def test_writes_a_message_for_the_staged_change(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    project.stage("calc.py", CALC_BROKEN)
    project.write("calc.py", CALC + "# unstaged\n")
    use_ollama.reply('"Make add subtract"')
    assert run(["commit-msg"]) == 0
    assert capsys.readouterr().out == "Make add subtract\n"
    prompt = user_prompt(use_ollama.last_body())
    assert "eval(input())" in prompt and "# unstaged" not in prompt
    assert "calc.py | 3 ++-" in prompt


def test_nothing_staged_is_a_usage_error(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["commit-msg"]) == 2
    assert "nothing is staged" in capsys.readouterr().err


def test_dry_run(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    project.stage("calc.py", CALC_BROKEN)
    assert run(["commit-msg", "--dry-run", "-m", "gpt4o"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["command"] == "commit-msg" and payload["model"] == "openai/gpt-4o"
    assert payload["files"] == ["calc.py"]
    assert use_ollama.model_requests == []


def test_a_diff_too_big_for_the_window_names_the_files_left_out(project: GitRepo, use_ollama: Any,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    project.stage("small.py", "x = 1\n")
    project.stage("big.py", "".join(f"line_{i} = {i} * 'padding text to make the diff large'\n" for i in range(3000)))
    use_ollama.reply("Add small and big modules")
    assert run(["commit-msg", "-m", "ollama/llama3:8b"]) == 0
    captured = capsys.readouterr()
    assert "1 file(s) left out of the prompt to fit the model's window: big.py" in captured.err
    prompt = user_prompt(use_ollama.last_body())
    assert "leaves out 1 file(s) to fit the model's context window: big.py" in prompt and "x = 1" in prompt
