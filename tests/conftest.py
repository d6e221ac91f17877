"""Every test runs with its own config, data and cache dirs, no colour and a fixed width."""

from __future__ import annotations

from pathlib import Path

import pytest


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
