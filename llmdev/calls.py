"""One model call, end to end: choose the model, let plugins route and guard it, send it, record it.

Selection order (docs/routing.md): --model > plugin routing (`route_request`) > [commands.NAME]
model > the default model. Then the guards (`guard_request`: privacy, budget) may redact,
reroute to a local model, or refuse. Only then is a request sent, and a remote one is written to
the audit log first.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmdev.backends.base import ChatOptions, ChatResult, Message, TextSink, Usage
from llmdev.backends.registry import ModelRef, get_backend, resolve_model
from llmdev.errors import LlmdevError
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings
    from llmdev.usage.prices import CostEstimate


def content_digest(model: str, messages: list[Message]) -> str:
    digest = hashlib.sha256(f"{model}\0".encode())
    for message in messages:
        digest.update(f"{message.role}\0{message.content}\0".encode())
    return digest.hexdigest()


@dataclass
class RouteRequest:
    """What routing plugins and guards see and may change before a call is sent."""

    command: str
    model: str  # a model reference or alias
    messages: list[Message]
    files: list[str]
    settings: "Settings"
    model_locked: bool  # the user named the model with --model: route around it only to refuse or redact
    repo_root: Path | None = None
    notes: list[str] = field(default_factory=list)  # what routing did, shown to the user
    options: ChatOptions | None = None
    sources: dict[str, str] = field(default_factory=dict)  # config key -> the layer that set it
    checked_by: dict[str, str] = field(default_factory=dict)  # guard name -> fingerprint it checked
    findings: list[dict[str, Any]] = field(default_factory=list)  # what guards found (never secret values)

    def resolved(self) -> ModelRef:
        return resolve_model(self.model, self.settings)

    def is_remote(self) -> bool:
        """Whether the prompt would leave this machine with the current model."""
        from llmdev.privacy.remote import is_remote, repo_keys

        return is_remote(self.resolved(), self.settings, repo_keys(self.sources, self.repo_root))

    def fingerprint(self) -> str:
        """A hash of the model and the messages: a guard's check holds only while this is unchanged."""
        return content_digest(str(self.resolved()), self.messages)

    def mark_checked(self, guard: str) -> None:
        self.checked_by[guard] = self.fingerprint()

    def estimate(self) -> "CostEstimate":
        from llmdev.usage.prices import estimate

        tokens = estimate_message_tokens(m.content for m in self.messages)
        return estimate(str(self.resolved()), self.is_remote(), tokens, self.options, self.settings)


@dataclass
class PreparedCall:
    command: str
    model: ModelRef
    messages: list[Message]
    files: list[str]
    options: ChatOptions
    notes: list[str]
    repo_root: Path | None = None
    remote: bool = False
    estimate: "CostEstimate | None" = None
    privacy: list[dict[str, Any]] = field(default_factory=list)
    checked_sha256: str | None = None  # content_digest when the guards passed it

    @property
    def estimated_input_tokens(self) -> int:
        return estimate_message_tokens(m.content for m in self.messages)

    def content_sha256(self) -> str:
        digest = hashlib.sha256()
        for message in self.messages:
            digest.update(f"{message.role}\0{message.content}\0".encode())
        return digest.hexdigest()


@dataclass
class CallRecord:
    """Everything known about a finished (or failed) model call."""

    command: str
    model: str
    provider_kind: str
    started_at: float
    duration_s: float
    usage: Usage
    ok: bool
    files: list[str]
    content_sha256: str
    settings: "Settings"
    repo_root: Path | None = None
    error: str | None = None
    remote: bool = False
    estimated_usd: float | None = None


def select_model(command: str, model_flag: str | None, settings: "Settings") -> str:
    """--model flag > (plugin routing, applied later) > [commands.NAME] model > default model."""
    if model_flag:
        return model_flag
    per_command = settings.commands.get(command)
    if per_command is not None and per_command.model:
        return per_command.model
    return settings.model


def default_options(settings: "Settings", **overrides: Any) -> ChatOptions:
    request = settings.request
    base = {
        "temperature": request.temperature,
        "seed": request.seed,
        "max_output_tokens": request.max_output_tokens,
    }
    base.update({k: v for k, v in overrides.items() if v is not None})
    return ChatOptions(**base)


def _keep_locked_model(request: RouteRequest, locked: ModelRef) -> None:
    """Routing plugins may not switch a model the user named with --model."""
    if request.model_locked and request.resolved() != locked:
        request.notes.append(f"kept {locked} named by --model; a routing plugin asked for {request.model}")
        request.model = str(locked)


