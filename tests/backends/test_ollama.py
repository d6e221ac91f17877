"""The Ollama backend against a real HTTP server speaking Ollama's API, through the `ollama` client."""

from __future__ import annotations

import time

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.backends.ollama import choose_num_ctx, truncation_warning
from llmdev.errors import ModelError
from tests.backends.conftest import ollama_backend
from tests.servers import OllamaServer, closed_port_url

HI = [Message("system", "Be brief."), Message("user", "hi")]


def test_num_ctx_ladder_doubles_from_min_and_caps_at_trained_length() -> None:
    assert choose_num_ctx(100, 131072, 8192) == 8192
    assert choose_num_ctx(8193, 131072, 8192) == 16384
    assert choose_num_ctx(40000, 131072, 8192) == 65536
    assert choose_num_ctx(500000, 131072, 8192) == 131072
    assert choose_num_ctx(100, 4096, 8192) == 4096
    assert choose_num_ctx(20000, None, 8192) == 32768
    assert choose_num_ctx(500000, 131072, 8192, fixed=12000) == 12000


def test_truncation_warning_only_when_prompt_exceeds_num_ctx_and_little_was_read() -> None:
    assert truncation_warning(9000, 8192, 7600) is None  # an over-estimate that fit
    assert truncation_warning(5000, 8192, 10) is None  # a cached prompt reads few tokens
    assert truncation_warning(20000, 8192, None) is None
    assert "read 8192 tokens of about 20000" in (truncation_warning(20000, 8192, 8192) or "")


def test_streamed_chat_reports_text_usage_and_timing(ollama_server: OllamaServer) -> None:
    ollama_server.reply("The answer is 42.")
    seen: list[str] = []
    result = ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(), seen.append)
    assert seen == ["The ", "answer ", "is ", "42."]
    assert result.text == "The answer is 42." and result.model == "ollama/llama3.1:8b"
    assert result.finish_reason == "stop" and result.warnings == []
    assert result.usage.input_tokens == 12 and result.usage.output_tokens == 4
    assert result.usage.load_s == pytest.approx(1.5)
    assert result.usage.first_token_s is not None and result.usage.duration_s > 0


def test_non_streamed_chat_sends_stream_false(ollama_server: OllamaServer) -> None:
    result = ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions())
    assert result.text == "Hello from the test server." and result.usage.first_token_s is None
    assert ollama_server.last_body()["stream"] is False


def test_request_carries_options_schema_keep_alive_and_num_ctx(ollama_server: OllamaServer) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    options = ChatOptions(temperature=0, seed=7, max_output_tokens=300, json_schema=schema)
    backend = ollama_backend(ollama_server, ollama={"keep_alive": "30m"})
    backend.chat("llama3.1:8b", HI, options, lambda _: None)
    body = ollama_server.last_body()
    assert body["options"] == {"num_ctx": 8192, "temperature": 0, "seed": 7, "num_predict": 300}
    assert body["format"] == schema and body["keep_alive"] == "30m"
    assert body["messages"] == [m.as_dict() for m in HI]


def test_num_ctx_is_stable_so_the_model_loads_once(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server)
    for question in ("short", "a little longer question " * 20, "x" * 12000):
        backend.chat("llama3.1:8b", [Message("user", question)], ChatOptions())
    assert [r.body["options"]["num_ctx"] for r in ollama_server.model_requests] == [8192] * 3
    assert ollama_server.loads == [("llama3.1:8b", 8192)]
    assert len(ollama_server.requests_to("/api/show")) == 1  # the trained length is cached


def test_a_larger_prompt_climbs_one_rung(ollama_server: OllamaServer) -> None:
    ollama_backend(ollama_server).chat("llama3.1:8b", [Message("user", "y" * 40000)], ChatOptions())
    assert ollama_server.last_body()["options"]["num_ctx"] == 16384


def test_fixed_num_ctx_from_config_skips_show(ollama_server: OllamaServer) -> None:
    ollama_backend(ollama_server, ollama={"num_ctx": 12288}).chat("llama3.1:8b", HI, ChatOptions())
    assert ollama_server.last_body()["options"]["num_ctx"] == 12288
    assert ollama_server.requests_to("/api/show") == []


def test_silent_truncation_becomes_a_warning(ollama_server: OllamaServer) -> None:
    result = ollama_backend(ollama_server).chat("llama3:8b", [Message("user", "z" * 60000)], ChatOptions())
    assert ollama_server.last_body()["options"]["num_ctx"] == 8192  # capped at the trained length
    assert len(result.warnings) == 1 and "Ollama cut the prompt: it read 8192 tokens" in result.warnings[0]


def test_output_limit_reached_is_reported(ollama_server: OllamaServer) -> None:
    result = ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(max_output_tokens=2))
    assert result.text == "Hello from " and result.finish_reason == "length"
    assert "output token limit" in result.warnings[0]


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 500, "message": "boom"}, "Ollama answered HTTP 500: boom"),
        ({"status": 503, "message": "server busy", "times": 3}, "Ollama is busy (HTTP 503) after 2 retries ("),
        ({"status": 400, "message": "invalid options"}, "Ollama refused the request: invalid options"),
        ({"mid_stream": True, "message": "llama runner process has terminated"}, "Ollama failed while answering: llama runner"),
    ],
)
def test_server_faults_become_model_errors(ollama_server: OllamaServer, fault: dict, expected: str) -> None:
    ollama_server.fail_next(**fault)
    with pytest.raises(ModelError) as caught:
        ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(), lambda _: None)
    assert str(caught.value).startswith(expected)


