"""The Ollama backend against what real Ollama servers do that a first fake forgets: busy
answers with Retry-After, /api/show across versions, a full window, a bad OLLAMA_HOST."""

from __future__ import annotations

import time

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.errors import ConfigError, ModelError
from tests.backends.conftest import ollama_backend
from tests.servers import OllamaServer

HI = [Message("user", "hi")]


def test_busy_429_waits_for_retry_after_then_succeeds(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=429, message="too many requests", retry_after=0.3)
    started = time.monotonic()
    result = ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(), lambda _: None)
    assert result.text == "Hello from the test server." and len(ollama_server.model_requests) == 2
    assert time.monotonic() - started >= 0.3


def test_busy_503_is_retried_a_bounded_number_of_times(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=503, message="server busy", retry_after=0.01, times=5)
    with pytest.raises(ModelError) as caught:
        ollama_backend(ollama_server, request={"max_retries": 1}).chat("llama3.1:8b", HI, ChatOptions())
    assert str(caught.value).startswith("Ollama is busy (HTTP 503) after 1 retries (")
    assert len(ollama_server.model_requests) == 2


def test_a_retry_after_beyond_a_minute_is_reported_not_waited_for(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=503, message="server busy", retry_after=300)
    with pytest.raises(ModelError) as caught:
        ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(), lambda _: None)
    assert str(caught.value) == "Ollama is busy (HTTP 503) and asks to wait 300s — try again after that"
    assert len(ollama_server.model_requests) == 1


def test_a_400_is_not_retried(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=400, message="invalid format", times=3)
    with pytest.raises(ModelError):
        ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions())
    assert len(ollama_server.model_requests) == 1


@pytest.mark.parametrize("variant", ["model_info", "qwen2", "parameters"])
def test_context_length_from_show_across_versions(ollama_server: OllamaServer, variant: str) -> None:
    ollama_server.show_variant = variant
    assert ollama_backend(ollama_server).trained_length("llama3:8b") == 8192


def test_a_full_window_is_not_blamed_on_an_output_limit(ollama_server: OllamaServer) -> None:
    ollama_server.reply("word " * 40)
    backend = ollama_backend(ollama_server, ollama={"num_ctx": 30})
    result = backend.chat("llama3.1:8b", HI, ChatOptions(), lambda _: None)
    assert result.finish_reason == "length"
    assert result.warnings == ["the answer stopped when the context window (num_ctx 30) was full; send less context"]


def test_format_carries_the_json_schema(ollama_server: OllamaServer) -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(json_schema=schema))
    assert ollama_server.last_body()["format"] == schema


@pytest.mark.parametrize("host", ["127.0.0.1:99999", ":abc", "::::"])
def test_an_unparsable_ollama_host_is_a_clear_error(ollama_server: OllamaServer, monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.setenv("OLLAMA_HOST", host)
    with pytest.raises(ConfigError) as caught:
        ollama_backend(ollama_server)
    assert str(caught.value).startswith(f"OLLAMA_HOST={host!r} is not a usable address: ")
    assert "set OLLAMA_HOST to host:port with a port from 1 to 65535" in str(caught.value)


def test_a_smaller_prompt_after_a_larger_one_keeps_num_ctx_so_the_model_is_not_reloaded(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server)
    for question in ("y" * 40000, "short", "z" * 40000, "short again"):
        backend.chat("llama3.1:8b", [Message("user", question)], ChatOptions())
    assert [r.body["options"]["num_ctx"] for r in ollama_server.model_requests] == [16384] * 4
    assert ollama_server.loads == [("llama3.1:8b", 16384)]
