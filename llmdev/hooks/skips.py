"""A record of hook runs that let a commit through unreviewed, kept in the repository's git dir."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

LOG_NAME = "hook-skips.jsonl"
KEEP = 200  # entries kept; older ones are dropped when the log is rewritten


@dataclass(frozen=True)
class SkipRecord:
    time: float
    hook: str
    reason: str


def log_path(repo: "Repository") -> Path:
    return repo.common_dir / "llmdev" / LOG_NAME


def record_skip(repo: "Repository", hook: str, reason: str) -> None:
    """Append one record; a log that cannot be written must not block the commit."""
    path = log_path(repo)
    line = json.dumps({"time": time.time(), "hook": hook, "reason": reason}) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        if path.stat().st_size > KEEP * 400:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(lines[-KEEP:]), encoding="utf-8")
    except OSError:
        pass


def recent_skips(repo: "Repository", limit: int = 5) -> list[SkipRecord]:
    """The latest records, newest last."""
    try:
        lines = log_path(repo).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    records = []
    for line in lines[-limit:]:
        try:
            data = json.loads(line)
            records.append(SkipRecord(float(data["time"]), str(data["hook"]), str(data["reason"])))
        except (ValueError, KeyError, TypeError):
            continue
    return records
