"""The fake servers speak the wire formats the real clients expect."""

from __future__ import annotations

import json

import httpx
import ollama
import openai
import pytest

from tests.servers import OllamaServer, OpenAIServer, closed_port_url


def test_ollama_chat_streams_ndjson_and_ends_with_stats(ollama_server: OllamaServer) -> None:
    ollama_server.reply("The answer is 42.")
    client = ollama.Client(host=ollama_server.url, timeout=5)
    parts = list(client.chat("llama3.1:8b", [{"role": "user", "content": "q"}], stream=True, options={"num_ctx": 8192}))
    assert "".join(p.message.content for p in parts) == "The answer is 42."
    assert parts[-1].done and parts[-1].done_reason == "stop"
    assert parts[-1].eval_count == 4 and parts[-1].prompt_eval_count == 5
    assert ollama_server.last_body()["options"] == {"num_ctx": 8192}
    assert ollama_server.loads == [("llama3.1:8b", 8192)]


def test_ollama_raw_stream_is_ndjson_without_blank_lines(ollama_server: OllamaServer) -> None:
    body = {"model": "llama3.1:8b", "messages": [{"role": "user", "content": "q"}]}
    response = httpx.post(f"{ollama_server.url}/api/chat", json=body, timeout=5)
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.split("\n")
    assert lines[-1] == "" and all(json.loads(line) for line in lines[:-1])


def test_ollama_metadata_endpoints(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url, timeout=5)
    assert httpx.get(ollama_server.url, timeout=5).text == "Ollama is running"
    assert [m.model for m in client.list().models] == ["llama3.1:8b", "llama3:8b"]
    assert client.show("llama3:8b").modelinfo["llama.context_length"] == 8192
    with pytest.raises(ollama.ResponseError) as caught:
        client.show("nope")
    assert caught.value.status_code == 404 and caught.value.error == "model 'nope' not found"


def test_ollama_faults_surface_as_the_client_raises_them(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url, timeout=5)
    with pytest.raises(ollama.ResponseError) as missing:
        client.chat("llama3", [{"role": "user", "content": "q"}])
    assert missing.value.status_code == 404 and "try pulling it first" in missing.value.error
    ollama_server.reply("one two three four")
    ollama_server.fail_next(mid_stream=True, message="runner died", after_chunks=2)
    seen: list[str] = []
    with pytest.raises(ollama.ResponseError) as mid:
        for part in client.chat("llama3.1:8b", [{"role": "user", "content": "q"}], stream=True):
            seen.append(part.message.content)
    assert seen == ["one ", "two "] and mid.value.status_code == -1 and mid.value.error == "runner died"
    with pytest.raises(ConnectionError):
        ollama.Client(host=closed_port_url(), timeout=5).list()


def test_ollama_silent_truncation_shows_in_prompt_eval_count(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url, timeout=5)
    reply = client.chat("llama3.1:8b", [{"role": "user", "content": "x" * 40000}])
    assert reply.prompt_eval_count == ollama_server.default_num_ctx


def test_ollama_pull_streams_progress_and_adds_the_model(ollama_server: OllamaServer) -> None:
    client = ollama.Client(host=ollama_server.url, timeout=5)
    statuses = [p.status for p in client.pull("qwen2.5-coder:7b", stream=True)]
    assert statuses[0] == "pulling manifest" and statuses[-1] == "success"
    assert "qwen2.5-coder:7b" in ollama_server.models
    ollama_server.pullable = set()
    with pytest.raises(ollama.ResponseError, match="file does not exist"):
        list(client.pull("nope", stream=True))


def test_slow_ollama_reply_times_out(ollama_server: OllamaServer) -> None:
    ollama_server.delay_first = 2
    client = ollama.Client(host=ollama_server.url, timeout=httpx.Timeout(0.2))
    with pytest.raises(httpx.ReadTimeout):
        client.chat("llama3.1:8b", [{"role": "user", "content": "q"}])


def _openai(server: OpenAIServer, key: str = "test-key", retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=server.url + "/v1", max_retries=retries, timeout=5)


def test_openai_stream_has_role_content_finish_and_usage_chunks(openai_server: OpenAIServer) -> None:
    openai_server.reply("Hi there")
    stream = _openai(openai_server).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "q"}], stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hi there"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 2
    headers = openai_server.model_requests[0].headers
    assert headers["authorization"] == "Bearer test-key"


def test_openai_non_streaming_and_models(openai_server: OpenAIServer) -> None:
    client = _openai(openai_server)
    done = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "q"}], max_tokens=2)
    assert done.choices[0].message.content == "Hello from " and done.choices[0].finish_reason == "length"
    assert [m.id for m in client.models.list()] == ["gpt-4o", "gpt-4o-mini"]


def test_openai_errors_map_to_client_exceptions(openai_server: OpenAIServer) -> None:
    messages = [{"role": "user", "content": "q"}]
    with pytest.raises(openai.AuthenticationError):
        _openai(openai_server, key="wrong").chat.completions.create(model="gpt-4o", messages=messages)
    with pytest.raises(openai.NotFoundError):
        _openai(openai_server).chat.completions.create(model="gpt-5-nope", messages=messages)
    with pytest.raises(openai.BadRequestError) as too_long:
        _openai(openai_server).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x" * 600000}])
    assert too_long.value.code == "context_length_exceeded"


def test_openai_client_retries_429_after_retry_after(openai_server: OpenAIServer) -> None:
    openai_server.fail_next(status=429, code="rate_limit_exceeded", retry_after=0.01, times=2)
    reply = _openai(openai_server, retries=2).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "q"}])
    assert reply.choices[0].message.content == "Hello from the test server."
    assert len(openai_server.model_requests) == 3


def test_openai_broken_stream_raises(openai_server: OpenAIServer) -> None:
    openai_server.fail_next(mid_stream=True, after_chunks=1)
    stream = _openai(openai_server).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "q"}], stream=True
    )
    seen: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        for chunk in stream:
            seen.append(chunk.choices[0].delta.content)
    assert seen == ["", "Hello "]
