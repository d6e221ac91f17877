from __future__ import annotations

import os
from pathlib import Path

import pytest

from llmdev.edits.atomic import WriteRefused, write_changes
from llmdev.edits.plan import FileChange
from tests.edits.scratch import snapshot, write_files


def test_writes_keep_mode_and_create_folders(tmp_path: Path) -> None:
    write_files(tmp_path, {"run.sh": "echo 1\n"})
    os.chmod(tmp_path / "run.sh", 0o755)
    write_changes(tmp_path, [FileChange("run.sh", b"echo 1\n", b"echo 2\n", 0o755), FileChange("a/b/new.txt", None, b"x\n")])
    assert (tmp_path / "run.sh").read_bytes() == b"echo 2\n"
    assert (tmp_path / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "a/b/new.txt").read_bytes() == b"x\n"
    assert not [p for p in tmp_path.rglob(".llmdev-*")]


def test_a_failure_midway_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    write_files(tmp_path, {"one.txt": "1\n", "blocker": "a file where a folder is needed\n"})
    before = snapshot(tmp_path)
    changes = [FileChange("one.txt", b"1\n", b"changed\n", 0o644), FileChange("new/x.txt", None, b"x\n"), FileChange("blocker/y.txt", None, b"y\n")]
    with pytest.raises(WriteRefused, match="no file was changed"):
        write_changes(tmp_path, changes)
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "new").exists()


def test_a_file_changed_since_planning_stops_everything(tmp_path: Path) -> None:
    write_files(tmp_path, {"one.txt": "1\n", "two.txt": "2 edited meanwhile\n"})
    before = snapshot(tmp_path)
    with pytest.raises(WriteRefused, match="two.txt changed since"):
        write_changes(tmp_path, [FileChange("one.txt", b"1\n", b"x\n"), FileChange("two.txt", b"2\n", b"y\n")])
    assert snapshot(tmp_path) == before


def test_delete_removes_folders_it_empties(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/sub/new.py": "x\n", "keep.txt": "k\n"})
    write_changes(tmp_path, [FileChange("pkg/sub/new.py", b"x\n", None)])
    assert not (tmp_path / "pkg").exists() and (tmp_path / "keep.txt").exists()


def test_symlinked_file_is_edited_through_the_link(tmp_path: Path) -> None:
    write_files(tmp_path, {"real.txt": "a\n"})
    (tmp_path / "link.txt").symlink_to("real.txt")
    write_changes(tmp_path, [FileChange("link.txt", b"a\n", b"b\n", 0o644)])
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "real.txt").read_bytes() == b"b\n"
