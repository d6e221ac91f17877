"""Every test runs with its own config, data and cache dirs, no colour and a fixed width."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from tests.servers import OllamaServer, OpenAIServer


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    for var, sub in (
        ("LLMDEV_CONFIG_DIR", "config"),
        ("LLMDEV_DATA_DIR", "data"),
        ("LLMDEV_CACHE_DIR", "cache"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_DATA_HOME", "xdg-data"),
        ("XDG_CACHE_HOME", "xdg-cache"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (home / "gitconfig").write_text("[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n")
    for var in ("LLMDEV_MODEL", "OLLAMA_HOST", "OPENAI_API_KEY", "OPENAI_BASE_URL", "LLMDEV_SKIP", "GITHUB_ACTIONS", "GITLAB_CI", "CI", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(var, raising=False)
    from llmdev import console, plugins

    plugins.reset()
    console.configure()
    return home


# -- fake model servers (tests/servers: real HTTP on 127.0.0.1; see its docstring) --


@pytest.fixture
def ollama_server() -> "Iterator[OllamaServer]":
    from tests.servers import OllamaServer

    with OllamaServer() as server:
        yield server


@pytest.fixture
def openai_server() -> "Iterator[OpenAIServer]":
    from tests.servers import OpenAIServer

    with OpenAIServer() as server:
        yield server


@pytest.fixture
def use_ollama(ollama_server: "OllamaServer", monkeypatch: pytest.MonkeyPatch) -> "OllamaServer":
    """llmdev's Ollama provider points at the fake server (the default model `local` lives there)."""
    monkeypatch.setenv("OLLAMA_HOST", ollama_server.url)
    return ollama_server


@pytest.fixture
def use_openai(openai_server: "OpenAIServer", monkeypatch: pytest.MonkeyPatch) -> "OpenAIServer":
    """llmdev's OpenAI provider points at the fake server with the key it accepts; pick it with -m gpt4o."""
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    return openai_server


@pytest.fixture(autouse=True)
def fresh_backend_caches() -> None:
    """Clients and context lengths are cached per URL in-process; test servers reuse ports."""
    from llmdev.backends import ollama, openai

    ollama.reset_caches()
    openai.reset_caches()
