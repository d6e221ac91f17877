from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.edits.atomic import write_changes
from llmdev.edits.journal import KEEP, UndoRefused, drop, entries, record_change, reverse_changes
from llmdev.edits.plan import FileChange
from tests.edits.scratch import write_files


def apply(root: Path, git_dir: Path, changes: list[FileChange], summary: str = "s") -> None:
    write_changes(root, changes)
    record_change(git_dir, changes, summary, "gen")


def test_undo_restores_edited_and_removes_created(tmp_path: Path) -> None:
    git_dir = tmp_path / ".git"
    write_files(tmp_path, {"a.txt": "old\r\n"})
    apply(tmp_path, git_dir, [FileChange("a.txt", b"old\r\n", b"new\r\n", 0o644), FileChange("d/n.txt", None, b"n\n")])
    (entry,) = entries(git_dir)
    assert entry.command == "gen" and [f.path for f in entry.files] == ["a.txt", "d/n.txt"]
    write_changes(tmp_path, reverse_changes(tmp_path, entry))
    drop(entry)
    assert (tmp_path / "a.txt").read_bytes() == b"old\r\n"
    assert not (tmp_path / "d").exists()
    assert entries(git_dir) == []


def test_undo_refuses_when_a_file_was_touched_since(tmp_path: Path) -> None:
    git_dir = tmp_path / ".git"
    write_files(tmp_path, {"a.txt": "old\n", "b.txt": "b\n"})
    apply(tmp_path, git_dir, [FileChange("a.txt", b"old\n", b"new\n"), FileChange("b.txt", b"b\n", b"B\n")])
    (tmp_path / "b.txt").write_bytes(b"B plus my edit\n")
    with pytest.raises(UndoRefused, match="b.txt changed after llmdev wrote them"):
        reverse_changes(tmp_path, entries(git_dir)[0])
    assert (tmp_path / "a.txt").read_bytes() == b"new\n"


def test_entries_are_newest_first_and_pruned(tmp_path: Path) -> None:
    git_dir = tmp_path / ".git"
    for number in range(KEEP + 3):
        record_change(git_dir, [FileChange("a.txt", b"%d" % number, b"x")], f"change {number}")
    found = entries(git_dir)
    assert len(found) == KEEP
    assert found[0].summary == f"change {KEEP + 2}"
