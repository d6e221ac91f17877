from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.edits.atomic import write_changes
from llmdev.edits.journal import record_change
from llmdev.edits.plan import FileChange
from tests.edits.scratch import make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "r", {"a.txt": "one\n", "b.txt": "two\n"})
    monkeypatch.chdir(root)
    return root


def apply(root: Path, path: str, before: bytes, after: bytes, summary: str) -> None:
    change = FileChange(path, before, after, 0o644)
    write_changes(root, [change])
    record_change(root / ".git", [change], summary, "gen")


def test_undo_goes_back_one_change_at_a_time(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    apply(repo, "a.txt", b"one\n", b"ONE\n", "upper a")
    apply(repo, "b.txt", b"two\n", b"TWO\n", "upper b")
    assert run(["undo", "--list"]) == 0
    listing = capsys.readouterr().out
    assert listing.index("upper b") < listing.index("upper a")
    assert run(["undo"]) == 0
    assert "restored b.txt (undid: upper b)" in capsys.readouterr().err
    assert (repo / "b.txt").read_text() == "two\n" and (repo / "a.txt").read_text() == "ONE\n"
    assert run(["undo"]) == 0
    assert (repo / "a.txt").read_text() == "one\n"


def test_undo_in_a_subdirectory_and_outside_a_repo(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    apply(repo, "a.txt", b"one\n", b"ONE\n", "upper a")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert run(["undo"]) == 0
    assert (repo / "a.txt").read_text() == "one\n"
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert run(["undo"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err
