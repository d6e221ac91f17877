"""Which models are remote: OpenAI-compatible servers off this machine, unless declared local."""

from __future__ import annotations

import pytest

from llmdev.backends.registry import ModelRef
from llmdev.config.schema import ProviderConfig, Settings
from llmdev.privacy.remote import is_loopback_url, is_remote, repo_keys


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000/v1", True),
        ("http://localhost:1234", True),
        ("http://[::1]:8080/v1", True),
        ("127.0.0.5:11434", True),
        ("https://api.openai.com/v1", False),
        ("http://gpu-box:8000/v1", False),
        ("http://10.0.0.7:8000", False),
        (None, False),
    ],
)
def test_loopback_urls(url: str | None, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_default_providers() -> None:
    settings = Settings()
    assert is_remote(ModelRef("openai", "gpt-4o"), settings)
    assert not is_remote(ModelRef("ollama", "llama3.1:8b"), settings)


def test_declared_locality_wins() -> None:
    settings = Settings(
        providers={
            "lab": ProviderConfig(kind="openai", base_url="http://gpu-box:8000/v1", local=True),
            "tunnel": ProviderConfig(kind="openai", base_url="http://127.0.0.1:9000/v1", local=False),
            "ollama": ProviderConfig(kind="ollama", base_url="http://127.0.0.1:11434"),
        }
    )
    assert not is_remote(ModelRef("lab", "llama3"), settings)
    assert is_remote(ModelRef("tunnel", "gpt-4o"), settings)


def test_a_repository_cannot_declare_a_server_local() -> None:
    for url in ("https://api.openai.com/v1", "http://127.0.0.1:8000/v1"):
        settings = Settings(providers={"openai": ProviderConfig(kind="openai", base_url=url, local=True)})
        assert not is_remote(ModelRef("openai", "gpt-4o"), settings)
        assert is_remote(ModelRef("openai", "gpt-4o"), settings, repo_keys=["providers.openai.local"])


def test_repo_keys_are_those_set_by_the_repository_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sources = {"privacy.enabled": f"{tmp_path}/.llmdev.toml", "model": "/home/me/.config/llmdev/config.toml", "x": "environment"}
    assert repo_keys(sources, tmp_path) == {"privacy.enabled"}
    assert repo_keys(sources, None) == set()
