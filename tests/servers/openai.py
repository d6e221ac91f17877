"""A loopback server speaking OpenAI's Chat Completions API (see /work/shared/protocols.md)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tests.servers.base import CapturedRequest, FakeServer, Fault, Handler, estimate_server_tokens, split_chunks

DEFAULT_MODELS: dict[str, int | None] = {"gpt-4o": 128000, "gpt-4o-mini": 128000}
SSE = "text/event-stream; charset=utf-8"


def error_body(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# llama-cpp-python's answer to `response_format.type = "json_schema"`: a validation error as HTTP 500.
LLAMA_CPP_PYTHON_REJECTION = (
    "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), 'msg': \"Input should be 'text' or "
    "'json_object'\", 'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}]"
)
FLAVOURS = ("openai", "llama-server", "llama-cpp-python", "vllm")


def _vllm_refusal(limit: int, wanted: int, cap: int | None) -> tuple[int, dict[str, Any]] | None:
    """vLLM's two over-window answers (its serving_engine input validation, v0.10-v0.11)."""
    if wanted >= limit:
        message = (
            f"This model's maximum context length is {limit} tokens. However, your request has {wanted} input tokens. "
            "Please reduce the length of the input messages."
        )
    elif cap and wanted + cap > limit:
        message = (
            f"'max_tokens' or 'max_completion_tokens' is too large: {cap}. This model's maximum context length is "
            f"{limit} tokens and your request has {wanted} input tokens ({cap} > {limit} - {wanted}). None"
        )
    else:
        return None
    return 400, {"error": {"message": message, "type": "BadRequestError", "param": None, "code": 400}}


