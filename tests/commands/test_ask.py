"""`llmdev ask` end to end against the fake model servers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from llmdev.cli import run
from tests.servers import OllamaServer, OpenAIServer, closed_port_url


def one_line(text: str) -> str:
    """stderr as one line (Rich wraps long lines at the terminal width)."""
    return " ".join(text.split())


def test_answer_streams_plain_to_stdout_and_status_to_stderr(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("Because the **cache** is stale.")
    assert run(["-v", "ask", "why does it fail?"]) == 0
    out, err = capsys.readouterr()
    assert out == "Because the **cache** is stale.\n"  # piped: plain text, Markdown untouched
    assert "asking ollama/llama3.1:8b" in err and "ollama/llama3.1:8b: " in err and " in, 5 out" in err
    body = use_ollama.last_body()
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["messages"][-1]["content"] == "why does it fail?"
    assert body["options"]["num_ctx"] == 8192


def test_quiet_run_prints_only_the_answer(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-q", "ask", "hi"]) == 0
    assert capsys.readouterr() == ("Hello from the test server.\n", "")


def test_options_reach_the_server(use_ollama: OllamaServer) -> None:
    assert run(["ask", "--temperature", "0", "--seed", "4", "--max-tokens", "64", "hi"]) == 0
    assert use_ollama.last_body()["options"] == {"num_ctx": 8192, "temperature": 0.0, "seed": 4, "num_predict": 64}


def test_openai_model_by_alias(use_openai: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_openai.reply("From GPT.")
    assert run(["ask", "-m", "gpt4o", "hi"]) == 0
    assert capsys.readouterr().out == "From GPT.\n"
    assert use_openai.last_body()["model"] == "gpt-4o"


def test_dry_run_sends_nothing(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "--dry-run", "hi"]) == 0
    assert '"model": "ollama/llama3.1:8b"' in capsys.readouterr().out
    assert use_ollama.requests == []


def test_unknown_model_lists_the_known_ones(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "-m", "nope", "hi"]) == 3
    assert one_line(capsys.readouterr().err) == (
        "error: unknown model or alias 'nope' — known aliases: gpt4o, gpt4o-mini, local; or ollama/<model>, openai/<model>"
    )
    assert use_ollama.requests == []


def test_truncation_warning_reaches_stderr(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "-m", "ollama/llama3:8b", "x" * 60000]) == 0
    assert "warning: Ollama cut the prompt" in one_line(capsys.readouterr().err)


def test_ollama_down(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = closed_port_url()
    monkeypatch.setenv("OLLAMA_HOST", url)
    assert run(["ask", "hi"]) == 3
    assert one_line(capsys.readouterr().err) == (
        f"error: Ollama is not reachable at {url} — start it with `ollama serve` or set OLLAMA_HOST"
    )


def test_model_not_pulled(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "-m", "ollama/codellama:7b", "hi"]) == 3
    assert "`llmdev models pull codellama:7b`" in one_line(capsys.readouterr().err)


def test_ollama_error_mid_stream_keeps_what_was_printed(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("partial answer then more")
    use_ollama.fail_next(mid_stream=True, after_chunks=2, message="llama runner process has terminated")
    assert run(["ask", "hi"]) == 3
    out, err = capsys.readouterr()
    assert out == "partial answer \n"
    assert "error: Ollama failed while answering: llama runner process has terminated" in one_line(err)


def test_ollama_timeout(use_ollama: OllamaServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    config = os.environ["LLMDEV_CONFIG_DIR"]
    with open(os.path.join(config, "config.toml"), "w") as handle:
        handle.write("[request]\ntimeout = 0.3\n")
    use_ollama.delay_first = 3
    assert run(["ask", "hi"]) == 3
    assert "error: Ollama did not answer within 0.3s" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({"key": None}, "error: OPENAI_API_KEY is not set (needed for provider 'openai')"),
        ({"key": "sk-bad"}, "error: openai rejected the API key (HTTP 401) — check OPENAI_API_KEY"),
        ({"fault": {"status": 429, "code": "rate_limit_exceeded", "retry_after": 0.01, "times": 3}}, "error: openai is rate limiting requests (HTTP 429) after 2 retries"),
        ({"fault": {"status": 500, "retry_after": 0.01, "times": 3}}, "error: openai failed (HTTP 500) after 2 retries"),
        ({"fault": {"mid_stream": True, "after_chunks": 2}}, "error: the connection to openai broke in the middle of the answer"),
        ({"context": 10}, "error: the prompt is {n} tokens, the window of gpt-4o is 10 — send less"),
    ],
)
def test_openai_failures_exit_3_with_one_clear_line(
    use_openai: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], setup: dict, expected: str
) -> None:
    if "key" in setup:
        if setup["key"] is None:
            monkeypatch.delenv("OPENAI_API_KEY")
        else:
            monkeypatch.setenv("OPENAI_API_KEY", setup["key"])
    if "fault" in setup:
        use_openai.fail_next(**setup["fault"])
    if "context" in setup:
        use_openai.models["gpt-4o"] = setup["context"]
    assert run(["ask", "-m", "gpt4o", "hi"]) == 3
    err = one_line(capsys.readouterr().err)
    pattern = re.escape(expected).replace(re.escape("{n}"), r"\d+")  # the server counts the prompt as sent
    assert re.match(pattern, err) and err.count("error:") == 1


def test_ctrl_c_while_streaming_exits_130_and_keeps_the_output(use_ollama: OllamaServer) -> None:
    use_ollama.reply("word " * 400)
    use_ollama.delay_between = 0.02
    child = subprocess.Popen(
        [sys.executable, "-m", "llmdev", "ask", "hi"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ)
    )
    assert child.stdout is not None
    first = child.stdout.read(10)  # wait until the answer is streaming
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert (first + out).startswith(b"word word ") and len(first + out) < len(b"word " * 400)
    assert b"Traceback" not in err
    deadline = time.monotonic() + 5
    while use_ollama.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert use_ollama.disconnects == 1


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"status": 503, "message": "server busy, please try again.", "times": 3}, "error: Ollama is busy (HTTP 503) after 2 retries ("),
        ({"status": 500, "message": "unexpected EOF"}, "error: Ollama answered HTTP 500: unexpected EOF"),
    ],
)
def test_ollama_http_errors_exit_3(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str], fault: dict, expected: str) -> None:
    use_ollama.fail_next(**fault)
    assert run(["ask", "hi"]) == 3
    assert one_line(capsys.readouterr().err).startswith(expected)


def test_an_empty_answer_is_an_error_not_silence(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("  \n")
    assert run(["ask", "hi"]) == 3
    assert "error: ollama/llama3.1:8b sent an empty answer (finish reason: stop) — ask again" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("args", [["-m", "", "ask", "hi"], ["ask", "-m", " ", "hi"], ["compare", "ask", "-m", "local", "-m", "", "hi"]])
def test_an_empty_model_is_a_usage_error(args: list[str], use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == 2
    assert "'--model' / '-m': is empty: name a model or an alias" in capsys.readouterr().err
    assert use_ollama.model_requests == []
