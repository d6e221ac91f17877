"""One model call, end to end: choose the model, let plugins route and guard it, send it, record it.

Selection order (docs/routing.md): --model > plugin routing (`route_request`) > [commands.NAME]
model > the default model. Then the guards (`guard_request`: privacy, budget) may redact,
reroute to a local model, or refuse. Only then is a request sent, and a remote one is written to
the audit log first.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, Iterator

from llmdev.backends.base import ChatOptions, ChatResult, Message, TextSink, Usage
from llmdev.backends.refs import ModelRef
from llmdev.backends.registry import get_backend
from llmdev.call_types import CallRecord, PreparedCall, RouteRequest, content_digest
from llmdev.concurrency import provider_slot
from llmdev.errors import LlmdevError
from llmdev.plugins import hook
from llmdev.privacy.guard import audit, recheck, require_privacy_check
from llmdev.privacy.remote import is_remote, repo_keys

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings

# The call data lives in the leaf `llmdev.call_types`; plugins written against `llmdev.calls`
# still import it from here.
__all__ = [
    "CallRecord",
    "PreparedCall",
    "RouteRequest",
    "content_digest",
    "default_options",
    "describe_dry_run",
    "execute",
    "prepare",
    "select_model",
]


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


_ADMISSION = threading.Condition()
_REMOTE_IN_FLIGHT: list[PreparedCall] = []


@contextmanager
def _admitted(prepared: PreparedCall, settings: "Settings") -> Iterator[None]:
    """Hold a remote call until the guards accept it together with the remote calls in flight
    (`guard_run`: a budget counts their estimates, as their cost is not in the usage log yet).
    A call that does not fit beside them waits for them to finish and is then judged again, so
    calls sent at once are refused exactly when calls sent one after another would be."""
    with _ADMISSION:
        while True:
            try:
                hook().guard_run(calls=[*_REMOTE_IN_FLIGHT, prepared], settings=settings)
                break
            except LlmdevError:
                if not _REMOTE_IN_FLIGHT:
                    raise
                _ADMISSION.wait()  # a call in flight finished: its real cost is spent now
        _REMOTE_IN_FLIGHT.append(prepared)
    try:
        yield
    finally:
        with _ADMISSION:
            _REMOTE_IN_FLIGHT.remove(prepared)
            _ADMISSION.notify_all()


def execute(prepared: PreparedCall, config: "LoadedConfig", on_text: TextSink | None = None) -> ChatResult:
    """Send a prepared call and report it to `model_call_finished` hooks, even when it fails."""
    settings = config.settings
    backend = get_backend(prepared.model.provider, settings)
    _ready_to_send(backend)
    remote = _before_sending(prepared, config)
    with _admitted(prepared, settings) if remote else nullcontext():  # released after the usage is logged
        return _send(prepared, settings, backend, remote, on_text)


def _send(prepared: PreparedCall, settings: "Settings", backend: Any, remote: bool, on_text: TextSink | None) -> ChatResult:
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
