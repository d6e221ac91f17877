"""OpenAI client failures as one clear line with a fix, and the checks `llmdev doctor` shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmdev.backends.base import Check
from llmdev.errors import ModelError

if TYPE_CHECKING:
    from llmdev.backends.openai import OpenAIBackend


def _detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return str(getattr(exc, "message", exc))


def _key_hint(backend: "OpenAIBackend") -> str:
    if backend.api_key_env:
        return f"check {backend.api_key_env}: it must hold a valid key for {backend.base_url}"
    return f"this server wants a key: set api_key_env under [providers.{backend.provider}]"


def _reach_hint(backend: "OpenAIBackend") -> str:
    if "api.openai.com" in backend.base_url:
        return "check the network connection, or OPENAI_BASE_URL"
    return f"is the server running? check [providers.{backend.provider}] base_url"


def _status_error(exc: Any, backend: "OpenAIBackend", model: str | None) -> ModelError:
    import openai

    name, detail, status = backend.provider, _detail(exc), exc.status_code
    retried = f" after {backend.max_retries} retries" if backend.max_retries else ""
    if isinstance(exc, openai.AuthenticationError):
        return ModelError(f"{name} rejected the API key (HTTP 401)", _key_hint(backend))
    if isinstance(exc, openai.BadRequestError) and exc.code == "context_length_exceeded":
        return ModelError(f"the prompt is too long for {model}: {detail}", "send less context, or pick a model with a larger window")
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
    if status >= 500:
        return ModelError(f"{name} failed (HTTP {status}){retried}: {detail}", "try again later")
    return ModelError(f"{name} refused the request (HTTP {status}): {detail}", "check the model name and options")


def map_error(exc: BaseException, backend: "OpenAIBackend", model: str | None, timeout: float) -> ModelError:
    """Turn what the `openai` client raised into a ModelError saying what to do."""
    import openai

    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc, backend, model)
    if isinstance(exc, openai.APITimeoutError):
        return ModelError(f"{backend.provider} did not answer within {timeout:g}s", "raise [request] timeout, or try again")
    if isinstance(exc, openai.APIConnectionError):
        return ModelError(f"cannot reach {backend.provider} at {backend.base_url}", _reach_hint(backend))
    if isinstance(exc, openai.OpenAIError):
        return ModelError(f"{backend.provider} failed: {exc}", "try again")
    return ModelError(f"{backend.provider} request failed: {type(exc).__name__}: {exc}", "try again")


def broken_stream(backend: "OpenAIBackend") -> ModelError:
    return ModelError(f"the connection to {backend.provider} broke in the middle of the answer", "try again")


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
    length = offered[model]
    detail = f"{length} tokens" if length else "not reported by the server; llmdev budgets by its own estimates"
    checks.append(Check(f"{name}: context window of {model}", True, detail))
    return checks
