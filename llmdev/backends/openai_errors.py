"""OpenAI client failures as one clear line with a fix, and the checks `llmdev doctor` shows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from llmdev.backends.base import Check, ContextOverflow
from llmdev.backends.structured import VLLM_OVERFLOW, error_fields, rejected_as_invalid
from llmdev.errors import ModelError

if TYPE_CHECKING:
    from llmdev.backends.openai import OpenAIBackend
    from llmdev.backends.retry import Attempts

# OpenAI: "maximum context length is 1000 tokens. However, your messages resulted in 2000 tokens".
_OPENAI_OVERFLOW = re.compile(r"context length is (\d+) tokens.*?resulted in (\d+) tokens", re.S)
_VLLM_REPLY = re.compile(r"'max_tokens' or 'max_completion_tokens' is too large: (\d+)\.")


def transient(exc: BaseException) -> bool:
    """Worth sending again after a wait: connection failures, 408/409/429 (not out of quota), 5xx
    other than a validation error. A timeout is not: the user's timeout already bounds the wait."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.APIConnectionError):
        return True
    status, kind, _ = error_fields(exc)
    if status is None or rejected_as_invalid(exc):
        return False
    if status == 429:
        return "insufficient_quota" not in kind
    return status in (408, 409) or status >= 500


def asked_wait(exc: BaseException) -> float | None:
    """The server's Retry-After, in seconds, when it sent one."""
    from llmdev.backends.retry import retry_after_s

    response = getattr(exc, "response", None)
    return retry_after_s(dict(response.headers)) if response is not None else None


def overflow(exc: Any, model: str | None) -> ContextOverflow | None:
    """llama-server's `exceed_context_size_error`, OpenAI's `context_length_exceeded` or vLLM's message, with the numbers."""
    body = exc.body if isinstance(getattr(exc, "body", None), dict) else {}
    _, kind, message = error_fields(exc)
    prompt, window = body.get("n_prompt_tokens"), body.get("n_ctx")
    vllm = VLLM_OVERFLOW.search(message)
    if "exceed_context_size_error" not in kind and "context_length_exceeded" not in kind and vllm is None:
        return None
    if not isinstance(window, int) and (found := _OPENAI_OVERFLOW.search(message) or vllm):
        window, prompt = int(found.group(1)), int(found.group(2))
    hint = "send less: fewer files or a smaller change, or pick a model with a larger window"
    if isinstance(prompt, int) and isinstance(window, int):
        reply = _VLLM_REPLY.search(message)  # vLLM counts the reply's room too
        room = f" and up to {reply.group(1)} for the reply" if reply else ""
        return ContextOverflow(f"the prompt is {prompt} tokens{room}, the window of {model} is {window}", hint, prompt, window)
    return ContextOverflow(f"the prompt is too long for {model}: {message}", hint, None, None)


def _detail(exc: Any) -> str:
    return error_fields(exc)[2] or str(exc)


def _key_hint(backend: "OpenAIBackend") -> str:
    if backend.api_key_env:
        return f"check {backend.api_key_env}: it must hold a valid key for {backend.base_url}"
    return f"this server wants a key: set api_key_env under [providers.{backend.provider}]"


def _reach_hint(backend: "OpenAIBackend") -> str:
    if "api.openai.com" in backend.base_url:
        return "check the network connection, or OPENAI_BASE_URL"
    return f"is the server running? check [providers.{backend.provider}] base_url"


