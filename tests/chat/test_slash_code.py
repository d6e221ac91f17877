from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.errors import LlmdevError, UsageError
from tests.servers import OllamaServer

Keyboard = Callable[..., object]

EDIT = """Make the number parser accept floats.

src/util.py
<<<<<<< SEARCH
    return int(text)
=======
    return float(text)
>>>>>>> REPLACE
"""


class Yes:
    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def confirm(self, question: str) -> bool:
        self.asked.append(question)
        return self.answer


def test_diff_shows_uncommitted_changes(session: ChatSession, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/diff")
    assert "no uncommitted changes" in capsys.readouterr().err
    (repo_dir / "README.md").write_text("# demo\n\nChanged.\n")
    dispatch(session, "/diff")
    out = capsys.readouterr().out
    assert "+Changed." in out and "-A small project." in out


def test_diff_staged_only(session: ChatSession, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo_dir / "README.md").write_text("# demo\n\nChanged.\n")
    dispatch(session, "/diff --staged")
    assert "no staged changes" in capsys.readouterr().err


def test_edit_shows_the_diff_asks_and_writes(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(EDIT)
    session.ui = ui = Yes()
    dispatch(session, "/add src/util.py")
    dispatch(session, "/edit accept floats")
    assert ui.asked == ["Apply these changes to 1 file(s)?"]
    assert "return float(text)" in (repo_dir / "src/util.py").read_text()
    captured = capsys.readouterr()
    assert "+    return float(text)" in captured.out
    assert "/undo puts them back" in captured.err
    prompt = use_ollama.last_body()["messages"]
    assert "def parse_number(text):" in prompt[-1]["content"] and "accept floats" in prompt[-1]["content"]
    assert session.turns[-1].question == "accept floats" and "src/util.py: +1 -1" in session.turns[-1].answer
    assert session.usage["ollama/llama3.1:8b"].calls == 1


def test_edit_refuses_a_block_into_git_through_a_symlink(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path) -> None:
    (repo_dir / "meta").symlink_to(".git")
    config = (repo_dir / ".git" / "config").read_bytes()
    use_ollama.reply(EDIT + "\nmeta/config\n<<<<<<< SEARCH\n[core]\n=======\n[core]\n\tfsmonitor = touch pwned\n>>>>>>> REPLACE\n")
    session.ui = ui = Yes()
    with pytest.raises(LlmdevError, match="refused"):
        dispatch(session, "/edit accept floats")
    assert ui.asked == [] and "return int(text)" in (repo_dir / "src/util.py").read_text()
    assert (repo_dir / ".git" / "config").read_bytes() == config


def test_edit_declined_writes_nothing(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(EDIT)
    session.ui = Yes(False)
    dispatch(session, "/add src/util.py")
    dispatch(session, "/edit accept floats")
    assert "return int(text)" in (repo_dir / "src/util.py").read_text()
    assert "not applied" in capsys.readouterr().err
    assert session.turns == []


def test_edit_carries_the_conversation(session: ChatSession, use_ollama: OllamaServer) -> None:
    from llmdev.chat.turn import ask

    use_ollama.reply("Use float() instead of int().", EDIT)
    session.ui = Yes()
    dispatch(session, "/add src/util.py")
    ask(session, "how do I parse 1.5?")
    dispatch(session, "/edit do that")
    contents = [m["content"] for m in use_ollama.last_body()["messages"]]
    assert contents[1:3] == ["how do I parse 1.5?", "Use float() instead of int()."]


def test_edit_refuses_a_file_with_uncommitted_changes_before_asking(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path) -> None:
    (repo_dir / "src/util.py").write_text("def parse_number(text):\n    return int(text, 10)\n")
    dispatch(session, "/add src/util.py")
    with pytest.raises(UsageError, match="uncommitted changes"):
        dispatch(session, "/edit accept floats")
    assert use_ollama.model_requests == []


def test_edit_twice_on_its_own_changes_then_undo(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path) -> None:
    second = EDIT.replace("return int(text)", "return float(text)").replace("=======\n    return float(text)", "=======\n    return float(text.strip())")
    use_ollama.reply(EDIT, second)
    session.ui = Yes()
    dispatch(session, "/add src/util.py")
    dispatch(session, "/edit accept floats")
    dispatch(session, "/edit strip spaces")  # the file is dirty, but with the session's own change
    assert "float(text.strip())" in (repo_dir / "src/util.py").read_text()
    dispatch(session, "/undo")
    assert "return float(text)\n" in (repo_dir / "src/util.py").read_text()
    dispatch(session, "/undo")
    assert "return int(text)\n" in (repo_dir / "src/util.py").read_text()


def test_edit_needs_an_instruction(session: ChatSession) -> None:
    with pytest.raises(UsageError, match="needs an instruction"):
        dispatch(session, "/edit  ")


def test_undo_with_nothing_to_undo(session: ChatSession) -> None:
    with pytest.raises(LlmdevError, match="no change to undo"):
        dispatch(session, "/undo")


def test_edit_confirmed_through_the_keyboard(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path, keyboard: Keyboard) -> None:
    from llmdev.chat.app import run_chat

    use_ollama.reply(EDIT)
    keyboard("/add src/util.py\r/edit accept floats\ry\r", lambda: run_chat(session))
    assert "return float(text)" in (repo_dir / "src/util.py").read_text()


def test_review_reviews_the_working_tree(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo_dir / "src/util.py").write_text("def parse_number(text):\n    return eval(text)\n")
    finding = {
        "path": "src/util.py", "line": 2, "end_line": 2, "severity": "high", "category": "security",
        "title": "eval of user input", "message": "eval runs arbitrary code.", "suggestion": None,
    }
    use_ollama.reply_with(json.dumps({"findings": [finding], "summary": "One risky call."}))
    dispatch(session, "/review")
    assert "eval(text)" in str(use_ollama.last_body()["messages"])
    assert "eval of user input" in capsys.readouterr().out


def test_edit_without_files_lets_the_model_locate_them_when_configured(session: ChatSession, use_ollama: OllamaServer, repo_dir: Path) -> None:
    session.settings.context.locate = "model"
    use_ollama.reply(json.dumps({"files": ["src/util.py"]}), EDIT)
    session.ui = Yes()
    dispatch(session, "/edit accept floats in the number parser")
    located, edited = use_ollama.model_requests
    assert located.body["format"]["required"] == ["files"]
    assert "def parse_number(text):" in edited.body["messages"][-1]["content"]
    assert "return float(text)" in (repo_dir / "src/util.py").read_text()
