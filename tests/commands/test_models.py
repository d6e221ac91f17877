"""`llmdev models` and `llmdev models pull` against the fake servers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.servers import OllamaServer, OpenAIServer, closed_port_url


def write_config(text: str) -> None:
    Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(text)


def listing(capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    assert run(["models", "--json"]) == 0
    return {row["model"]: row for row in json.loads(capsys.readouterr().out)}


def test_lists_aliases_installed_and_remote_models(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    rows = listing(capsys)
    assert list(rows) == ["ollama/llama3.1:8b", "openai/gpt-4o", "openai/gpt-4o-mini", "ollama/llama3:8b"]
    local = rows["ollama/llama3.1:8b"]
    assert (local["aliases"], local["default"], local["usable"], local["installed"]) == (["local"], True, True, True)
    assert (rows["ollama/llama3:8b"]["configured"], rows["ollama/llama3:8b"]["usable"]) == (False, True)
    assert rows["openai/gpt-4o"]["usable"] is False and rows["openai/gpt-4o"]["why"] == "OPENAI_API_KEY is not set"


def test_remote_models_usable_with_a_key(use_ollama: OllamaServer, use_openai: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_openai.models.pop("gpt-4o-mini")
    rows = listing(capsys)
    assert rows["openai/gpt-4o"]["usable"] is True
    assert (rows["openai/gpt-4o-mini"]["usable"], rows["openai/gpt-4o-mini"]["why"]) == (False, "not offered by the server")
    assert use_openai.model_requests == []  # listing never sends a prompt


def test_configured_but_not_pulled_and_bad_alias(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    write_config('[aliases]\ncoder = "ollama/qwen2.5-coder:7b"\nbroken = "nowhere/x"\n')
    rows = listing(capsys)
    coder = rows["ollama/qwen2.5-coder:7b"]
    assert (coder["aliases"], coder["usable"]) == (["coder"], False)
    assert coder["why"] == "not pulled: run `llmdev models pull qwen2.5-coder:7b`"
    assert rows["nowhere/x"]["why"].startswith("unknown provider 'nowhere'")


def test_table_output(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models"]) == 0
    out = capsys.readouterr().out
    assert "local (default)" in out and "8.0B Q4_K_M" in out and "OPENAI_API_KEY is not set" in out


def test_ollama_down_is_a_note_not_a_crash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = closed_port_url()
    monkeypatch.setenv("OLLAMA_HOST", url)
    rows = listing(capsys)
    assert rows["ollama/llama3.1:8b"]["usable"] is False
    assert rows["ollama/llama3.1:8b"]["why"].startswith(f"Ollama is not reachable at {url}")
    assert run(["config", "show"]) == 0  # unrelated commands do not care


def test_pull_with_progress_then_usable(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models", "pull", "qwen2.5:0.5b"]) == 0
    assert "pulled ollama/qwen2.5:0.5b" in capsys.readouterr().err
    assert use_ollama.last_body("/api/pull")["model"] == "qwen2.5:0.5b"
    assert listing(capsys)["ollama/qwen2.5:0.5b"]["usable"] is True


def test_pull_by_alias_and_by_reference(use_ollama: OllamaServer) -> None:
    write_config('[aliases]\ncoder = "ollama/qwen2.5-coder:7b"\n')
    assert run(["models", "pull", "coder"]) == 0
    assert run(["models", "pull", "ollama/phi3:mini"]) == 0
    assert [r.body["model"] for r in use_ollama.requests_to("/api/pull")] == ["qwen2.5-coder:7b", "phi3:mini"]


def test_pull_refuses_remote_models(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models", "pull", "gpt4o"]) == 2
    assert "not an Ollama model" in capsys.readouterr().err
    assert use_ollama.requests == []


def test_pull_of_an_unknown_name(use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.pullable = set()
    assert run(["models", "pull", "nope"]) == 3
    assert "Ollama could not pull 'nope': pull model manifest: file does not exist" in " ".join(capsys.readouterr().err.split())
