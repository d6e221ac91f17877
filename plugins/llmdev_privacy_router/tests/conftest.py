"""Each test gets its own llmdev config and data dirs, and a fresh plugin manager."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture(autouse=True)
def isolated_llmdev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR"):
        (tmp_path / var).mkdir()
        monkeypatch.setenv(var, str(tmp_path / var))
    for var in ("LLMDEV_MODEL", "OLLAMA_HOST", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    from llmdev import plugins

    plugins.reset()
    return tmp_path


@pytest.fixture
def write_config(isolated_llmdev: Path) -> Callable[[str], None]:
    """Write the user's config.toml."""
    return (isolated_llmdev / "LLMDEV_CONFIG_DIR" / "config.toml").write_text  # type: ignore[return-value]