def _status_error(exc: Any, backend: "OpenAIBackend", model: str | None, attempts: "Attempts") -> ModelError:
    import openai

    name, detail, status = backend.provider, _detail(exc), exc.status_code
    retried = attempts.describe()
    if isinstance(exc, openai.AuthenticationError):
        return ModelError(f"{name} rejected the API key (HTTP 401)", _key_hint(backend))
    if (too_long := overflow(exc, model)) is not None:
        return too_long
    if attempts.waited_for is not None:
        return ModelError(f"{name} answered HTTP {status} and asks to wait {attempts.waited_for:g}s", "try again after that")
    if isinstance(exc, openai.NotFoundError) and model:
        return ModelError(
            f"model '{model}' is not available from {name} at {backend.base_url}",
            "`llmdev models` shows what is usable; fix the name in [aliases] or --model",
        )
    if isinstance(exc, openai.NotFoundError):
        return ModelError(f"{backend.base_url} is not an OpenAI-compatible API ({detail})", "base_url usually ends in /v1")
    if isinstance(exc, openai.RateLimitError) and exc.code == "insufficient_quota":
        return ModelError(f"{name} says the account is out of quota: {detail}", "check billing and usage limits with the provider")
    if isinstance(exc, openai.RateLimitError):
        return ModelError(f"{name} is rate limiting requests (HTTP 429){retried}", "wait a minute and try again, or raise [request] max_retries")
    if isinstance(exc, openai.PermissionDeniedError):
        return ModelError(f"{name} denied access (HTTP 403): {detail}", "check the key's project and model access")
    if rejected_as_invalid(exc):
        return ModelError(f"{name} refused the request as invalid (HTTP {status}): {detail}", "check the model name and options; see the server's log")
    if status >= 500:
        return ModelError(f"{name} failed (HTTP {status}){retried}: {detail}", "try again later")
    return ModelError(f"{name} refused the request (HTTP {status}): {detail}", "check the model name and options")


def map_error(exc: BaseException, backend: "OpenAIBackend", model: str | None, timeout: float, attempts: "Attempts") -> ModelError:
    """Turn what the `openai` client raised into a ModelError saying what to do."""
    import openai

    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc, backend, model, attempts)
    if isinstance(exc, openai.APITimeoutError):
        spent = f" (the last of {attempts.made} attempts; {attempts.elapsed_s:.1f}s in all)" if attempts.retries else ""
        return ModelError(f"{backend.provider} did not answer within {timeout:g}s{spent}", "raise [request] timeout, or try again")
    if isinstance(exc, openai.APIConnectionError):
        return ModelError(f"cannot reach {backend.provider} at {backend.base_url}{attempts.describe()}", _reach_hint(backend))
    if isinstance(exc, openai.OpenAIError):
        return ModelError(f"{backend.provider} failed: {exc}", "try again")
    return ModelError(f"{backend.provider} request failed: {type(exc).__name__}: {exc}", "try again")


def broken_stream(backend: "OpenAIBackend") -> ModelError:
    return ModelError(f"the connection to {backend.provider} broke in the middle of the answer", "try again")


def unfinished(backend: "OpenAIBackend", text: str) -> ModelError:
    """A reply that ended without a finish reason failed on the server (a full window, a crash)."""
    got = f"after {len(text)} characters" if text else "before any text"
    return ModelError(
        f"{backend.provider} ended the answer {got} without saying it was finished; the server failed mid-reply",
        f"see the server's log at {backend.base_url}; a prompt larger than its context window does this — send less",
    )


def health_checks(backend: "OpenAIBackend", model: str | None) -> list[Check]:
    """Key set, server answering, model offered, context window; never raises."""
    name = backend.provider
    checks: list[Check] = []
    if backend.api_key_env:
        try:
            backend.api_key()
        except ModelError as exc:
            return [Check(f"{name}: key {backend.api_key_env}", False, "not set", exc.hint)]
        checks.append(Check(f"{name}: key {backend.api_key_env}", True, "set"))
    try:
        offered = {m.name: m.context_length for m in backend.list_models()}
    except ModelError as exc:
        return checks + [Check(f"{name}: server", False, exc.message, exc.hint)]
    checks.append(Check(f"{name}: server", True, f"{backend.base_url} answers ({len(offered)} models)"))
    if model is None:
        return checks
    if model not in offered:
        return checks + [Check(f"{name}: model {model}", False, "not offered by the server", "`llmdev models` lists what is usable")]
    checks.append(Check(f"{name}: model {model}", True, "offered"))
    return checks + [_window_check(backend, model, offered[model])]


def _window_check(backend: "OpenAIBackend", model: str, reported: int | None) -> Check:
    """The window llmdev plans with, and where that number comes from."""
    name = f"{backend.provider}: context window of {model}"
    configured = backend.context_windows.get(f"{backend.provider}/{model}")
    if reported:
        return Check(name, True, f"{reported} tokens (reported by the server)")
    if configured:
        return Check(name, True, f"{configured} tokens (from [context_windows])")
    return Check(name, True, "not reported by the server; llmdev budgets by its own estimates")
