"""Write a set of file changes all or nothing: stage every temp file first, then rename each into
place; if anything fails, put back what was already replaced and remove what was created."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from llmdev.edits.containment import PathRefused, WorkTree
from llmdev.edits.plan import FileChange
from llmdev.errors import LlmdevError

TEMP_PREFIX = ".llmdev-"


class WriteRefused(LlmdevError):
    """Nothing was written: a file changed since the edit was planned, or the disk refused."""


@dataclass
class _Staged:
    change: FileChange
    target: Path
    temp: Path | None = None  # the new bytes, ready to rename over the target
    moved_aside: Path | None = None  # the old file, while a delete is pending
    created_dirs: list[Path] = field(default_factory=list)
    done: bool = False


def default_mode() -> int:
    """What a new file gets: 0o666 less the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def current_bytes(root: Path, path: str) -> bytes | None:
    target = root / path
    return target.read_bytes() if target.is_file() else None


def check_unchanged(root: Path, changes: Sequence[FileChange]) -> None:
    """Refuse if any file is no longer what the change was computed from."""
    moved = [c.path for c in changes if current_bytes(root, c.path) != c.before]
    if moved:
        raise WriteRefused(
            f"{', '.join(moved)} changed since the edit was prepared; nothing was written",
            "run the command again",
        )


def _make_parents(target: Path, staged: _Staged) -> None:
    missing = []
    parent = target.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for directory in reversed(missing):
        directory.mkdir()
        staged.created_dirs.append(directory)


def _write_temp(directory: Path, data: bytes, mode: int) -> Path:
    handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, mode)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def contained_targets(root: Path, changes: Sequence[FileChange]) -> list[Path]:
    """Each change's real target, checked by the containment rules; WriteRefused (naming every
    refused path) before anything is written if any target is off-limits."""
    tree = WorkTree(root)
    targets: list[Path] = []
    refused: list[str] = []
    for change in changes:
        try:
            targets.append(tree.root / tree.contain(change.path))
        except PathRefused as exc:
            refused.append(f"{change.path!r}: {exc}")
    if refused:
        raise WriteRefused(f"refused to write {'; '.join(refused)}; no file was changed", "edit only files of the work tree, outside .git")
    return targets


def _stage(target: Path, change: FileChange) -> _Staged:
    staged = _Staged(change, target)
    if change.after is not None:
        _make_parents(target, staged)
        mode = change.mode if change.mode is not None else default_mode()
        staged.temp = _write_temp(target.parent, change.after, mode)
    return staged


def _commit(staged: _Staged) -> None:
    if staged.temp is not None:
        os.replace(staged.temp, staged.target)
        staged.temp = None
    else:
        aside = staged.target.with_name(f"{TEMP_PREFIX}{staged.target.name}.deleted")
        os.replace(staged.target, aside)
        staged.moved_aside = aside
    staged.done = True


def _undo_one(staged: _Staged) -> None:
    """Put a committed change back; best effort, since we are already failing."""
    change = staged.change
    if staged.moved_aside is not None:
        os.replace(staged.moved_aside, staged.target)
    elif change.before is None:
        staged.target.unlink(missing_ok=True)
    else:
        mode = change.mode if change.mode is not None else default_mode()
        os.replace(_write_temp(staged.target.parent, change.before, mode), staged.target)


def _clean(staged: _Staged) -> None:
    if staged.temp is not None:
        staged.temp.unlink(missing_ok=True)
    for directory in reversed(staged.created_dirs):
        try:
            directory.rmdir()
        except OSError:
            pass


def write_changes(root: Path, changes: Sequence[FileChange]) -> None:
    """Write every change, or raise WriteRefused with every file as it was."""
    targets = contained_targets(root, changes)
    check_unchanged(root, changes)
    staged: list[_Staged] = []
    try:
        for target, change in zip(targets, changes):
            staged.append(_stage(target, change))
        for item in staged:
            _commit(item)
    except OSError as exc:
        for item in reversed(staged):
            if item.done:
                _undo_one(item)
            _clean(item)
        raise WriteRefused(f"could not write {exc.filename or 'a file'}: {exc.strerror}; no file was changed") from exc
    for item in staged:
        if item.moved_aside is not None:
            item.moved_aside.unlink(missing_ok=True)
        if item.change.after is None:
            _remove_empty_parents(item.target.parent, root)


def _remove_empty_parents(directory: Path, root: Path) -> None:
    """After a delete (undoing a created file), drop folders it leaves empty."""
    stop = root.resolve()
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent
