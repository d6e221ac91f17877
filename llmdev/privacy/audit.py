"""The audit log: one JSON line per request sent to a remote model, written before it is sent."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AUDIT_FILE = "audit.jsonl"


@dataclass
class AuditEntry:
    command: str
    model: str
    files: list[str]
    content_sha256: str
    repo: str | None = None
    estimated_input_tokens: int = 0
    redacted: list[str] = field(default_factory=list)  # kinds taken out, never the values
    time: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))


def audit_path() -> Path:
    from llmdev.usage.store import data_dir

    return data_dir() / AUDIT_FILE


def record(entry: AuditEntry) -> None:
    """Append one entry; raises OSError when the log cannot be written (the caller refuses to send)."""
    from llmdev.privacy.own_files import append_private_line

    append_private_line(audit_path(), json.dumps(vars(entry), sort_keys=True))


def read(path: Path | None = None) -> list[dict[str, Any]]:
    """Every entry, oldest first; lines that are not JSON are skipped."""
    path = path or audit_path()
    if not path.is_file():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries
