"""The OpenAI backend against a real HTTP server speaking Chat Completions, through the `openai` client."""

from __future__ import annotations

import time

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.backends.openai import OpenAIBackend
from llmdev.config.schema import ProviderConfig, Settings, parse
from llmdev.errors import ModelError
from tests.backends.conftest import openai_backend
from tests.servers import OpenAIServer, closed_port_url

HI = [Message("system", "Be brief."), Message("user", "hi")]
NO_RETRY = {"request": {"max_retries": 0}}


def _fail(backend: OpenAIBackend, model: str = "gpt-4o", messages: list[Message] = HI) -> str:
    with pytest.raises(ModelError) as caught:
        backend.chat(model, messages, ChatOptions(), lambda _: None)
    return str(caught.value)


def test_streamed_chat_with_usage_chunk(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.reply("The answer is 42.")
    seen: list[str] = []
    result = openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions(), seen.append)
    assert seen == ["The ", "answer ", "is ", "42."] and result.text == "The answer is 42."
    assert result.model == "openai/gpt-4o" and result.finish_reason == "stop" and result.warnings == []
    assert (result.usage.input_tokens, result.usage.output_tokens) == (12, 4)
    assert result.usage.first_token_s is not None
    body = openai_server.last_body()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert openai_server.model_requests[0].headers["authorization"] == "Bearer test-key"


def test_non_streamed_chat(openai_server: OpenAIServer, openai_key: str) -> None:
    result = openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions())
    assert result.text == "Hello from the test server." and result.usage.output_tokens == 5
    assert "stream" not in openai_server.last_body()


def test_request_body_for_options_and_structured_output(openai_server: OpenAIServer, openai_key: str) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"], "additionalProperties": False}
    options = ChatOptions(temperature=0.2, seed=3, max_output_tokens=50, json_schema=schema, schema_name="verdict")
    openai_backend(openai_server).chat("gpt-4o", HI, options, lambda _: None)
    body = openai_server.last_body()
    assert body["response_format"] == {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema, "strict": True}}
    assert (body["temperature"], body["seed"], body["max_tokens"]) == (0.2, 3, 50)
    assert body["messages"] == [m.as_dict() for m in HI]


def test_api_openai_com_gets_max_completion_tokens(openai_key: str) -> None:
    backend = OpenAIBackend("openai", ProviderConfig(kind="openai", api_key_env="OPENAI_API_KEY"), Settings())
    body = backend._request_body("gpt-4o", HI, ChatOptions(max_output_tokens=9), None)
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body


def test_output_limit_reached_is_reported(openai_server: OpenAIServer, openai_key: str) -> None:
    result = openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions(max_output_tokens=2), lambda _: None)
    assert result.text == "Hello from " and result.finish_reason == "length" and "output token limit" in result.warnings[0]


def test_missing_key_names_the_variable(openai_server: OpenAIServer) -> None:
    message = _fail(openai_backend(openai_server))
    assert message.startswith("OPENAI_API_KEY is not set (needed for provider 'openai') — export OPENAI_API_KEY=")
    assert openai_server.requests == []


def test_provider_without_key_env_sends_a_placeholder_key(openai_server: OpenAIServer) -> None:
    openai_server.api_key = None
    settings = parse(Settings, {"providers": {"vllm": {"kind": "openai", "base_url": openai_server.url + "/v1"}}})
    backend = OpenAIBackend("vllm", settings.providers["vllm"], settings)
    assert backend.chat("gpt-4o", HI, ChatOptions()).model == "vllm/gpt-4o"
    assert openai_server.model_requests[0].headers["authorization"] == "Bearer not-needed"


