"""`llmdev doctor`: a table of checks with fixes; exit 1 when any fails."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.servers import OllamaServer, OpenAIServer, closed_port_url


def checks(capsys: pytest.CaptureFixture[str], *args: str, code: int) -> dict[str, dict]:
    assert run(["doctor", "--json", *args]) == code
    return {c["name"]: c for c in json.loads(capsys.readouterr().out)}


def test_all_good(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    found = checks(capsys, code=0)
    assert [name for name, c in found.items() if not c["ok"]] == []
    assert {"configuration", "ollama: server", "ollama: model llama3.1:8b", "ollama: context window of llama3.1:8b"} <= set(found)
    assert "trained 131072 tokens" in found["ollama: context window of llama3.1:8b"]["detail"]
    assert use_ollama.model_requests == []  # doctor never sends a prompt


def test_table_and_success_line(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor"]) == 0
    out, err = capsys.readouterr()
    assert "ollama: server" in out and "✓" in out and "all checks passed" in err


def test_server_down_fails_with_the_fix(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    found = checks(capsys, code=1)
    assert found["ollama: server"]["ok"] is False
    assert found["ollama: server"]["fix"] == "start it with `ollama serve` or set OLLAMA_HOST"


def test_model_missing(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    found = checks(capsys, "-m", "ollama/mistral:7b", code=1)
    assert found["ollama: model mistral:7b"]["fix"] == "`llmdev models pull mistral:7b` (or `ollama pull mistral:7b`)"


def test_openai_key_missing_then_set(use_openai: OpenAIServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    found = checks(capsys, "-m", "gpt4o", code=1)
    assert found["openai: key OPENAI_API_KEY"]["detail"] == "not set"
    assert found["openai: key OPENAI_API_KEY"]["fix"].startswith("export OPENAI_API_KEY=")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    found = checks(capsys, "-m", "gpt4o", code=0)
    assert found["openai: model gpt-4o"]["ok"] and found["openai: server"]["ok"]


def test_per_command_models_and_all_aliases(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text('[commands.review]\nmodel = "ollama/llama3:8b"\n')
    found = checks(capsys, code=0)
    assert "ollama: model llama3:8b" in found
    found = checks(capsys, "--all", code=1)  # gpt4o and gpt4o-mini: no key
    assert found["openai: key OPENAI_API_KEY"]["ok"] is False


def test_unknown_model_reference(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    found = checks(capsys, "-m", "nope", code=1)
    assert found["model nope"]["detail"] == "unknown model or alias 'nope'"


def test_broken_config_is_a_failed_check(capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text("[request]\ntimeot = 3\n")
    found = checks(capsys, code=1)
    assert found["configuration"]["ok"] is False and "request.timeot: unknown key" in found["configuration"]["detail"]


def test_doctor_shows_the_window_set_in_context_windows(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with OpenAIServer(models={"tiny": None}, api_key=None) as server:
        Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
            f'[providers.llamacpp]\nkind = "openai"\nbase_url = "{server.url}/v1"\n[context_windows]\n"llamacpp/tiny" = 4096\n'
        )
        found = checks(capsys, "-m", "llamacpp/tiny", code=0)
    assert found["llamacpp: context window of tiny"]["detail"] == "4096 tokens (from [context_windows])"


def test_table_cells_are_text_not_markup(capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
        f'[providers.llamacpp]\nkind = "openai"\nbase_url = "{closed_port_url()}/v1"\n[request]\nmax_retries = 0\n'
    )
    assert run(["doctor", "-m", "llamacpp/tiny"]) == 1
    assert "[providers.llamacpp]" in " ".join(capsys.readouterr().out.split())


def test_an_unparsable_ollama_host_is_named_not_blamed_on_a_plugin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "127.0.0.1:99999")
    found = checks(capsys, code=1)
    check = found["model local"]
    assert check["detail"] == "OLLAMA_HOST='127.0.0.1:99999' is not a usable address: Port out of range 0-65535"
    assert check["fix"].startswith("set OLLAMA_HOST to host:port")
