"""The OpenAI backend: Chat Completions, for api.openai.com and any compatible server."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

from llmdev.backends.base import ChatOptions, ChatResult, Check, Message, ModelInfo, TextSink, Usage
from llmdev.backends.retry import Attempts, with_retries
from llmdev.errors import ModelError, UnknownModelError
from llmdev.hookspecs import hookimpl
from llmdev.tokens import estimate_message_tokens, estimate_tokens

if TYPE_CHECKING:
    from llmdev.config.schema import ProviderConfig, Settings

DEFAULT_URL = "https://api.openai.com/v1"
LOCAL_KEY = "not-needed"  # compatible servers without keys still need the client to send one
METADATA_TIMEOUT = 15.0
CONTEXT_FIELDS = ("max_model_len", "context_length", "context_window", "max_context_length")  # vLLM, others

# (base_url, model) -> context length from /v1/models, asked once per process.
_context_cache: dict[tuple[str, str], int | None] = {}
# base_url -> model names (and aliases) its /v1/models lists, asked once per process.
_served: dict[str, set[str]] = {}
# (base_url, key, read timeout, connect timeout, retries) -> openai.OpenAI: one TLS setup (~20 ms) and pool.
_clients: dict[tuple[str, str, float, float, int], Any] = {}


def reset_caches() -> None:
    """Forget cached clients, served models and context lengths (tests start servers on reused ports)."""
    _context_cache.clear()
    _served.clear()
    _clients.clear()


def _usage(raw: Any, wall_s: float, first_token: float | None) -> Usage:
    return Usage(
        input_tokens=getattr(raw, "prompt_tokens", 0) or 0,
        output_tokens=getattr(raw, "completion_tokens", 0) or 0,
        duration_s=wall_s,
        first_token_s=first_token,
    )


def estimated_usage(messages: Sequence[Message], text: str, measured: Usage) -> Usage:
    """llmdev's own count when the server reported none (llama-cpp-python ignores include_usage)."""
    return Usage(
        input_tokens=estimate_message_tokens(m.content for m in messages),
        output_tokens=estimate_tokens(text),
        duration_s=measured.duration_s,
        first_token_s=measured.first_token_s,
        estimated=True,
    )


def _finish_warnings(finish_reason: str | None, limit: int | None) -> list[str]:
    if finish_reason == "length" and limit is not None:
        return [f"the answer stopped at the output token limit ({limit}); raise --max-tokens or [request] max_output_tokens"]
    if finish_reason == "length":
        return ["the answer stopped when the model's context window was full; send less context"]
    if finish_reason == "content_filter":
        return ["the provider's content filter cut the answer"]
    return []


def _reported_window(extra: dict[str, Any]) -> int | None:
    """The window a /v1/models entry reports: top-level fields (vLLM, others) or llama-server's `meta.n_ctx`."""
    meta = extra.get("meta") if isinstance(extra.get("meta"), dict) else {}
    for value in [*(extra.get(f) for f in CONTEXT_FIELDS), meta.get("n_ctx")]:
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


