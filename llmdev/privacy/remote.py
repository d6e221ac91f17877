"""Which models are remote (privacy rules apply), and which settings a repository may not loosen."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from llmdev.backends.refs import ModelRef
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


BUILTIN_REMOTE = "openai"  # a loopback base_url for it is most often a proxy to the real API
BUILTIN_LOCAL = "ollama"


def is_remote(ref: "ModelRef", settings: "Settings", repo_keys: Iterable[str] = ()) -> bool:
    """True when a prompt for `ref` may leave this machine (docs/routing.md, "Local or remote").

    The built-in `openai` provider is remote whatever its URL. Any other provider is local only
    when the user's own config says `local = true` (a repository's config cannot: a pull request
    could say so), or when it is the built-in `ollama` provider on a loopback address. A loopback
    address alone proves nothing: LiteLLM and corporate gateways listen there too.
    """
    if ref.provider == BUILTIN_REMOTE:
        return True
    provider = settings.providers[ref.provider]
    if provider.local is False:
        return True
    if provider.local is True:
        return f"providers.{ref.provider}.local" in set(repo_keys)
    return not (ref.provider == BUILTIN_LOCAL and provider.kind == "ollama" and is_loopback_url(provider.base_url))


def repo_keys(sources: Mapping[str, str], repo_root: Path | None) -> set[str]:
    """The config keys whose value came from the repository's own config file."""
    if repo_root is None:
        return set()
    prefix = str(repo_root).rstrip("/\\") + os.sep
    return {key for key, source in sources.items() if source.startswith(prefix)}
