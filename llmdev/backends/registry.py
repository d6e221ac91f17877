"""Model references resolved to a backend, from the kinds of model server that plugins register."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.backends.refs import ModelRef, resolve_model
from llmdev.errors import UnknownModelError

if TYPE_CHECKING:
    from llmdev.backends.base import Backend, BackendFactory
    from llmdev.config.schema import ProviderConfig, Settings

__all__ = ["ModelRef", "backend_factories", "get_backend", "resolve_model"]  # the references stay importable here


def backend_factories() -> dict[str, "BackendFactory"]:
    """Every kind of model server registered by plugins, built-ins included."""
    from llmdev.plugins import hook

    factories: dict[str, BackendFactory] = {}
    hook().register_backends(register=factories.__setitem__)
    return factories


def get_backend(provider: str, settings: "Settings") -> "Backend":
    """A backend for a configured provider."""
    config: ProviderConfig = settings.providers[provider]
    factories = backend_factories()
    if config.kind not in factories:
        raise UnknownModelError(
            f"provider '{provider}' has kind '{config.kind}' but no plugin provides it",
            f"installed kinds: {', '.join(sorted(factories))}",
        )
    return factories[config.kind](provider, config, settings)