def test_bad_key(openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    assert _fail(openai_backend(openai_server)) == (
        f"openai rejected the API key (HTTP 401) — check OPENAI_API_KEY: it must hold a valid key for {openai_server.url}/v1"
    )


def test_unknown_model_is_refused_before_sending_when_the_server_lists_models(openai_server: OpenAIServer, openai_key: str) -> None:
    assert _fail(openai_backend(openai_server), model="gpt-9") == (
        f"model 'gpt-9' is not served by openai at {openai_server.url}/v1 (it serves: gpt-4o, gpt-4o-mini)"
        " — use one of those names, e.g. -m openai/gpt-4o, or fix [aliases]"
    )
    assert openai_server.model_requests == []


def test_unknown_model_the_server_refuses(openai_key: str) -> None:
    with OpenAIServer(models={}) as server:  # lists nothing, so the name is only checked by the chat request
        assert _fail(openai_backend(server), model="gpt-9").startswith(
            f"model 'gpt-9' is not available from openai at {server.url}/v1 — `llmdev models` shows"
        )


def test_context_length_exceeded(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.models["gpt-4o"] = 1000
    message = _fail(openai_backend(openai_server), messages=[Message("user", "x" * 8000)])
    assert message == "the prompt is 2004 tokens, the window of gpt-4o is 1000 — send less: fewer files or a smaller change, or pick a model with a larger window"


def test_429_is_retried_after_retry_after(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=429, code="rate_limit_exceeded", message="slow down", retry_after=0.05, times=2)
    started = time.monotonic()
    result = openai_backend(openai_server, request={"max_retries": 2}).chat("gpt-4o", HI, ChatOptions(), lambda _: None)
    assert result.text == "Hello from the test server." and len(openai_server.model_requests) == 3
    assert time.monotonic() - started >= 0.1  # both waits honoured the server's retry-after


def test_429_after_all_retries(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=429, code="rate_limit_exceeded", retry_after=0.01, times=2)
    message = _fail(openai_backend(openai_server, request={"max_retries": 1}))
    assert message.startswith("openai is rate limiting requests (HTTP 429) after 1 retries (")
    assert message.endswith("s in all) — wait a minute and try again, or raise [request] max_retries")
    assert len(openai_server.model_requests) == 2


def test_insufficient_quota(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=429, code="insufficient_quota", type="insufficient_quota", message="You exceeded your current quota.")
    assert _fail(openai_backend(openai_server, **NO_RETRY)).startswith(
        "openai says the account is out of quota: You exceeded your current quota."
    )


def test_server_error_is_retried_then_reported(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=500, message="The server had an error", times=1)
    assert openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions()).text == "Hello from the test server."
    openai_server.fail_next(status=503, message="overloaded")
    assert _fail(openai_backend(openai_server, **NO_RETRY)) == "openai failed (HTTP 503): overloaded — try again later"


def test_connection_refused(openai_key: str) -> None:
    url = closed_port_url()
    settings = parse(Settings, {"request": {"max_retries": 0}, "providers": {"openai": {"kind": "openai", "base_url": url}}})
    backend = OpenAIBackend("openai", settings.providers["openai"], settings)
    assert _fail(backend) == f"cannot reach openai at {url} — is the server running? check [providers.openai] base_url"


def test_slow_server_times_out(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.delay_first = 3
    backend = openai_backend(openai_server, request={"max_retries": 0, "timeout": 0.3})
    assert _fail(backend) == "openai did not answer within 0.3s — raise [request] timeout, or try again"


def test_broken_stream(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(mid_stream=True, after_chunks=2)
    assert _fail(openai_backend(openai_server, **NO_RETRY)) == "the connection to openai broke in the middle of the answer — try again"


def test_ctrl_c_mid_stream_closes_the_response_and_propagates(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.reply("word " * 200)
    openai_server.delay_between = 0.02
    received: list[str] = []

    def interrupt(text: str) -> None:
        received.append(text)
        if len(received) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        openai_backend(openai_server).chat("gpt-4o", HI, ChatOptions(), interrupt)
    deadline = time.monotonic() + 5
    while openai_server.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(received) == 3 and openai_server.disconnects == 1


def test_context_length_from_models_when_the_server_reports_it(openai_server: OpenAIServer, openai_key: str) -> None:
    backend = openai_backend(openai_server)
    assert backend.reported_length("gpt-4o") is None  # OpenAI's /v1/models does not say
    openai_server.report_context = True
    openai_server.models["served/llama-70b"] = 32768
    assert backend.context_length("served/llama-70b") == 32768
    assert [(m.name, m.context_length) for m in backend.list_models()][-1] == ("served/llama-70b", 32768)


def test_a_busy_answer_to_the_model_list_is_asked_again(openai_server: OpenAIServer, openai_key: str) -> None:
    openai_server.fail_next(status=503, message="busy", retry_after=0.1, paths=("/v1/models",))
    assert "gpt-4o" in [m.name for m in openai_backend(openai_server, request={"max_retries": 2}).list_models()]
    assert len(openai_server.requests_to("/v1/models")) == 2


def test_context_length_falls_back_to_the_context_windows_table(openai_server: OpenAIServer, openai_key: str) -> None:
    backend = openai_backend(openai_server, context_windows={"openai/gpt-4o": 64000, "openai/served/small": 4096})
    assert backend.reported_length("gpt-4o") is None  # like OpenAI's, this server's /v1/models does not say
    assert backend.context_length("gpt-4o") == 64000
    assert backend.context_length("gpt-4o-mini") is None  # not in this table
    openai_server.report_context = True
    openai_server.models["served/small"] = 32768
    assert backend.context_length("served/small") == 32768  # what the server says wins


def test_the_default_table_knows_gpt_4o_even_when_the_server_is_down() -> None:
    backend = OpenAIBackend("openai", ProviderConfig(kind="openai", base_url=closed_port_url() + "/v1"), Settings())
    assert backend.context_length("gpt-4o") == backend.context_length("gpt-4o-mini") == 128000
    assert backend.context_length("gpt-x") is None


def test_checks(openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = openai_backend(openai_server)
    [key] = backend.checks("gpt-4o")
    assert (key.name, key.ok, key.detail) == ("openai: key OPENAI_API_KEY", False, "not set")
    assert openai_server.requests == []
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    checks = backend.checks("gpt-5")
    assert [(c.name, c.ok) for c in checks] == [
        ("openai: key OPENAI_API_KEY", True),
        ("openai: server", True),
        ("openai: model gpt-5", False),
    ]
