from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from llmdev.edits.journal import entries
from llmdev.edits.plan import FileChange
from llmdev.edits.workflow import ApplyOptions, review_and_apply
from llmdev.errors import LlmdevError, UsageError
from llmdev.repo.discovery import open_repository
from tests.edits.scratch import make_repo

CHANGE = FileChange("a.txt", b"one\n", b"ONE\n", 0o644)


def test_a_given_confirm_is_asked_and_its_no_writes_nothing(tmp_path: Path) -> None:
    repo = open_repository(make_repo(tmp_path / "r", {"a.txt": "one\n"}))
    questions: list[str] = []

    def decline(question: str) -> bool:
        questions.append(question)
        return False

    result = review_and_apply(repo, [CHANGE], ApplyOptions(), summary="upper", command="chat", confirm=decline)
    assert not result.applied and questions == ["Apply these changes to 1 file(s)?"]
    assert (repo.root / "a.txt").read_text() == "one\n" and entries(repo.git_dir) == []


def test_a_given_confirm_that_agrees_writes_and_journals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = open_repository(make_repo(tmp_path / "r", {"a.txt": "one\n"}))
    result = review_and_apply(repo, [CHANGE], ApplyOptions(), summary="upper", command="chat", confirm=lambda q: True, undo_hint="/undo")
    assert result.applied and (repo.root / "a.txt").read_text() == "ONE\n"
    assert [e.summary for e in entries(repo.git_dir)] == ["upper"]
    assert "wrote 1 file(s); /undo puts them back" in capsys.readouterr().err


def test_without_a_terminal_the_default_confirm_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = open_repository(make_repo(tmp_path / "r", {"a.txt": "one\n"}))
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    with pytest.raises(LlmdevError, match="stdin is not a terminal") as raised:
        review_and_apply(repo, [CHANGE], ApplyOptions(), summary="upper", command="gen")
    assert raised.value.exit_code == 1 and "--yes" in (raised.value.hint or "")
    assert (repo.root / "a.txt").read_text() == "one\n"


def test_dirty_files_are_refused_before_asking(tmp_path: Path) -> None:
    repo = open_repository(make_repo(tmp_path / "r", {"a.txt": "one\n"}))
    (repo.root / "a.txt").write_text("mine\n")
    asked: list[str] = []
    with pytest.raises(UsageError, match="uncommitted changes"):
        review_and_apply(repo, [CHANGE], ApplyOptions(), summary="upper", command="chat", confirm=lambda q: asked.append(q) or True)
    assert asked == [] and (repo.root / "a.txt").read_text() == "mine\n"
