"""Opt-in checks against a real Ollama at OLLAMA_HOST: `pytest -m live tests/live`.

Uses LLMDEV_LIVE_MODEL if set, else the first installed Llama (or any) model. Skipped, with the
reason, when no Ollama answers.
"""

from __future__ import annotations

import json
import os

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.backends.ollama import OllamaBackend
from llmdev.cli import run
from llmdev.config.loader import normalize_ollama_host
from llmdev.config.schema import ProviderConfig, Settings

pytestmark = pytest.mark.live

# Read at import: the autouse isolation fixture clears OLLAMA_HOST for each test.
LIVE_URL = normalize_ollama_host(os.environ.get("OLLAMA_HOST") or "127.0.0.1:11434")
LIVE_MODEL = os.environ.get("LLMDEV_LIVE_MODEL")


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> tuple[OllamaBackend, str]:
    """The real server's backend and the model to use; skips when none answers."""
    from llmdev.errors import ModelError

    backend = OllamaBackend("ollama", ProviderConfig(kind="ollama", base_url=LIVE_URL), Settings())
    try:
        installed = [m.name for m in backend.list_models()]
    except ModelError as exc:
        pytest.skip(f"no Ollama answers at {LIVE_URL}: {exc.message}")
    model = LIVE_MODEL or next((m for m in installed if m.startswith("llama")), installed[0] if installed else None)
    if model is None:
        pytest.skip(f"Ollama at {LIVE_URL} has no models; `ollama pull llama3.1:8b`")
    monkeypatch.setenv("OLLAMA_HOST", LIVE_URL)
    return backend, model


def test_streamed_answer_with_usage(live: tuple[OllamaBackend, str]) -> None:
    backend, model = live
    pieces: list[str] = []
    result = backend.chat(model, [Message("user", "Reply with the single word: pong")], ChatOptions(temperature=0, seed=1, max_output_tokens=20), pieces.append)
    assert result.text.strip() and "".join(pieces) == result.text
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0 and result.warnings == []


def test_structured_output_follows_the_schema(live: tuple[OllamaBackend, str]) -> None:
    backend, model = live
    schema = {"type": "object", "properties": {"answer": {"type": "integer"}}, "required": ["answer"]}
    options = ChatOptions(temperature=0, seed=1, max_output_tokens=50, json_schema=schema)
    result = backend.chat(model, [Message("user", "What is 2 + 3? Answer in JSON.")], options)
    assert isinstance(json.loads(result.text)["answer"], int)


def test_context_length_is_reported(live: tuple[OllamaBackend, str]) -> None:
    backend, model = live
    length = backend.context_length(model)
    assert length is None or length >= 2048


def test_doctor_and_ask_through_the_cli(live: tuple[OllamaBackend, str], capsys: pytest.CaptureFixture[str]) -> None:
    _, model = live
    assert run(["doctor", "-m", f"ollama/{model}"]) == 0
    assert run(["ask", "-m", f"ollama/{model}", "--max-tokens", "20", "Say hi."]) == 0
    assert capsys.readouterr().out.strip()
