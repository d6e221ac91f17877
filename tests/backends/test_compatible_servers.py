"""The OpenAI backend against the quirks of real OpenAI-compatible servers (llama-server,
llama-cpp-python), replayed by the loopback fake; tests/real_server runs the real llama-server."""

from __future__ import annotations

import json
import time

import pytest

from llmdev.backends.base import ChatOptions, ContextOverflow, Message
from llmdev.backends.openai import OpenAIBackend
from llmdev.errors import ModelError
from tests.backends.conftest import openai_backend
from tests.servers import OpenAIServer

HI = [Message("user", "hi")]
SCHEMA = {"type": "object", "properties": {"answer": {"type": "integer"}}, "required": ["answer"]}
STRUCTURED = ChatOptions(json_schema=SCHEMA, schema_name="answer")


def _server(flavour: str, window: int = 4096) -> OpenAIServer:
    server = OpenAIServer(models={"tiny": window}, api_key=None)
    server.flavour = flavour
    return server.start()


def _backend(server: OpenAIServer, **request: object) -> OpenAIBackend:
    return openai_backend(server, request=request, providers={"openai": {"kind": "openai"}})


@pytest.fixture
def llama_cpp_python() -> "object":
    server = _server("llama-cpp-python")
    yield server
    server.stop()


@pytest.fixture
def llama_server() -> "object":
    server = _server("llama-server", window=2048)
    yield server
    server.stop()


def test_vllms_over_window_answers_are_overflows_with_its_numbers() -> None:
    server = _server("vllm", window=2048)
    try:
        backend = _backend(server, max_retries=2)
        with pytest.raises(ContextOverflow) as alone:  # the input alone is over the window
            backend.chat("tiny", [Message("user", "x" * 10000)], ChatOptions())
        with pytest.raises(ContextOverflow) as with_reply:  # the input fits, not with the reply's room
            backend.chat("tiny", [Message("user", "x" * 6000)], ChatOptions(max_output_tokens=1000), lambda _: None)
        with pytest.raises(ContextOverflow):  # not taken for a refused response_format: no other format is tried
            backend.chat("tiny", [Message("user", "x" * 10000)], STRUCTURED)
    finally:
        server.stop()
    assert (alone.value.prompt_tokens, alone.value.window) == (2504, 2048)
    assert str(alone.value).startswith("the prompt is 2504 tokens, the window of tiny is 2048 — send less")
    assert (with_reply.value.prompt_tokens, with_reply.value.window) == (1504, 2048)
    assert str(with_reply.value).startswith("the prompt is 1504 tokens and up to 1000 for the reply, the window of tiny is 2048")
    assert len(server.model_requests) == 3  # none was sent again
    assert server.model_requests[2].body["response_format"]["type"] == "json_schema"


def test_a_stream_that_closes_without_a_finish_reason_is_an_error(llama_cpp_python: OpenAIServer) -> None:
    with pytest.raises(ModelError) as caught:
        _backend(llama_cpp_python).chat("tiny", [Message("user", "x" * 20000)], ChatOptions(), lambda _: None)
    assert str(caught.value).startswith("openai ended the answer before any text without saying it was finished")
    assert "send less" in str(caught.value)


def test_json_schema_refused_as_500_falls_back_to_json_object_once_and_is_remembered(llama_cpp_python: OpenAIServer) -> None:
    llama_cpp_python.reply_with('{"answer": 4}')
    result = _backend(llama_cpp_python, max_retries=2).chat("tiny", HI, STRUCTURED)
    assert json.loads(result.text) == {"answer": 4}
    formats = [r.body.get("response_format") for r in llama_cpp_python.model_requests]
    assert formats == [
        {"type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True}},
        {"type": "json_object", "schema": SCHEMA},
    ]  # the 500 validation error was not retried
    _backend(llama_cpp_python).chat("tiny", HI, STRUCTURED)
    assert llama_cpp_python.last_body()["response_format"]["type"] == "json_object"
    assert len(llama_cpp_python.model_requests) == 3


def test_json_by_instruction_when_the_server_refuses_both_formats(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=400, message="response_format is not supported", times=2)
    openai_server.reply_with('{"answer": 4}')
    result = openai_backend(openai_server).chat("gpt-4o", HI, STRUCTURED)
    assert result.text == '{"answer": 4}' and len(openai_server.model_requests) == 3
    body = openai_server.last_body()
    assert "response_format" not in body
    assert body["messages"][-1]["role"] == "system" and '"answer"' in body["messages"][-1]["content"]


def test_a_400_is_never_retried(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=400, message="bad temperature", times=3)
    with pytest.raises(ModelError) as caught:
        openai_backend(openai_server, request={"max_retries": 2}).chat("gpt-4o", HI, ChatOptions())
    assert str(caught.value) == "openai refused the request as invalid (HTTP 400): bad temperature — check the model name and options; see the server's log"
    assert len(openai_server.model_requests) == 1


def test_no_usage_from_the_server_records_an_estimate(llama_cpp_python: OpenAIServer) -> None:
    result = _backend(llama_cpp_python).chat("tiny", HI, ChatOptions(), lambda _: None)
    assert result.usage.estimated and result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_reported_usage_is_not_an_estimate(llama_server: OpenAIServer) -> None:
    assert not _backend(llama_server).chat("tiny", HI, ChatOptions(), lambda _: None).usage.estimated


def test_llama_server_window_from_meta_n_ctx(llama_server: OpenAIServer) -> None:
    assert _backend(llama_server).context_length("tiny") == 2048


def test_llama_server_window_from_props_when_models_has_no_meta(llama_server: OpenAIServer) -> None:
    llama_server.hide_meta = True
    assert _backend(llama_server).context_length("tiny") == 2048
    assert llama_server.requests_to("/props")


def test_llama_server_over_window_names_both_numbers_and_teaches_the_window() -> None:
    server = _server("llama-server", window=100)
    try:
        backend = _backend(server)
        backend.context_windows = {}
        with pytest.raises(ContextOverflow) as caught:
            backend.chat("tiny", [Message("user", "x" * 2000)], ChatOptions(), lambda _: None)
    finally:
        server.stop()
    assert (caught.value.prompt_tokens, caught.value.window) == (504, 100)
    assert str(caught.value).startswith("the prompt is 504 tokens, the window of tiny is 100 — send less")


def test_any_name_answers_on_llama_server_so_llmdev_checks_it(llama_server: OpenAIServer) -> None:
    with pytest.raises(ModelError) as caught:
        _backend(llama_server).chat("nope", HI, ChatOptions())
    assert str(caught.value).startswith(f"model 'nope' is not served by openai at {llama_server.url}/v1 (it serves: tiny)")
    assert llama_server.model_requests == []


def test_a_retry_after_beyond_a_minute_is_not_waited_for(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=429, code="rate_limit_exceeded", retry_after=120)
    started = time.monotonic()
    with pytest.raises(ModelError) as caught:
        openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions())
    assert time.monotonic() - started < 5 and len(openai_server.model_requests) == 1
    assert str(caught.value) == "openai answered HTTP 429 and asks to wait 120s — try again after that"


def test_timeout_message_counts_the_attempts_and_the_real_time(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=503, retry_after=0.01)
    openai_server.delay_first = 3
    with pytest.raises(ModelError) as caught:
        openai_backend(openai_server, request={"timeout": 0.3}).chat("gpt-4o", HI, ChatOptions())
    message = str(caught.value)
    assert message.startswith("openai did not answer within 0.3s (the last of 2 attempts; ")
    assert message.endswith("s in all) — raise [request] timeout, or try again")
