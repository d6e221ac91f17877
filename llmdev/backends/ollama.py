"""The Ollama backend: native /api/chat, with a num_ctx sized from the model and kept stable."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from llmdev.backends.base import ChatOptions, ChatResult, Check, Message, ModelInfo, TextSink, Usage
from llmdev.backends.retry import Attempts, with_retries
from llmdev.errors import ConfigError, ModelError
from llmdev.hookspecs import hookimpl
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.config.schema import ProviderConfig, Settings

DEFAULT_URL = "http://127.0.0.1:11434"
OUTPUT_RESERVE = 2048  # tokens kept free for the answer when no max_output_tokens is set
METADATA_TIMEOUT = 10.0  # seconds for /api/tags, /api/show, /api/version
TRUNCATION_RATIO = 0.75  # prompt_eval_count below this share of the estimate means Ollama cut the prompt

# (base_url, model) -> trained context length; /api/show is asked once per process.
_context_cache: dict[tuple[str, str], int | None] = {}
# (base_url, read timeout, connect timeout) -> ollama.Client: one TLS setup (~25 ms) and pool per process.
_clients: dict[tuple[str, float, float], Any] = {}
# (base_url, model) -> the largest num_ctx sent in this run: a smaller prompt reuses it (no reload).
_num_ctx_sent: dict[tuple[str, str], int] = {}
_num_ctx_lock = threading.Lock()  # parallel requests (split reviews) read and raise it together
# The last Retry-After each client saw (ollama.ResponseError drops the headers).
_retry_after: dict[int, float | None] = {}
RETRIED_STATUSES = (429, 502, 503, 504)  # busy or overloaded: worth a bounded wait


def reset_caches() -> None:
    """Forget cached clients and context lengths (tests start servers on reused ports)."""
    _context_cache.clear()
    _clients.clear()
    _retry_after.clear()
    _num_ctx_sent.clear()


@dataclass(frozen=True)
class PullProgress:
    """One line of `/api/pull` progress."""

    status: str
    digest: str | None = None
    completed: int | None = None
    total: int | None = None


def choose_num_ctx(needed: int, trained: int | None, min_ctx: int, fixed: int | None = None) -> int:
    """The smallest rung of min_ctx, 2*min_ctx, 4*min_ctx... that holds `needed`, capped at `trained`.

    Rungs keep num_ctx the same across most requests, so Ollama does not reload the model.
    """
    if fixed:
        return fixed
    num_ctx = min_ctx
    while num_ctx < needed and (trained is None or num_ctx < trained):
        num_ctx *= 2
    return min(num_ctx, trained) if trained else num_ctx


def truncation_warning(estimated: int, num_ctx: int, prompt_eval_count: int | None) -> str | None:
    """A warning when Ollama read far fewer prompt tokens than were sent (it cuts silently)."""
    if prompt_eval_count is None or estimated <= num_ctx or prompt_eval_count >= estimated * TRUNCATION_RATIO:
        return None
    return (
        f"Ollama cut the prompt: it read {prompt_eval_count} tokens of about {estimated} sent "
        f"(num_ctx {num_ctx}), so the answer saw only part of the input — send less context, "
        "or use a model with a larger context window"
    )


def check_ollama_host(value: str | None) -> None:
    """Refuse an OLLAMA_HOST the `ollama` module cannot parse (it parses it at import and crashes)."""
    import urllib.parse

    if not value:
        return
    scheme, _, rest = value.strip().partition("://")
    try:
        urllib.parse.urlsplit(f"{scheme}://{rest}" if rest else f"http://{value.strip()}").port
    except ValueError as exc:
        raise ConfigError(
            f"OLLAMA_HOST={value!r} is not a usable address: {exc}",
            "set OLLAMA_HOST to host:port with a port from 1 to 65535 (e.g. 127.0.0.1:11434) or a URL, or unset it",
        ) from None


def _parameter_num_ctx(parameters: str | None) -> int | None:
    """`num_ctx 4096` from /api/show `parameters` (one `name value` per line)."""
    for line in (parameters or "").splitlines():
        name, _, value = line.strip().partition(" ")
        if name == "num_ctx" and value.strip().isdigit():
            return int(value.strip())
    return None


def _busy(exc: BaseException) -> bool:
    """An HTTP answer worth asking again after a wait (metadata requests, sent with httpx)."""
    import httpx

    return isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in RETRIED_STATUSES


def _asked_wait(exc: BaseException) -> float | None:
    from llmdev.backends.retry import retry_after_s

    response = getattr(exc, "response", None)
    return retry_after_s(dict(response.headers)) if response is not None else None


def _ns(value: int | None) -> float | None:
    return value / 1e9 if value else None


class OllamaBackend:
    """Talks to one Ollama server through the `ollama` client."""

    def __init__(self, provider: str, config: "ProviderConfig", settings: "Settings") -> None:
        self.provider = provider
        self.base_url = (config.base_url or DEFAULT_URL).rstrip("/")
        self.timeout = config.timeout or settings.request.timeout
        self.connect_timeout = settings.request.connect_timeout
        self.ollama = settings.ollama
        self.max_retries = settings.request.max_retries
        check_ollama_host(os.environ.get("OLLAMA_HOST"))

    # -- plumbing --

    def _client(self, read_timeout: float | None = None) -> Any:
        key = (self.base_url, read_timeout or self.timeout, self.connect_timeout)
        if key not in _clients:
            import httpx
            import ollama

            def note_retry_after(response: "httpx.Response") -> None:
                from llmdev.backends.retry import retry_after_s

                _retry_after[id(_clients[key])] = retry_after_s(dict(response.headers))

            hooks = {"response": [note_retry_after]}
            _clients[key] = ollama.Client(host=self.base_url, timeout=httpx.Timeout(key[1], connect=key[2]), event_hooks=hooks)
        return _clients[key]

    def _send(self, client: Any, attempts: Attempts, **request: Any) -> Any:
        """client.chat, sent again after a wait while Ollama is busy (429/503), honouring Retry-After.
        A stream is started (its first part read) inside the retries: its HTTP status comes with it."""
        import ollama

        def transient(exc: BaseException) -> bool:
            return isinstance(exc, ollama.ResponseError) and exc.status_code in RETRIED_STATUSES

        def send() -> Any:
            response = client.chat(**request)
            return _Started(response) if request.get("stream") else response

        return with_retries(
            send,
            retries=self.max_retries,
            transient=transient,
            asked_wait=lambda _: _retry_after.get(id(client)),
            attempts=attempts,
        )

    def _error(
        self,
        exc: BaseException,
        model: str | None = None,
        timeout: float | None = None,
        action: str = "chat",
        attempts: Attempts | None = None,
    ) -> ModelError:
        from llmdev.backends.ollama_errors import map_error

        return map_error(exc, self.base_url, model, timeout or self.timeout, action, attempts or Attempts(made=1))

    # -- metadata --

    def _raw(self, method: str, path: str, model: str | None = None, **request: Any) -> dict[str, Any]:
        """A metadata request through httpx: for calls the `ollama` client lacks, or whose answer
        differs across Ollama versions (its pydantic models demand fields older servers omit)."""
        import httpx

        seconds = min(self.timeout, METADATA_TIMEOUT)
        timeout = httpx.Timeout(seconds, connect=self.connect_timeout)
        key = os.environ.get("OLLAMA_API_KEY")  # as the `ollama` client sends it
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # Over plain http there is no TLS to verify, and loading the CA bundle costs ~50 ms a request.
        verify = not self.base_url.startswith("http://")

        def send() -> "httpx.Response":
            response = httpx.request(method, f"{self.base_url}{path}", timeout=timeout, headers=headers, verify=verify, **request)
            response.raise_for_status()
            return response

        attempts = Attempts()
        try:  # retried as chat is: a load balancer in front of a pool answers 502/503 while a member is down
            answer = with_retries(send, retries=self.max_retries, transient=_busy, asked_wait=_asked_wait, attempts=attempts).json()
            if not isinstance(answer, dict):
                raise ValueError("not a JSON object")
            return answer
        except Exception as exc:
            raise self._error(exc, model, seconds, attempts=attempts) from None

    def version(self) -> str:
        """The server's version from /api/version (the `ollama` client has no call for it)."""
        return str(self._raw("GET", "/api/version").get("version", "unknown"))

    def list_models(self) -> list[ModelInfo]:
        """The pulled models from /api/tags (retried like /api/show; older servers give only `name`)."""
        models = []
        for entry in self._raw("GET", "/api/tags").get("models") or []:
            if not isinstance(entry, dict):
                continue
            details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
            text = " ".join(str(details[k]) for k in ("parameter_size", "quantization_level") if details.get(k))
            models.append(ModelInfo(name=str(entry.get("model") or entry.get("name") or ""), details=text))
        return models

    def trained_length(self, model: str) -> int | None:
        """The model's trained context length from /api/show; raises ModelError if it cannot be asked."""
        key = (self.base_url, model)
        if key not in _context_cache:
            shown = self._raw("POST", "/api/show", model, json={"model": model})
            info = shown.get("model_info") if isinstance(shown.get("model_info"), dict) else {}
            arch = info.get("general.architecture")
            lengths = [v for k, v in info.items() if k.endswith(".context_length") and isinstance(v, int)]
            found = info.get(f"{arch}.context_length") or (lengths[0] if lengths else None)
            # Builds without model_info still show a Modelfile's `num_ctx` in `parameters`.
            _context_cache[key] = found or _parameter_num_ctx(shown.get("parameters"))
        return _context_cache[key]

    def context_length(self, model: str) -> int | None:
        """The window the model runs with: its trained length, capped by a fixed [ollama] num_ctx."""
        try:
            trained = self.trained_length(model)
        except ModelError:
            trained = None
        fixed = self.ollama.num_ctx
        if fixed:
            return min(trained, fixed) if trained else fixed
        return trained

    def num_ctx_for(self, model: str, estimated_input: int, options: ChatOptions) -> int:
        """The rung that holds the request, never below one already sent for this model in this run:
        every change of num_ctx makes Ollama reload the model."""
        needed = estimated_input + (options.max_output_tokens or OUTPUT_RESERVE)
        trained = None if self.ollama.num_ctx else self.trained_length(model)
        chosen = choose_num_ctx(needed, trained, self.ollama.min_ctx, self.ollama.num_ctx)
        key = (self.base_url, model)
        with _num_ctx_lock:
            _num_ctx_sent[key] = max(chosen, _num_ctx_sent.get(key, 0)) if not self.ollama.num_ctx else chosen
            return _num_ctx_sent[key]

    # -- chat --

    def chat(
        self,
        model: str,
        messages: Sequence[Message],
        options: ChatOptions,
        on_text: TextSink | None = None,
    ) -> ChatResult:
        estimated = estimate_message_tokens(m.content for m in messages)
        num_ctx = self.num_ctx_for(model, estimated, options)
        request_options: dict[str, Any] = {"num_ctx": num_ctx}
        for key, value in (("temperature", options.temperature), ("seed", options.seed), ("num_predict", options.max_output_tokens)):
            if value is not None:
                request_options[key] = value
        client = self._client()
        started = time.monotonic()  # after the client exists: time spent waiting on the server
        attempts = Attempts()
        try:
            response = self._send(
                client,
                attempts,
                model=model,
                messages=[m.as_dict() for m in messages],
                stream=on_text is not None,
                format=options.json_schema,
                options=request_options,
                keep_alive=self.ollama.keep_alive,
            )
            if on_text is None:
                text, last, first_token = response.message.content or "", response, None
            else:
                text, last, first_token = _consume(response, on_text, started)
        except (KeyboardInterrupt, ModelError):
            raise
        except Exception as exc:
            raise self._error(exc, model, attempts=attempts) from None
        return self._result(model, text, last, time.monotonic() - started, first_token, estimated, num_ctx, options)

    def _result(
        self,
        model: str,
        text: str,
        last: Any,
        wall_s: float,
        first_token: float | None,
        estimated: int,
        num_ctx: int,
        options: ChatOptions,
    ) -> ChatResult:
        usage = Usage(
            input_tokens=last.prompt_eval_count or 0,
            output_tokens=last.eval_count or 0,
            duration_s=_ns(last.total_duration) or wall_s,
            first_token_s=first_token,
            load_s=_ns(last.load_duration),
        )
        warnings = []
        if cut := truncation_warning(estimated, num_ctx, last.prompt_eval_count):
            warnings.append(cut)
        if last.done_reason == "length" and options.max_output_tokens:
            limit = options.max_output_tokens
            warnings.append(f"the answer stopped at the output token limit ({limit}); raise --max-tokens or [request] max_output_tokens")
        elif last.done_reason == "length":
            warnings.append(f"the answer stopped when the context window (num_ctx {num_ctx}) was full; send less context")
        return ChatResult(text, f"{self.provider}/{model}", usage, last.done_reason, warnings)

    # -- pull and doctor --

    def pull(self, model: str, on_progress: Callable[[PullProgress], None] | None = None) -> None:
        """Download a model into Ollama, reporting each progress line."""
        stream = None
        try:
            stream = self._client().pull(model, stream=True)
            for part in stream:
                if on_progress is not None:
                    on_progress(PullProgress(part.status or "", part.digest, part.completed, part.total))
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            raise self._error(exc, model, action="pull") from None
        finally:
            if stream is not None:
                stream.close()
        _context_cache.pop((self.base_url, model), None)

    def checks(self, model: str | None) -> list[Check]:
        from llmdev.backends.ollama_errors import health_checks

        return health_checks(self, model)


class _Started:
    """A stream whose first part has been read (None when it had none); iterates from that part."""

    def __init__(self, stream: Iterator[Any]) -> None:
        self.stream = stream
        try:
            self.first = next(stream)
        except StopIteration:
            self.first = None

    def __iter__(self) -> Iterator[Any]:
        if self.first is not None:
            yield self.first
        yield from self.stream

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def _consume(stream: Iterator[Any], on_text: TextSink, started: float) -> tuple[str, Any, float | None]:
    """Feed streamed parts to `on_text`; returns (text, last part, seconds to first token)."""
    pieces: list[str] = []
    first_token = None
    last = None
    try:
        for part in stream:
            last = part
            content = part.message.content if part.message else ""
            if content:
                if first_token is None:
                    first_token = time.monotonic() - started
                pieces.append(content)
                on_text(content)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # ends the HTTP response at once, also on Ctrl-C
    if last is None or not last.done:
        raise ModelError("Ollama ended the reply early, without its final summary", "try again; check the Ollama server log")
    return "".join(pieces), last, first_token


@hookimpl
def register_backends(register: Callable[[str, Any], None]) -> None:
    register("ollama", OllamaBackend)
