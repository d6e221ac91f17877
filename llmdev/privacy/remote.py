"""Which models are remote (privacy rules apply), and which settings a repository may not loosen."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from llmdev.backends.registry import ModelRef
    from llmdev.config.schema import Settings


def is_loopback_url(url: str | None) -> bool:
    if not url:
        return False
    host = (urlsplit(url if "://" in url else f"http://{url}").hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_remote(ref: "ModelRef", settings: "Settings", repo_keys: Iterable[str] = ()) -> bool:
    """True when a prompt for `ref` leaves this machine.

    Ollama and loopback OpenAI-compatible servers are local; `[providers.X] local` overrides,
    except that a `local = true` from the repository's config (a pull request could say so)
    counts as remote: in doubt, the privacy rules apply.
    """
    provider = settings.providers[ref.provider]
    declared = provider.local
    if declared is True and f"providers.{ref.provider}.local" in set(repo_keys):
        return True
    if declared is not None:
        return not declared
    if provider.kind == "ollama":
        return False
    return not is_loopback_url(provider.base_url)


def repo_keys(sources: Mapping[str, str], repo_root: Path | None) -> set[str]:
    """The config keys whose value came from the repository's own config file."""
    if repo_root is None:
        return set()
    prefix = str(repo_root).rstrip("/\\") + os.sep
    return {key for key, source in sources.items() if source.startswith(prefix)}
