"""The review result cache: an identical request (diff, context, rules, template, model, options) is answered from disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmdev.review.findings import Finding
from llmdev.review.reply import SCHEMA_VERSION

if TYPE_CHECKING:
    from llmdev.calls import PreparedCall


def cache_root() -> Path:
    """The user cache directory (LLMDEV_CACHE_DIR wins), with `review/` under it."""
    from llmdev.config.loader import user_cache_dir

    return user_cache_dir() / "review"


def request_key(prepared: "PreparedCall") -> str:
    """A hash of everything that decides the reply: model, options, and the messages (which hold the
    diff, the context, the rules and the rendered template)."""
    options = {k: v for k, v in vars(prepared.options).items() if v is not None}
    digest = hashlib.sha256()
    digest.update(f"review-cache/{SCHEMA_VERSION}\0{prepared.model}\0".encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    digest.update(prepared.content_sha256().encode())
    return digest.hexdigest()


def entry_path(key: str) -> Path:
    return cache_root() / key[:2] / f"{key}.json"


def load(key: str) -> dict[str, Any] | None:
    """The cached entry, or None when absent or unreadable (a broken entry is a miss, not an error)."""
    try:
        data = json.loads(entry_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        return None
    return data


def cached_findings(entry: dict[str, Any]) -> list[Finding]:
    return [Finding.from_json(item) for item in entry["findings"] if isinstance(item, dict)]


def store(key: str, findings: list[Finding], summary: str, model: str, usage: dict[str, int]) -> None:
    """Write atomically, secrets replaced and mode 600; a cache that cannot be written only costs
    the next run a request."""
    from llmdev.privacy.own_files import scrub_values, write_private_text

    entry = {"findings": [f.as_json() for f in findings], "summary": summary, "model": model, "usage": usage}
    try:
        write_private_text(entry_path(key), json.dumps(scrub_values(entry)))
    except OSError:
        pass
