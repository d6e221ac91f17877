"""The review baseline: fingerprints of dismissed findings, committed to the repository."""

from __future__ import annotations

import json
from pathlib import Path

from llmdev.errors import ConfigError
from llmdev.review.findings import Finding

BASELINE_VERSION = 1


def _entries(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable review baseline ({exc})", "fix it, or delete it and run `llmdev review --update-baseline`") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: expected an object with a `findings` list", "delete it and run `llmdev review --update-baseline`")
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)]


def load_fingerprints(path: Path) -> set[str]:
    return {e["fingerprint"] for e in _entries(path)}


def suppress(findings: list[Finding], fingerprints: set[str]) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were suppressed."""
    kept = [f for f in findings if f.fingerprint not in fingerprints]
    return kept, len(findings) - len(kept)


def update(path: Path, findings: list[Finding]) -> int:
    """Add the findings' fingerprints to the baseline (earlier ones stay); returns how many were new."""
    entries = _entries(path)
    known = {e["fingerprint"] for e in entries}
    added = [
        {"fingerprint": f.fingerprint, "path": f.path, "category": f.category, "severity": f.severity, "title": f.title}
        for f in findings
        if f.fingerprint not in known
    ]
    unique = list({e["fingerprint"]: e for e in added}.values())
    entries += unique
    entries.sort(key=lambda e: (e.get("path", ""), e["fingerprint"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"version": BASELINE_VERSION, "findings": entries}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(unique)
