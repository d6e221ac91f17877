from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from llmdev.cli import run


def test_dry_run_shows_messages_and_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "--dry-run", "--temperature", "0", "--seed", "7", "why?"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["model"] == "ollama/llama3.1:8b"
    assert payload["messages"][-1] == {"role": "user", "content": "why?"}
    assert payload["messages"][0]["role"] == "system"
    assert payload["options"] == {"temperature": 0.0, "seed": 7}


def test_question_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("from stdin\n"))
    assert run(["ask", "--dry-run", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["messages"][-1]["content"] == "from stdin"


def test_empty_question_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "  "]) == 2
    assert "question is empty" in capsys.readouterr().err


def test_per_command_model_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".llmdev.toml").write_text('[commands.ask]\nmodel = "gpt4o-mini"\n')
    monkeypatch.chdir(tmp_path)
    assert run(["ask", "--dry-run", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "openai/gpt-4o-mini"


def test_repository_prompt_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    override = tmp_path / ".llmdev" / "prompts" / "ask"
    override.mkdir(parents=True)
    (override / "system.md").write_text("Answer in haiku. Costs $$5.\n")
    monkeypatch.chdir(tmp_path)
    assert run(["ask", "--dry-run", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["messages"][0]["content"] == "Answer in haiku. Costs $5."


def test_template_with_unknown_placeholder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".git").mkdir()
    override = tmp_path / ".llmdev" / "prompts" / "ask"
    override.mkdir(parents=True)
    (override / "user.md").write_text("$question and $nothing\n")
    monkeypatch.chdir(tmp_path)
    assert run(["ask", "--dry-run", "hi"]) == 2
    assert "unknown placeholder $nothing" in capsys.readouterr().err


def test_a_repository_template_that_leads_outside_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "environ").write_text("OPENAI_API_KEY=sk-test\n")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    override = root / ".llmdev" / "prompts" / "ask"
    override.mkdir(parents=True)
    (override / "system.md").symlink_to("../../../../environ")  # a pull request's /proc/self/environ, say
    monkeypatch.chdir(root)
    assert run(["ask", "--dry-run", "hi"]) == 0
    captured = capsys.readouterr()
    system = json.loads(captured.out)["messages"][0]["content"]
    assert "sk-test" not in system and system  # llmdev's own system prompt instead
    assert ".llmdev/prompts/ask/system.md leads outside the repository" in " ".join(captured.err.split())