def prepare(
    command: str,
    messages: list[Message],
    config: "LoadedConfig",
    *,
    model_flag: str | None = None,
    files: list[str] | None = None,
    options: ChatOptions | None = None,
) -> PreparedCall:
    """Pick the model, run routing plugins and guards; nothing is sent."""
    from llmdev.plugins import hook
    from llmdev.privacy.guard import require_privacy_check

    settings = config.settings
    request = RouteRequest(
        command=command,
        model=select_model(command, model_flag, settings),
        messages=list(messages),
        files=list(files or []),
        settings=settings,
        model_locked=bool(model_flag),
        repo_root=config.repo_root,
        options=options or default_options(settings),
        sources=dict(config.sources),
    )
    chosen = request.resolved()  # an unknown model fails before any plugin runs
    hook().route_request(request=request)
    _keep_locked_model(request, chosen)
    request.resolved()  # a model a plugin made up fails here, before the guards
    hook().guard_request(request=request)
    require_privacy_check(request)
    return PreparedCall(
        command=command,
        model=request.resolved(),
        messages=request.messages,
        files=request.files,
        options=request.options or default_options(settings),
        notes=request.notes,
        repo_root=config.repo_root,
        remote=request.is_remote(),
        estimate=request.estimate(),
        privacy=request.findings,
        checked_sha256=content_digest(str(request.resolved()), request.messages),
    )


def _before_sending(prepared: PreparedCall, config: "LoadedConfig") -> bool:
    """Whether the request is remote; if so, check it again when it changed since prepare(), and audit it."""
    from llmdev.privacy.guard import audit, recheck
    from llmdev.privacy.remote import is_remote, repo_keys

    if not is_remote(prepared.model, config.settings, repo_keys(config.sources, config.repo_root)):
        return False
    if not prepared.remote or prepared.checked_sha256 != content_digest(str(prepared.model), prepared.messages):
        recheck(prepared, config)
    audit(prepared)
    return True


def _ready_to_send(backend: object) -> None:
    """Fail before the audit entry on what stops a request from going out at all (no API key)."""
    api_key = getattr(backend, "api_key", None)
    if callable(api_key):
        api_key()


def execute(prepared: PreparedCall, config: "LoadedConfig", on_text: TextSink | None = None) -> ChatResult:
    """Send a prepared call and report it to `model_call_finished` hooks, even when it fails."""
    from llmdev.concurrency import provider_slot
    from llmdev.plugins import hook

    settings = config.settings
    backend = get_backend(prepared.model.provider, settings)
    _ready_to_send(backend)
    remote = _before_sending(prepared, config)
    started = time.time()
    result: ChatResult | None = None
    error: str | None = None
    try:
        with provider_slot(prepared.model.provider, settings):  # back-pressure: a bounded number in flight per provider
            started = time.time()  # time with the model, not waiting for a slot
            result = backend.chat(prepared.model.name, prepared.messages, prepared.options, on_text)
        return result
    except LlmdevError as exc:
        error = str(exc)
        raise
    except KeyboardInterrupt:
        error = "interrupted"
        raise
    finally:
        record = CallRecord(
            command=prepared.command,
            model=str(prepared.model),
            provider_kind=settings.providers[prepared.model.provider].kind,
            started_at=started,
            duration_s=time.time() - started,
            usage=result.usage if result else Usage(),
            ok=result is not None,
            files=prepared.files,
            content_sha256=prepared.content_sha256(),
            settings=settings,
            repo_root=prepared.repo_root,
            error=error,
            remote=remote,
            estimated_usd=prepared.estimate.usd if prepared.estimate else None,
        )
        hook().model_call_finished(record=record)


def describe_dry_run(prepared: PreparedCall) -> dict[str, Any]:
    """Exactly what would be sent, after routing and redaction, with the cost estimate."""
    return {
        "model": str(prepared.model),
        "remote": prepared.remote,
        "command": prepared.command,
        "estimated_input_tokens": prepared.estimated_input_tokens,
        "estimate": prepared.estimate.as_dict() if prepared.estimate else None,
        "files": prepared.files,
        "routing": prepared.notes,
        "privacy": prepared.privacy,
        "options": {k: v for k, v in vars(prepared.options).items() if v is not None and k != "schema_name"},
        "messages": [m.as_dict() for m in prepared.messages],
    }
