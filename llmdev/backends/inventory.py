"""Which models exist and which are usable now: aliases, configured models, what Ollama has."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from llmdev.backends.registry import ModelRef, get_backend, resolve_model
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.backends.base import Backend
    from llmdev.config.schema import Settings


@dataclass
class ModelStatus:
    """One row of `llmdev models`."""

    model: str  # provider/name, or the unresolvable reference
    provider: str | None
    aliases: list[str] = field(default_factory=list)
    default: bool = False
    configured: bool = False  # named in the configuration (default, alias or command)
    installed: bool | None = None  # on the server (Ollama); None when unknown
    usable: bool = False
    why: str = ""  # why it is not usable, or details when it is
    context_length: int | None = None


def _failure(exc: Exception) -> str:
    return str(exc) if isinstance(exc, LlmdevError) else f"{type(exc).__name__}: {exc}"


def configured_models(settings: "Settings") -> dict[str, ModelStatus]:
    """Every model the configuration names, resolved, keyed by reference."""
    rows: dict[str, ModelStatus] = {}
    named = [(settings.model, None)] + [(target, alias) for alias, target in settings.aliases.items()]
    named += [(c.model, None) for c in settings.commands.values() if c.model]
    for reference, alias in named:
        try:
            ref: ModelRef | None = resolve_model(reference, settings)
        except LlmdevError as exc:
            ref, key = None, reference
            rows.setdefault(key, ModelStatus(reference, None, configured=True, why=str(exc)))
        else:
            key = str(ref)
            rows.setdefault(key, ModelStatus(key, ref.provider, configured=True))
        if alias:
            rows[key].aliases.append(alias)
        if reference == settings.model and alias is None:
            rows[key].default = True
    return rows


def _same_model(a: str, b: str) -> bool:
    """Ollama reads `llama3` as `llama3:latest`."""
    return (a if ":" in a else f"{a}:latest") == (b if ":" in b else f"{b}:latest")


def _fill_from_server(rows: dict[str, ModelStatus], provider: str, backend: "Backend", list_all: bool) -> None:
    """Mark each row of `provider` usable or not from the server's own list."""
    mine = [r for r in rows.values() if r.provider == provider]
    try:
        offered = backend.list_models()
    except Exception as exc:  # a server that is down (or a broken plugin) is a row note, not a crash
        for row in mine:
            row.why = _failure(exc)
        return
    for info in offered:
        match = next((r for r in mine if _same_model(r.model.split("/", 1)[1], info.name)), None)
        if match is None and list_all:
            match = rows.setdefault(f"{provider}/{info.name}", ModelStatus(f"{provider}/{info.name}", provider))
            mine.append(match)
        if match is not None:
            context = f"context {info.context_length} tokens" if info.context_length else ""
            match.installed, match.usable, match.why = True, True, ", ".join(filter(None, (info.details, context)))
            match.context_length = info.context_length
    for row in mine:
        if row.installed is None:
            row.installed = False
            name = row.model.split("/", 1)[1]
            row.why = f"not pulled: run `llmdev models pull {name}`" if list_all else "not offered by the server"


def model_statuses(settings: "Settings") -> list[ModelStatus]:
    """Configured models and every model Ollama servers have, each marked usable or not and why.

    Remote (OpenAI-kind) servers are asked only about configured models, and only when their key is set.
    """
    rows = configured_models(settings)
    for provider, config in settings.providers.items():
        referenced = any(r.provider == provider for r in rows.values())
        if config.kind != "ollama" and not referenced:
            continue
        if config.api_key_env and not os.environ.get(config.api_key_env, "").strip():
            for row in rows.values():
                if row.provider == provider:
                    row.why = f"{config.api_key_env} is not set"
            continue
        try:
            backend = get_backend(provider, settings)
        except Exception as exc:
            for row in rows.values():
                if row.provider == provider:
                    row.why = _failure(exc)
            continue
        _fill_from_server(rows, provider, backend, list_all=config.kind == "ollama")
    return list(rows.values())


def pull_target(name: str, settings: "Settings") -> ModelRef:
    """What `llmdev models pull NAME` downloads: an alias, `provider/name`, or a bare Ollama name."""
    from llmdev.errors import UsageError

    try:
        ref = resolve_model(name, settings)
    except LlmdevError:  # a bare name, or a namespaced one like `user/model:tag`
        provider = next((p for p, c in settings.providers.items() if c.kind == "ollama"), None)
        if provider is None:
            raise UsageError("no Ollama provider is configured", 'declare one: [providers.ollama] kind = "ollama"') from None
        return ModelRef(provider, name)
    if settings.providers[ref.provider].kind != "ollama":
        raise UsageError(f"'{name}' is {ref}, which is not an Ollama model", "only Ollama models can be pulled")
    return ref
