"""Model references (`provider/name` or an alias) resolved against the configured providers.

A leaf: it needs only the settings, so the call data (`llmdev.call_types`) and the privacy rules
can resolve a model without reaching the backend registry or the plugins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmdev.errors import UnknownModelError

if TYPE_CHECKING:
    from llmdev.config.schema import Settings


@dataclass(frozen=True)
class ModelRef:
    provider: str
    name: str

    def __str__(self) -> str:
        return f"{self.provider}/{self.name}"


def _known(settings: "Settings") -> str:
    aliases = ", ".join(sorted(settings.aliases)) or "none"
    providers = ", ".join(f"{p}/<model>" for p in sorted(settings.providers))
    return f"aliases: {aliases}; or {providers}"


def resolve_model(reference: str, settings: "Settings") -> ModelRef:
    """Follow aliases (up to a few hops) and split `provider/name`."""
    seen: list[str] = []
    current = reference.strip()
    while current in settings.aliases:
        if current in seen or len(seen) > 8:
            raise UnknownModelError(f"alias loop: {' -> '.join(seen + [current])}", "fix [aliases] in your config")
        seen.append(current)
        current = settings.aliases[current]
    provider, sep, name = current.partition("/")
    if not sep or not name or not provider:
        raise UnknownModelError(f"unknown model or alias '{reference}'", f"known {_known(settings)}")
    if provider not in settings.providers:
        raise UnknownModelError(
            f"unknown provider '{provider}' in model '{reference}'",
            f"known {_known(settings)}; declare others under [providers.NAME]",
        )
    return ModelRef(provider, name)
