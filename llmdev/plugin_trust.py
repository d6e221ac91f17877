"""Which repository-local plugins the user has trusted, by path and content hash.

Code inside a repository runs as a plugin only after `llmdev plugins trust PATH`; any change to
it afterwards (a pull request, a checkout) withdraws the trust until the user grants it again.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

TRUST_FILE = "trusted-plugins.json"


def plugin_digest(path: Path) -> str:
    """sha256 over a plugin file, or over every file of a plugin folder with its relative path."""
    digest = hashlib.sha256()
    if path.is_file():
        digest.update(path.read_bytes())
        return digest.hexdigest()
    for item in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(item.relative_to(path).as_posix().encode() + b"\0")
        digest.update(item.read_bytes() + b"\0")
    return digest.hexdigest()


def _store_path() -> Path:
    from llmdev.usage.store import data_dir

    return data_dir() / TRUST_FILE


def _entries() -> list[dict[str, Any]]:
    path = _store_path()
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # an unreadable store trusts nothing
    return [e for e in data.get("trusted", []) if isinstance(e, dict)] if isinstance(data, dict) else []


def _save(entries: list[dict[str, Any]]) -> None:
    path = _store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"trusted": entries}, indent=2) + "\n", encoding="utf-8")


def _key(repo_root: Path, rel: str) -> tuple[str, str]:
    return str(repo_root.resolve()), Path(rel).as_posix()


def is_trusted(repo_root: Path, rel: str) -> str | None:
    """None when `rel` (inside `repo_root`) is trusted as it is now; otherwise why not."""
    path = repo_root / rel
    if not path.exists():
        return f"{rel} does not exist"
    repo, key = _key(repo_root, rel)
    entry = next((e for e in _entries() if e.get("repo") == repo and e.get("path") == key), None)
    if entry is None:
        return f"repository code, not trusted: run `llmdev plugins trust {key}` to load it"
    if entry.get("sha256") != plugin_digest(path):
        return f"changed since it was trusted: review it, then run `llmdev plugins trust {key}` again"
    return None


def trust(repo_root: Path, rel: str) -> str:
    """Record `rel` as trusted in its current state; returns the content hash."""
    repo, key = _key(repo_root, rel)
    digest = plugin_digest(repo_root / rel)
    entries = [e for e in _entries() if not (e.get("repo") == repo and e.get("path") == key)]
    entries.append({"repo": repo, "path": key, "sha256": digest, "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    _save(entries)
    return digest


def untrust(repo_root: Path, rel: str) -> bool:
    """Forget the trust in `rel`; False when it was not trusted."""
    repo, key = _key(repo_root, rel)
    entries = _entries()
    kept = [e for e in entries if not (e.get("repo") == repo and e.get("path") == key)]
    if len(kept) == len(entries):
        return False
    _save(kept)
    return True
