"""Structured output on OpenAI-compatible servers, negotiated: `json_schema`, else `json_object`
with the schema, else JSON asked for in the prompt (the caller's repair turn does the rest).

What a server accepted is remembered per (server, model) in the cache dir, so later runs start there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

from llmdev.backends.base import ChatOptions, Message

Result = TypeVar("Result")

MODES = ("json_schema", "json_object", "instruction")
STORE_NAME = "structured-output.json"
# What a server says when it rejects the request's shape (pydantic, FastAPI, llama.cpp grammar).
_INVALID = re.compile(r"validation error|literal_error|Input should be|'loc': \('body'|response_format|json_schema|grammar|samplers", re.I)
_OVERFLOW = ("context_length_exceeded", "exceed_context_size_error")
# vLLM says so only in the message (type BadRequestError): "maximum context length is 8192 tokens and your request
# has 7000 input tokens (2048 > 8192 - 7000)" when input + max_tokens is over, "... tokens. However, your request has ..."
# when the input alone is.
VLLM_OVERFLOW = re.compile(r"maximum context length is (\d+) tokens(?:\. However,| and) your request has (\d+) input tokens", re.I)


def _store_path() -> Path:
    from llmdev.config.loader import user_cache_dir

    return user_cache_dir() / STORE_NAME


def remembered(server: str, model: str) -> str:
    """The mode this server accepted for this model last time, else `json_schema`."""
    try:
        known = json.loads(_store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return MODES[0]
    mode = known.get(f"{server} {model}") if isinstance(known, dict) else None
    return mode if mode in MODES else MODES[0]


def remember(server: str, model: str, mode: str) -> None:
    """Record the accepted mode; a cache dir that cannot be written only costs a retry next time."""
    path = _store_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not isinstance(known, dict) or known.get(f"{server} {model}") == mode:
            return
        known[f"{server} {model}"] = mode
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except (OSError, ValueError):
        pass


def response_format(mode: str, options: ChatOptions) -> dict[str, Any] | None:
    """The `response_format` field for a mode (None: ask in the prompt instead)."""
    if mode == "json_schema":
        schema = {"name": options.schema_name, "schema": options.json_schema, "strict": True}
        return {"type": "json_schema", "json_schema": schema}
    if mode == "json_object":  # llama-cpp-python constrains to the schema given here
        return {"type": "json_object", "schema": options.json_schema}
    return None


def instructed(messages: Sequence[Message], schema: dict[str, Any]) -> list[Message]:
    """The messages with a system message asking for JSON of `schema`."""
    from llmdev.prompting import render

    text = render("json-reply", "system", None, schema=json.dumps(schema, indent=1))
    return [*messages, Message("system", text or json.dumps(schema))]


def error_fields(exc: BaseException) -> tuple[int | None, str, str]:
    """(HTTP status, error type or code, message) of an `openai` status error; (None, '', '') otherwise."""
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int):
        return None, "", ""
    body = getattr(exc, "body", None)
    body = body if isinstance(body, dict) else {}
    kind = " ".join(str(body.get(k) or "") for k in ("type", "code"))
    return status, kind, str(body.get("message") or getattr(exc, "message", "") or "")


def rejected_as_invalid(exc: BaseException) -> bool:
    """The server refused the request itself (4xx, or a validation error sent as 500): resending it
    unchanged cannot succeed."""
    status, kind, message = error_fields(exc)
    if status is None or status in (408, 409, 429):
        return False
    if 400 <= status < 500:
        return True
    return status == 500 and bool(_INVALID.search(message))


def rejects_format(exc: BaseException) -> bool:
    """The server refused the structured-output request (not a full window or a bad key)."""
    status, kind, message = error_fields(exc)
    if status in (401, 403, 404) or any(code in kind for code in _OVERFLOW) or VLLM_OVERFLOW.search(message):
        return False
    return rejected_as_invalid(exc)


def negotiate(
    server: str,
    model: str,
    messages: Sequence[Message],
    options: ChatOptions,
    send: Callable[[Sequence[Message], dict[str, Any] | None], Result],
) -> Result:
    """Send with the first structured-output mode the server accepts, starting from the remembered one."""
    assert options.json_schema is not None
    modes = MODES[MODES.index(remembered(server, model)) :]
    for mode in modes:
        wanted = instructed(messages, options.json_schema) if mode == "instruction" else messages
        try:
            result = send(wanted, response_format(mode, options))
        except Exception as exc:
            if mode != modes[-1] and rejects_format(exc):
                continue
            raise
        remember(server, model, mode)
        return result
    raise AssertionError("unreachable: the last mode returns or raises")