def test_missing_model_names_both_pull_commands(ollama_server: OllamaServer) -> None:
    with pytest.raises(ModelError) as caught:
        ollama_backend(ollama_server).chat("llama3.2:1b", HI, ChatOptions())
    assert str(caught.value) == (
        "model 'llama3.2:1b' is not in Ollama — pull it with `ollama pull llama3.2:1b` or `llmdev models pull llama3.2:1b`"
    )
    assert ollama_server.model_requests == []  # /api/show answered first


def test_server_down_says_how_to_start_it() -> None:
    url = closed_port_url()
    from llmdev.backends.ollama import OllamaBackend
    from llmdev.config.schema import ProviderConfig, Settings

    backend = OllamaBackend("ollama", ProviderConfig(kind="ollama", base_url=url), Settings())
    with pytest.raises(ModelError) as caught:
        backend.chat("llama3.1:8b", HI, ChatOptions())
    assert str(caught.value) == f"Ollama is not reachable at {url} — start it with `ollama serve` or set OLLAMA_HOST"
    assert backend.context_length("llama3.1:8b") is None
    assert not backend.checks("llama3.1:8b")[0].ok


def test_slow_reply_times_out_with_the_configured_limit(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server, request={"timeout": 0.3})
    backend.trained_length("llama3.1:8b")
    ollama_server.delay_first = 3
    with pytest.raises(ModelError, match=r"Ollama did not answer within 0.3s — raise \[request\] timeout"):
        backend.chat("llama3.1:8b", HI, ChatOptions(), lambda _: None)


def test_ctrl_c_mid_stream_closes_the_response_and_propagates(ollama_server: OllamaServer) -> None:
    ollama_server.reply("word " * 200)
    ollama_server.delay_between = 0.02
    received: list[str] = []

    def interrupt(text: str) -> None:
        received.append(text)
        if len(received) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ollama_backend(ollama_server).chat("llama3.1:8b", HI, ChatOptions(), interrupt)
    deadline = time.monotonic() + 5
    while ollama_server.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(received) == 3 and ollama_server.disconnects == 1


def test_list_models_and_context_length(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server)
    assert [(m.name, m.details) for m in backend.list_models()] == [
        ("llama3.1:8b", "8.0B Q4_K_M"),
        ("llama3:8b", "8.0B Q4_K_M"),
    ]
    assert backend.context_length("llama3:8b") == 8192
    assert backend.context_length("absent") is None


def test_a_busy_answer_to_show_is_asked_again_after_its_retry_after(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=502, message="bad gateway", paths=("/api/show",))
    ollama_server.fail_next(status=503, message="busy", retry_after=0.3, paths=("/api/show",))
    started = time.monotonic()
    assert ollama_backend(ollama_server, request={"max_retries": 2}).trained_length("llama3.1:8b") == 131072
    assert len(ollama_server.requests_to("/api/show")) == 3 and time.monotonic() - started >= 0.3
    ollama_server.fail_next(status=503, message="busy", times=2, paths=("/api/show",))
    with pytest.raises(ModelError, match="busy"):
        ollama_backend(ollama_server, request={"max_retries": 1}).trained_length("llama3:8b")


def test_a_busy_answer_to_the_model_list_is_asked_again(ollama_server: OllamaServer) -> None:
    ollama_server.fail_next(status=502, message="bad gateway", paths=("/api/tags",))  # a pool member down
    assert len(ollama_backend(ollama_server, request={"max_retries": 2}).list_models()) == 2
    assert len(ollama_server.requests_to("/api/tags")) == 2


def test_a_fixed_num_ctx_caps_the_context_length(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server, ollama={"num_ctx": 16384})
    assert backend.context_length("llama3.1:8b") == 16384  # trained for 131072, run with 16384
    assert backend.context_length("llama3:8b") == 8192
    assert backend.context_length("absent") == 16384  # what Ollama would load it with


def test_pull_reports_progress_then_the_model_is_there(ollama_server: OllamaServer) -> None:
    backend = ollama_backend(ollama_server)
    lines = []
    backend.pull("qwen2.5-coder:7b", lines.append)
    assert lines[0].status == "pulling manifest" and lines[-1].status == "success"
    assert [line.completed for line in lines if line.total] == [0, 1_000_000, 2_500_000, 4_000_000]
    assert "qwen2.5-coder:7b" in [m.name for m in backend.list_models()]


def test_pull_of_an_unknown_name_explains(ollama_server: OllamaServer) -> None:
    ollama_server.pullable = set()
    with pytest.raises(ModelError, match="Ollama could not pull 'nope': pull model manifest: file does not exist"):
        ollama_backend(ollama_server).pull("nope")


def test_checks_cover_server_model_and_context(ollama_server: OllamaServer) -> None:
    checks = ollama_backend(ollama_server, ollama={"num_ctx": 200000}).checks("llama3.1")
    assert [(c.name, c.ok) for c in checks] == [("ollama: server", True), ("ollama: model llama3.1", False)]
    checks = ollama_backend(ollama_server, ollama={"num_ctx": 200000}).checks("llama3:8b")
    assert checks[-1].ok is False and checks[-1].fix == "set [ollama] num_ctx to at most 8192"