class OpenAIServer(FakeServer):
    """Models map id -> context length (enforced: a longer prompt gets 400 context_length_exceeded).

    `api_key`: the only accepted bearer key (None accepts any). `report_context`: /v1/models
    entries carry `max_model_len`, as vLLM's do (OpenAI's own do not).
    `flavour` replays what real compatible servers do differently (see protocols.md):
      "llama-server"      /v1/models `meta.n_ctx` and owned_by "llamacpp", /props, any model name
                          answers, over-window 400 `exceed_context_size_error` with the numbers
      "llama-cpp-python"  json_schema refused as HTTP 500 (json_object + schema accepted), no usage
                          chunk, any model name answers, an over-window stream is 200 with no event
      "vllm"              /v1/models `max_model_len`; over the window (input + max_tokens, as vLLM
                          counts) a 400 of type BadRequestError whose message holds the numbers
    """

    model_paths = ("/v1/chat/completions",)

    def __init__(self, models: dict[str, int | None] | None = None, api_key: str | None = "test-key") -> None:
        super().__init__(DEFAULT_MODELS if models is None else models)
        self.api_key = api_key
        self.report_context = False
        self.system_fingerprint = "fp_test"
        self.flavour = "openai"
        self.hide_meta = False  # llama-server: /v1/models without `meta` (older builds), so /props is needed
        self.token_scale = 1.0  # >1: the server's tokenizer counts more tokens than ~4 characters each

    def route(self, handler: Handler, request: CapturedRequest) -> None:
        if self.api_key is not None and request.headers.get("authorization") != f"Bearer {self.api_key}":
            given = request.headers.get("authorization", "").removeprefix("Bearer ")
            message = f"Incorrect API key provided: {given[:3]}***. You can find your API key at https://platform.openai.com/account/api-keys."
            handler.send_json(401, error_body(message, "invalid_request_error", "invalid_api_key"))
            return
        if (request.method, request.path) == ("GET", "/v1/models"):
            fault = self.take_fault("/v1/models")
            if fault is not None:
                self._send_fault(handler, fault)
                return
            handler.send_json(200, {"object": "list", "data": [self._model(m) for m in self.models]})
        elif (request.method, request.path) == ("GET", "/props") and self.flavour == "llama-server":
            window = next(iter(self.models.values()), None)
            handler.send_json(200, {"default_generation_settings": {"n_ctx": window}, "total_slots": 1})
        elif (request.method, request.path) == ("POST", "/v1/chat/completions"):
            self._complete(handler, request)
        else:
            message = f"Invalid URL ({request.method} {request.path})"
            handler.send_json(404, error_body(message, "invalid_request_error", None))

    def _model(self, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": name, "object": "model", "created": 1715367049, "owned_by": "system"}
        if (self.report_context or self.flavour == "vllm") and self.models[name] is not None:
            entry["max_model_len"] = self.models[name]
        if self.flavour == "llama-server":
            entry["owned_by"] = "llamacpp"
            if not self.hide_meta:
                entry["meta"] = {"vocab_type": 1, "n_vocab": 1200, "n_ctx": self.models[name], "n_ctx_train": 8192}
        return entry

    def _send_fault(self, handler: Handler, fault: Fault) -> None:
        kind = fault.type or ("invalid_request_error" if fault.status < 500 else "server_error")
        headers = {"retry-after": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
        handler.send_json(fault.status, error_body(fault.message, kind, fault.code), headers)

    def _refusal(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """Why the server would refuse this request, as (status, error body)."""
        name = body.get("model") or ""
        if not name and self.flavour == "openai":
            return 400, error_body("you must provide a model parameter", "invalid_request_error", None)
        if self.flavour not in ("openai", "vllm"):  # llama.cpp's servers answer for any name with the one model they have
            name = next(iter(self.models))
        if name not in self.models:
            message = f"The model `{name}` does not exist or you do not have access to it."
            return 404, error_body(message, "invalid_request_error", "model_not_found")
        response_format = body.get("response_format") or {}
        if self.flavour == "llama-cpp-python" and response_format.get("type") == "json_schema":
            return 500, error_body(LLAMA_CPP_PYTHON_REJECTION, "internal_server_error", None)
        limit = self.models[name]
        wanted = int(estimate_server_tokens(body.get("messages") or []) * self.token_scale)
        if limit is not None and self.flavour == "vllm":
            return _vllm_refusal(limit, wanted, body.get("max_completion_tokens") or body.get("max_tokens"))
        if limit is not None and wanted > limit and self.flavour == "llama-server":
            message = f"request ({wanted} tokens) exceeds the available context size ({limit} tokens), try increasing it"
            error = {"code": 400, "message": message, "type": "exceed_context_size_error", "n_prompt_tokens": wanted, "n_ctx": limit}
            return 400, {"error": error}
        if limit is not None and wanted > limit:
            message = (
                f"This model's maximum context length is {limit} tokens. However, your messages resulted in "
                f"{wanted} tokens. Please reduce the length of the messages."
            )
            return 400, error_body(message, "invalid_request_error", "context_length_exceeded", "messages")
        return None

    def _complete(self, handler: Handler, request: CapturedRequest) -> None:
        body = request.body if isinstance(request.body, dict) else {}
        fault = self.take_fault(request.path)
        if fault is not None and not fault.mid_stream:
            self._send_fault(handler, fault)
            return
        refusal = self._refusal(body)
        if refusal is not None and refusal[0] == 400 and self.flavour == "llama-cpp-python" and body.get("stream"):
            handler.start_chunked(200, SSE)  # its over-window stream: headers, then the connection closes
            handler.end_chunked()
            return
        if refusal is not None:
            handler.send_json(*refusal)
            return
        chunks = split_chunks(self.next_reply(body))
        finish = "stop"
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if limit and len(chunks) > int(limit):
            chunks, finish = chunks[: int(limit)], "length"
        usage = {
            "prompt_tokens": estimate_server_tokens(body.get("messages") or []),
            "completion_tokens": len(chunks),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        self.pause(self.delay_first)
        head = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "created": int(time.time()), "model": body["model"]}
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage")) and self.flavour != "llama-cpp-python"
            self._stream(handler, head, chunks, finish, usage if include_usage else None, fault)
            return
        message = {"role": "assistant", "content": "".join(chunks), "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
        payload = {**head, "object": "chat.completion", "choices": [choice], "usage": usage}
        handler.send_json(200, {**payload, "system_fingerprint": self.system_fingerprint})

    def _chunk(
        self, head: dict[str, Any], delta: dict[str, Any] | None, finish: str | None = None, usage: Any = None
    ) -> str:
        """One SSE event; `delta=None` makes the usage chunk, whose `choices` is empty."""
        payload: dict[str, Any] = {**head, "object": "chat.completion.chunk", "system_fingerprint": self.system_fingerprint}
        if delta is None:
            payload.update(choices=[], usage=usage)
        else:
            payload["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        return f"data: {json.dumps(payload)}\n\n"

    def _stream(
        self,
        handler: Handler,
        head: dict[str, Any],
        chunks: list[str],
        finish: str,
        usage: dict[str, int] | None,
        fault: Fault | None,
    ) -> None:
        handler.start_chunked(200, SSE)
        handler.write_chunk(self._chunk(head, {"role": "assistant", "content": ""}))
        for index, chunk in enumerate(chunks):
            if fault is not None and index == fault.after_chunks:
                handler.cut()  # a broken stream: no finish chunk, no [DONE], no end of body
                return
            handler.write_chunk(self._chunk(head, {"content": chunk}))
            self.pause(self.delay_between)
        handler.write_chunk(self._chunk(head, {}, finish))
        if usage is not None:
            handler.write_chunk(self._chunk(head, None, usage=usage))
        handler.write_chunk("data: [DONE]\n\n")
        handler.end_chunked()
