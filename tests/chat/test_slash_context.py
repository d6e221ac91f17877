from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.errors import UsageError


def test_add_a_file_a_directory_and_a_glob(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add README.md src 'tests/*.py'")
    assert session.files == ["README.md", "src/app.py", "src/util.py", "tests/test_app.py"]
    assert "added src/util.py" in capsys.readouterr().err


def test_add_takes_paths_from_the_current_directory(session: ChatSession, repo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_dir / "src")
    dispatch(session, "/add util.py")
    assert session.files == ["src/util.py"]


def test_add_twice_keeps_one(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add src/app.py")
    dispatch(session, "/add src/app.py")
    assert session.files == ["src/app.py"]
    assert "already in context" in capsys.readouterr().err


def test_add_says_why_a_file_cannot_be_added(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add nothing.py package-lock.json")
    err = capsys.readouterr().err
    assert "nothing.py: no such file in the repository" in err
    assert "package-lock.json: llmdev skips it" in err
    assert session.files == []


def test_add_needs_a_path(session: ChatSession) -> None:
    with pytest.raises(UsageError, match="needs at least one path"):
        dispatch(session, "/add")


def test_add_sees_a_new_untracked_file(session: ChatSession, repo_dir: Path) -> None:
    dispatch(session, "/add README.md")  # lists the files once
    (repo_dir / "notes.txt").write_text("new\n")
    dispatch(session, "/add notes.txt")
    assert session.files == ["README.md", "notes.txt"]


def test_drop_named_files_then_all(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add src README.md")
    dispatch(session, "/drop src/app.py")
    assert session.files == ["src/util.py", "README.md"]
    dispatch(session, "/drop nothing.py")
    assert "nothing.py is not in context" in capsys.readouterr().err
    dispatch(session, "/drop")
    assert session.files == []
    assert "dropped 2 files" in capsys.readouterr().err


def test_context_shows_each_part_and_the_window(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add src/app.py")
    dispatch(session, "/context")
    out = capsys.readouterr().out
    assert "next prompt to ollama/llama3.1:8b" in out
    assert "src/app.py" in out and "instructions" in out and "answer (kept free)" in out
    assert "131,072-token window" in out


def test_context_warns_about_a_file_that_went_away(session: ChatSession, repo_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/add README.md")
    (repo_dir / "README.md").unlink()
    dispatch(session, "/context")
    assert "README.md cannot be read" in capsys.readouterr().err


def test_map_shows_files_and_their_symbols(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/map")
    out = capsys.readouterr().out
    assert "src/util.py" in out and "parse_pair" in out and "src/app.py" in out
