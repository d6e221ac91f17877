"""Backends built straight from settings that point at the fake servers."""

from __future__ import annotations

from typing import Any

import pytest

from llmdev.backends.ollama import OllamaBackend
from llmdev.backends.openai import OpenAIBackend
from llmdev.config.schema import Settings, parse
from tests.servers import OllamaServer, OpenAIServer


def make_settings(**sections: Any) -> Settings:
    """Settings from plain dicts, validated as a config file would be."""
    return parse(Settings, sections)


def ollama_backend(server: OllamaServer, **sections: Any) -> OllamaBackend:
    settings = make_settings(**sections)
    settings.providers["ollama"].base_url = server.url
    return OllamaBackend("ollama", settings.providers["ollama"], settings)


def openai_backend(server: OpenAIServer, **sections: Any) -> OpenAIBackend:
    settings = make_settings(**sections)
    settings.providers["openai"].base_url = server.url + "/v1"
    return OpenAIBackend("openai", settings.providers["openai"], settings)


@pytest.fixture
def openai_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    return "test-key"
