"""Which models are remote: OpenAI-compatible servers off this machine, unless declared local."""

from __future__ import annotations

import subprocess

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


def test_the_builtin_openai_provider_is_remote_whatever_its_url() -> None:
    for url in ("http://127.0.0.1:4000/v1", "http://localhost:8000/v1"):
        for local in (None, True):
            settings = Settings(providers={"openai": ProviderConfig(kind="openai", base_url=url, local=local)})
            assert is_remote(ModelRef("openai", "gpt-4o"), settings)


def test_a_declared_provider_is_local_only_when_the_user_says_so() -> None:
    settings = Settings(
        providers={
            "lab": ProviderConfig(kind="openai", base_url="http://gpu-box:8000/v1", local=True),
            "proxy": ProviderConfig(kind="openai", base_url="http://127.0.0.1:4000/v1"),
            "tunnel": ProviderConfig(kind="openai", base_url="http://127.0.0.1:9000/v1", local=False),
            "box": ProviderConfig(kind="ollama", base_url="http://127.0.0.1:11435"),
            "ollama": ProviderConfig(kind="ollama", base_url="http://gpu-box:11434"),
        }
    )
    assert not is_remote(ModelRef("lab", "llama3"), settings)
    assert is_remote(ModelRef("proxy", "gpt-4o"), settings)  # loopback alone is no proof
    assert is_remote(ModelRef("tunnel", "gpt-4o"), settings)
    assert is_remote(ModelRef("box", "llama3"), settings)
    assert is_remote(ModelRef("ollama", "llama3"), settings)  # the built-in one, moved off this machine


def test_a_repository_cannot_declare_a_server_local() -> None:
    for url in ("http://gpu-box:8000/v1", "http://127.0.0.1:8000/v1"):
        settings = Settings(providers={"lab": ProviderConfig(kind="openai", base_url=url, local=True)})
        assert not is_remote(ModelRef("lab", "m"), settings)
        assert is_remote(ModelRef("lab", "m"), settings, repo_keys=["providers.lab.local"])


def test_a_trusted_repository_provider_table_still_cannot_declare_local(tmp_path, isolated_env) -> None:  # type: ignore[no-untyped-def]
    from llmdev.config.loader import load_config
    from llmdev.config.trust import trust

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    table = {"lab": {"kind": "openai", "base_url": "http://127.0.0.1:8000/v1", "local": True}}
    (tmp_path / ".llmdev.toml").write_text('[providers.lab]\nkind = "openai"\nbase_url = "http://127.0.0.1:8000/v1"\nlocal = true\n')
    trust(tmp_path, table)
    config = load_config(cwd=tmp_path)
    assert config.settings.providers["lab"].local is True  # trusted: the table is used
    assert is_remote(ModelRef("lab", "m"), config.settings, repo_keys(config.sources, config.repo_root))


def test_repo_keys_are_those_set_by_the_repository_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sources = {"privacy.enabled": f"{tmp_path}/.llmdev.toml", "model": "/home/me/.config/llmdev/config.toml", "x": "environment"}
    assert repo_keys(sources, tmp_path) == {"privacy.enabled"}
    assert repo_keys(sources, None) == set()
