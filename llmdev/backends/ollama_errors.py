"""Ollama failures as one clear line with a fix, and the health checks `llmdev doctor` shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.backends.base import Check
from llmdev.errors import ModelError

if TYPE_CHECKING:
    from llmdev.backends.ollama import OllamaBackend
    from llmdev.backends.retry import Attempts

START_HINT = "start it with `ollama serve` or set OLLAMA_HOST"
LOG_HINT = "see the Ollama server log (the `ollama serve` output)"


def unreachable(base_url: str, why: str = "") -> ModelError:
    return ModelError(f"Ollama is not reachable at {base_url}{why}", START_HINT)


def missing_model(model: str) -> ModelError:
    return ModelError(
        f"model '{model}' is not in Ollama",
        f"pull it with `ollama pull {model}` or `llmdev models pull {model}`",
    )


def _status_error(status: int, text: str, base_url: str, model: str | None, action: str, retried: str = "") -> ModelError:
    if status == -1 and action == "pull":
        return ModelError(f"Ollama could not pull '{model}': {text}", "check the name at https://ollama.com/library")
    if status == -1:
        return ModelError(f"Ollama failed while answering: {text}", f"{LOG_HINT}; the model may be out of memory")
    if status == 404 and model and "not found" in text and "page" not in text:
        return missing_model(model)
    if status == 404:
        return ModelError(f"the server at {base_url} does not answer like Ollama ({text})", "check OLLAMA_HOST or [providers.ollama] base_url")
    if status in (429, 503):
        return ModelError(f"Ollama is busy (HTTP {status}){retried}: {text}", "try again shortly; its request queue is full")
    if status in (401, 403):
        return ModelError(f"Ollama refused access (HTTP {status}): {text}", "set OLLAMA_API_KEY if your server needs a key")
    if status == 400:
        return ModelError(f"Ollama refused the request: {text}", LOG_HINT)
    return ModelError(f"Ollama answered HTTP {status}: {text}", LOG_HINT)


def map_error(
    exc: BaseException, base_url: str, model: str | None, timeout: float, action: str = "chat", attempts: "Attempts | None" = None
) -> ModelError:
    """Turn what the `ollama` client (or httpx) raised into a ModelError saying what to do."""
    import httpx
    import ollama

    if isinstance(exc, ModelError):
        return exc
    if isinstance(exc, ollama.ResponseError) and attempts is not None and attempts.waited_for is not None:
        return ModelError(f"Ollama is busy (HTTP {exc.status_code}) and asks to wait {attempts.waited_for:g}s", "try again after that")
    if isinstance(exc, ollama.ResponseError):
        retried = attempts.describe() if attempts is not None else ""
        return _status_error(exc.status_code, str(exc.error), base_url, model, action, retried)
    if isinstance(exc, httpx.HTTPStatusError):
        text = exc.response.text.strip()
        return _status_error(exc.response.status_code, text, base_url, model, action)
    if isinstance(exc, (ConnectionError, httpx.ConnectError)):
        return unreachable(base_url)
    if isinstance(exc, httpx.ConnectTimeout):
        return unreachable(base_url, " (the connection timed out)")
    if isinstance(exc, httpx.TimeoutException):
        return ModelError(
            f"Ollama did not answer within {timeout:g}s",
            "raise [request] timeout, or use a smaller model (the first request also waits for the model to load)",
        )
    if isinstance(exc, httpx.TransportError):
        return ModelError(f"the connection to Ollama at {base_url} broke: {exc}", f"try again; {LOG_HINT}")
    if isinstance(exc, ValueError):  # JSON or pydantic: not an Ollama answer
        return ModelError(f"the server at {base_url} does not answer like Ollama", "check OLLAMA_HOST or [providers.ollama] base_url")
    return ModelError(f"Ollama request failed: {type(exc).__name__}: {exc}", LOG_HINT)


def _same_model(a: str, b: str) -> bool:
    """`llama3` and `llama3:latest` are one model to Ollama."""
    return (a if ":" in a else f"{a}:latest") == (b if ":" in b else f"{b}:latest")


def health_checks(backend: "OllamaBackend", model: str | None) -> list[Check]:
    """Server reachable, model present, context window; never raises."""
    label = backend.provider
    try:
        version = backend.version()
        installed = [m.name for m in backend.list_models()]
    except ModelError as exc:
        return [Check(f"{label}: server", False, exc.message, exc.hint)]
    checks = [Check(f"{label}: server", True, f"Ollama {version} at {backend.base_url}")]
    if model is None:
        return checks
    if not any(_same_model(model, name) for name in installed):
        fix = f"`llmdev models pull {model}` (or `ollama pull {model}`)"
        return checks + [Check(f"{label}: model {model}", False, "not installed", fix)]
    checks.append(Check(f"{label}: model {model}", True, "installed"))
    checks.append(_context_check(backend, model))
    return checks


def _context_check(backend: "OllamaBackend", model: str) -> Check:
    name = f"{backend.provider}: context window of {model}"
    settings = backend.ollama
    try:
        trained = backend.trained_length(model)
    except ModelError as exc:
        return Check(name, False, exc.message, exc.hint)
    if trained is None:
        return Check(name, True, f"not reported by /api/show; llmdev sends num_ctx from {settings.min_ctx} up")
    if settings.num_ctx and settings.num_ctx > trained:
        return Check(
            name, False, f"[ollama] num_ctx {settings.num_ctx} is above the trained {trained} tokens", f"set [ollama] num_ctx to at most {trained}"
        )
    if settings.num_ctx:
        return Check(name, True, f"trained {trained} tokens; llmdev always sends num_ctx {settings.num_ctx}")
    low = min(settings.min_ctx, trained)
    return Check(name, True, f"trained {trained} tokens; llmdev sends num_ctx {low} to {trained}, doubling as prompts grow")
