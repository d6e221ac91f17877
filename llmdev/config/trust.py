"""A repository's config may not choose where prompts and API keys go until the user trusts it.

A pull request could otherwise point `[providers.openai] base_url` at any host and receive the
prompt and the key. Trust is recorded per repository for the exact `[providers]` table, so any
change to it withdraws the trust.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

TRUST_FILE = "trusted-providers.json"


def providers_digest(providers: Any) -> str:
    return hashlib.sha256(json.dumps(providers, sort_keys=True, default=str).encode()).hexdigest()


def _store() -> Path:
    from llmdev.config.loader import user_data_dir

    return user_data_dir() / TRUST_FILE


def _entries() -> dict[str, str]:
    try:
        data = json.loads(_store().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or unreadable: trust nothing
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def is_trusted(repo_root: Path, providers: Any) -> bool:
    return _entries().get(str(repo_root.resolve())) == providers_digest(providers)


def untrusted_providers(repo_root: Path, layer: dict[str, Any]) -> str | None:
    """A warning when the repository layer declares providers the user has not trusted."""
    providers = layer.get("providers")
    if not providers or is_trusted(repo_root, providers):
        return None
    names = ", ".join(sorted(providers)) if isinstance(providers, dict) else "?"
    return (
        f"ignored [providers] ({names}) from this repository's config: a repository may not choose "
        "where prompts and API keys are sent — review it, then run `llmdev config trust`"
    )


def trust(repo_root: Path, providers: Any) -> None:
    """Trust this repository's `[providers]` table as it is now."""
    entries = _entries()
    entries[str(repo_root.resolve())] = providers_digest(providers)
    path = _store()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{time.time_ns()}.tmp")
    tmp.write_text(json.dumps(entries, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
