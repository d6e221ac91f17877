"""Fixtures for the privacy tests: a git repository to work in, and the fake OpenAI server
treated as the remote model it stands for."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit, as the current directory."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "README.md").write_text("# demo\n")
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", "init"], check=True)
    monkeypatch.chdir(root)
    return root


def write_user_config(home: Path, text: str) -> None:
    (home / "config" / "config.toml").write_text(text)


@pytest.fixture
def remote_openai(use_openai, isolated_env: Path):  # type: ignore[no-untyped-def]
    """The fake OpenAI server, declared remote (it listens on loopback, which would count as local)."""
    write_user_config(isolated_env, "[providers.openai]\nlocal = false\n")
    use_openai.reply_with("fine")
    return use_openai
