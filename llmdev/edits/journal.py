"""The undo journal: each applied change keeps the files' old bytes in `<git dir>/llmdev/undo/<id>/`,
so `llmdev undo` can put them back if nobody touched the files since."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

from llmdev.edits.atomic import current_bytes
from llmdev.edits.plan import FileChange
from llmdev.errors import LlmdevError

KEEP = 20  # entries kept; older ones are dropped
MANIFEST = "change.json"


class UndoRefused(LlmdevError):
    pass


@dataclass
class JournalFile:
    path: str
    before: str | None  # file name of the saved old bytes inside the entry; None if the change created it
    after_sha256: str | None  # None if the change deleted it
    mode: int | None = None


@dataclass
class JournalEntry:
    id: str
    created_at: float
    summary: str
    files: list[JournalFile] = field(default_factory=list)
    command: str = ""
    commit: str | None = None
    directory: Path | None = None


def sha256(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def journal_dir(git_dir: Path) -> Path:
    return git_dir / "llmdev" / "undo"


def record_change(git_dir: Path, changes: Sequence[FileChange], summary: str, command: str = "") -> JournalEntry:
    """Save what `changes` replaced; written to a temp folder and renamed, so an entry is whole or absent."""
    base = journal_dir(git_dir)
    base.mkdir(parents=True, exist_ok=True)
    entry = JournalEntry(f"{time.time_ns():020d}", time.time(), summary, command=command)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=base))
    for number, change in enumerate(changes):
        saved = None
        if change.before is not None:
            saved = f"{number}.before"
            (staging / saved).write_bytes(change.before)
        entry.files.append(JournalFile(change.path, saved, sha256(change.after), change.mode))
    _write_manifest(staging, entry)
    staging.rename(base / entry.id)
    entry.directory = base / entry.id
    _prune(base)
    return entry


def _write_manifest(directory: Path, entry: JournalEntry) -> None:
    data = asdict(entry)
    data.pop("directory")
    (directory / MANIFEST).write_text(json.dumps(data, indent=2), encoding="utf-8")


def _prune(base: Path) -> None:
    for old in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)


def set_commit(entry: JournalEntry, commit: str) -> None:
    entry.commit = commit
    if entry.directory is not None:
        _write_manifest(entry.directory, entry)


def entries(git_dir: Path) -> list[JournalEntry]:
    """Newest first."""
    base = journal_dir(git_dir)
    if not base.is_dir():
        return []
    found = []
    for directory in sorted((p for p in base.iterdir() if (p / MANIFEST).is_file()), reverse=True):
        data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files = [JournalFile(**f) for f in data.pop("files")]
        found.append(JournalEntry(files=files, directory=directory, **data))
    return found


def reverse_changes(root: Path, entry: JournalEntry) -> list[FileChange]:
    """The changes that restore the entry's files, or UndoRefused if any was modified since."""
    assert entry.directory is not None
    touched = [f.path for f in entry.files if sha256(current_bytes(root, f.path)) != f.after_sha256]
    if touched:
        raise UndoRefused(
            f"{', '.join(touched)} changed after llmdev wrote them; nothing was restored",
            "undo those edits yourself (git diff shows them), or restore with git checkout",
        )
    reverse = []
    for item in entry.files:
        before = (entry.directory / item.before).read_bytes() if item.before else None
        reverse.append(FileChange(item.path, current_bytes(root, item.path), before, item.mode))
    return reverse


def drop(entry: JournalEntry) -> None:
    if entry.directory is not None:
        shutil.rmtree(entry.directory, ignore_errors=True)