class OpenAIBackend:
    """Talks to one OpenAI-compatible server through the `openai` client."""

    def __init__(self, provider: str, config: "ProviderConfig", settings: "Settings") -> None:
        self.provider = provider
        self.base_url = (config.base_url or DEFAULT_URL).rstrip("/")
        self.api_key_env = config.api_key_env
        self.timeout = config.timeout or settings.request.timeout
        self.connect_timeout = settings.request.connect_timeout
        self.max_retries = settings.request.max_retries
        self.context_windows = settings.context_windows

    # -- plumbing --

    def api_key(self) -> str:
        if not self.api_key_env:
            return LOCAL_KEY
        key = os.environ.get(self.api_key_env, "").strip()
        if not key:
            raise ModelError(
                f"{self.api_key_env} is not set (needed for provider '{self.provider}')",
                f"export {self.api_key_env}=<your key>, or pick a local model with `-m local`",
            )
        return key

    def _client(self, read_timeout: float | None = None, max_retries: int | None = None) -> Any:
        retries = self.max_retries if max_retries is None else max_retries
        key = (self.base_url, self.api_key(), read_timeout or self.timeout, self.connect_timeout, retries)
        if key not in _clients:
            import openai

            timeout = openai.Timeout(key[2], connect=key[3])
            _clients[key] = openai.OpenAI(api_key=key[1], base_url=key[0], timeout=timeout, max_retries=retries)
        return _clients[key]

    def _error(
        self, exc: BaseException, model: str | None, timeout: float | None = None, attempts: Attempts | None = None
    ) -> ModelError:
        from llmdev.backends.openai_errors import map_error

        error = map_error(exc, self, model, timeout or self.timeout, attempts or Attempts(made=1))
        window = getattr(error, "window", None)
        if model and window:  # the server said how large its window is: plan with that from now on
            _context_cache[(self.base_url, model)] = window
        return error

    def _request_body(
        self, model: str, messages: Sequence[Message], options: ChatOptions, response_format: dict[str, Any] | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, "messages": [m.as_dict() for m in messages]}
        if options.temperature is not None:
            body["temperature"] = options.temperature
        if options.seed is not None:
            body["seed"] = options.seed
        if options.max_output_tokens is not None:
            # OpenAI's newer models refuse max_tokens; compatible servers know only max_tokens.
            limit_key = "max_completion_tokens" if self.is_openai else "max_tokens"
            body[limit_key] = options.max_output_tokens
        if response_format is not None:
            body["response_format"] = response_format
        return body

    @property
    def is_openai(self) -> bool:
        return "api.openai.com" in self.base_url

    # -- chat --

    def chat(
        self,
        model: str,
        messages: Sequence[Message],
        options: ChatOptions,
        on_text: TextSink | None = None,
    ) -> ChatResult:
        from llmdev.backends.structured import negotiate

        self.check_served(model)
        attempts = Attempts()

        def send(wanted: Sequence[Message], response_format: dict[str, Any] | None) -> tuple[str, str | None, Usage]:
            body = self._request_body(model, wanted, options, response_format)
            return self._send(body, on_text, attempts)

        try:
            if options.json_schema is None:
                text, finish, usage = send(messages, None)
            else:
                text, finish, usage = negotiate(self.base_url, model, messages, options, send)
        except (KeyboardInterrupt, ModelError):
            raise
        except Exception as exc:
            raise self._error(exc, model, attempts=attempts) from None
        if finish is None:
            from llmdev.backends.openai_errors import unfinished

            raise unfinished(self, text)
        if usage.input_tokens == 0 and usage.output_tokens == 0:
            usage = estimated_usage(messages, text, usage)
        warnings = _finish_warnings(finish, options.max_output_tokens)
        return ChatResult(text, f"{self.provider}/{model}", usage, finish, warnings)

    def _send(self, body: dict[str, Any], on_text: TextSink | None, attempts: Attempts) -> tuple[str, str | None, Usage]:
        """One request (retried while the server fails transiently); (text, finish reason, usage)."""
        from llmdev.backends.openai_errors import asked_wait, transient

        client = self._client(max_retries=0)  # llmdev retries, so that it can say how long it tried
        extra = {"stream": True, "stream_options": {"include_usage": True}} if on_text is not None else {}
        started = time.monotonic()  # after the client exists: time spent waiting on the server
        response = with_retries(
            lambda: client.chat.completions.create(**body, **extra),
            retries=self.max_retries,
            transient=transient,
            asked_wait=asked_wait,
            attempts=attempts,
        )
        if on_text is not None:
            return self._stream(response, on_text, started)
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        return text, choice.finish_reason if choice else None, _usage(response.usage, time.monotonic() - started, None)

    def _stream(self, stream: Any, on_text: TextSink, started: float) -> tuple[str, str | None, Usage]:
        pieces: list[str] = []
        finish = None
        raw_usage = None
        first_token = None
        import openai

        with stream:  # closes the HTTP response on any exit, Ctrl-C included
            try:
                for chunk in stream:
                    raw_usage = getattr(chunk, "usage", None) or raw_usage
                    if not chunk.choices:  # the usage chunk has none
                        continue
                    choice = chunk.choices[0]
                    content = choice.delta.content if choice.delta else None
                    if content:
                        if first_token is None:
                            first_token = time.monotonic() - started
                        pieces.append(content)
                        on_text(content)
                    finish = choice.finish_reason or finish
            except openai.APIConnectionError:
                from llmdev.backends.openai_errors import broken_stream

                raise broken_stream(self) from None
        return "".join(pieces), finish, _usage(raw_usage, time.monotonic() - started, first_token)

    def check_served(self, model: str) -> None:
        """Compatible servers answer for any model name: refuse one their /v1/models does not list."""
        if self.is_openai:  # OpenAI itself answers 404 for an unknown model
            return
        served = self.served_models()
        if served and model not in served:
            raise UnknownModelError(
                f"model '{model}' is not served by {self.provider} at {self.base_url} (it serves: {', '.join(sorted(served))})",
                f"use one of those names, e.g. -m {self.provider}/{sorted(served)[0]}, or fix [aliases]",
            )

    def served_models(self) -> set[str]:
        """Names (and aliases) /v1/models lists, asked once per process; empty when it cannot be asked."""
        if self.base_url not in _served:
            try:
                self.list_models()
            except ModelError:
                _served[self.base_url] = set()
        return _served.get(self.base_url, set())

    # -- metadata --

    def list_models(self) -> list[ModelInfo]:
        """The served models from /v1/models, asked again as chat is on 429/5xx (a proxy or pool)."""
        from llmdev.backends.openai_errors import asked_wait, transient

        timeout = min(self.timeout, METADATA_TIMEOUT)
        client = self._client(timeout, max_retries=0)
        attempts = Attempts()
        try:
            entries = with_retries(
                lambda: list(client.models.list()), retries=self.max_retries, transient=transient, asked_wait=asked_wait, attempts=attempts
            )
        except ModelError:
            raise
        except Exception as exc:
            raise self._error(exc, None, timeout, attempts=attempts) from None
        extras = [entry.model_extra or {} for entry in entries]
        models = [ModelInfo(name=entry.id, context_length=_reported_window(extra)) for entry, extra in zip(entries, extras)]
        aliases = {a for extra in extras for a in extra.get("aliases") or [] if isinstance(a, str)}
        _served[self.base_url] = {m.name for m in models} | aliases
        if any(getattr(e, "owned_by", None) == "llamacpp" for e in entries) and not any(m.context_length for m in models):
            window = self._props_window()
            models = [ModelInfo(m.name, window, m.details) for m in models]
        _context_cache.update({(self.base_url, m.name): m.context_length for m in models})
        return models

    def _props_window(self) -> int | None:
        """llama-server's /props `default_generation_settings.n_ctx` (older builds list no meta)."""
        import httpx

        root = self.base_url.removesuffix("/v1")
        try:
            headers = {"Authorization": f"Bearer {self.api_key()}"}
            props = httpx.get(f"{root}/props", timeout=min(self.timeout, METADATA_TIMEOUT), headers=headers).json()
            window = props.get("default_generation_settings", {}).get("n_ctx")
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        return window if isinstance(window, int) and window > 0 else None

    def context_length(self, model: str) -> int | None:
        """From /v1/models when the server reports it (vLLM does; OpenAI does not); else from the
        `context_windows` table (keyed `provider/model`); else None."""
        return self.reported_length(model) or self.context_windows.get(f"{self.provider}/{model}")

    def reported_length(self, model: str) -> int | None:
        """The window /v1/models reports for `model`, or None when it does not or cannot be asked."""
        key = (self.base_url, model)
        if key not in _context_cache:
            try:
                self.list_models()
            except ModelError:
                return None
            _context_cache.setdefault(key, None)
        return _context_cache[key]

    def checks(self, model: str | None) -> list[Check]:
        from llmdev.backends.openai_errors import health_checks

        return health_checks(self, model)


@hookimpl
def register_backends(register: Callable[[str, Any], None]) -> None:
    register("openai", OpenAIBackend)
