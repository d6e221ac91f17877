"""The OpenAI backend: Chat Completions, for api.openai.com and any compatible server."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

from llmdev.backends.base import ChatOptions, ChatResult, Check, Message, ModelInfo, TextSink, Usage
from llmdev.errors import ModelError
from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.config.schema import ProviderConfig, Settings

DEFAULT_URL = "https://api.openai.com/v1"
LOCAL_KEY = "not-needed"  # compatible servers without keys still need the client to send one
METADATA_TIMEOUT = 15.0
CONTEXT_FIELDS = ("max_model_len", "context_length", "context_window", "max_context_length")  # vLLM, others

# (base_url, model) -> context length from /v1/models, asked once per process.
_context_cache: dict[tuple[str, str], int | None] = {}
# (base_url, key, read timeout, connect timeout, retries) -> openai.OpenAI: one TLS setup (~20 ms) and pool.
_clients: dict[tuple[str, str, float, float, int], Any] = {}


def reset_caches() -> None:
    """Forget cached clients and context lengths (tests start servers on reused ports)."""
    _context_cache.clear()
    _clients.clear()


def _usage(raw: Any, wall_s: float, first_token: float | None) -> Usage:
    return Usage(
        input_tokens=getattr(raw, "prompt_tokens", 0) or 0,
        output_tokens=getattr(raw, "completion_tokens", 0) or 0,
        duration_s=wall_s,
        first_token_s=first_token,
    )


def _finish_warnings(finish_reason: str | None) -> list[str]:
    if finish_reason == "length":
        return ["the answer stopped at the output token limit; raise --max-tokens or [request] max_output_tokens"]
    if finish_reason == "content_filter":
        return ["the provider's content filter cut the answer"]
    return []


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

    def _error(self, exc: BaseException, model: str | None, timeout: float | None = None) -> ModelError:
        from llmdev.backends.openai_errors import map_error

        return map_error(exc, self, model, timeout or self.timeout)

    def _request_body(self, model: str, messages: Sequence[Message], options: ChatOptions) -> dict[str, Any]:
        body: dict[str, Any] = {"model": model, "messages": [m.as_dict() for m in messages]}
        if options.temperature is not None:
            body["temperature"] = options.temperature
        if options.seed is not None:
            body["seed"] = options.seed
        if options.max_output_tokens is not None:
            # OpenAI's newer models refuse max_tokens; compatible servers know only max_tokens.
            limit_key = "max_completion_tokens" if "api.openai.com" in self.base_url else "max_tokens"
            body[limit_key] = options.max_output_tokens
        if options.json_schema is not None:
            schema = {"name": options.schema_name, "schema": options.json_schema, "strict": True}
            body["response_format"] = {"type": "json_schema", "json_schema": schema}
        return body

    # -- chat --

    def chat(
        self,
        model: str,
        messages: Sequence[Message],
        options: ChatOptions,
        on_text: TextSink | None = None,
    ) -> ChatResult:
        body = self._request_body(model, messages, options)
        try:
            client = self._client()
            started = time.monotonic()  # after the client exists: time spent waiting on the server
            if on_text is None:
                response = client.chat.completions.create(**body)
                choice = response.choices[0] if response.choices else None
                text = (choice.message.content or "") if choice else ""
                finish = choice.finish_reason if choice else None
                usage = _usage(response.usage, time.monotonic() - started, None)
            else:
                text, finish, usage = self._stream(client, body, on_text, started)
        except (KeyboardInterrupt, ModelError):
            raise
        except Exception as exc:
            raise self._error(exc, model) from None
        return ChatResult(text, f"{self.provider}/{model}", usage, finish, _finish_warnings(finish))

    def _stream(self, client: Any, body: dict[str, Any], on_text: TextSink, started: float) -> tuple[str, str | None, Usage]:
        pieces: list[str] = []
        finish = None
        raw_usage = None
        first_token = None
        import openai

        stream = client.chat.completions.create(**body, stream=True, stream_options={"include_usage": True})
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

    # -- metadata --

    def list_models(self) -> list[ModelInfo]:
        timeout = min(self.timeout, METADATA_TIMEOUT)
        try:
            page = self._client(timeout, max_retries=0).models.list()
            entries = list(page)
        except ModelError:
            raise
        except Exception as exc:
            raise self._error(exc, None, timeout) from None
        models = []
        for entry in entries:
            extra = entry.model_extra or {}
            length = next((extra[f] for f in CONTEXT_FIELDS if isinstance(extra.get(f), int)), None)
            models.append(ModelInfo(name=entry.id, context_length=length))
        return models

    def context_length(self, model: str) -> int | None:
        """From /v1/models when the server reports it (vLLM does; OpenAI does not); else from the
        `context_windows` table (keyed `provider/model`); else None."""
        return self.reported_length(model) or self.context_windows.get(f"{self.provider}/{model}")

    def reported_length(self, model: str) -> int | None:
        """The window /v1/models reports for `model`, or None when it does not or cannot be asked."""
        key = (self.base_url, model)
        if key not in _context_cache:
            try:
                lengths = {m.name: m.context_length for m in self.list_models()}
            except ModelError:
                return None
            for name, length in lengths.items():
                _context_cache[(self.base_url, name)] = length
            _context_cache.setdefault(key, None)
        return _context_cache[key]

    def checks(self, model: str | None) -> list[Check]:
        from llmdev.backends.openai_errors import health_checks

        return health_checks(self, model)


@hookimpl
def register_backends(register: Callable[[str, Any], None]) -> None:
    register("openai", OpenAIBackend)
