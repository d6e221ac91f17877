"""A small real repository with Python code that calls across files, for index and ranking tests."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

import pytest

SAMPLE = {
    "app/config.py": '''"""Configuration loading."""
import json


class ConfigError(Exception):
    pass


def load_settings(path):
    """Read the settings file; an empty file is an error."""
    text = open(path).read()
    if not text.strip():
        raise ConfigError("empty settings file")
    return json.loads(text)
''',
    "app/server.py": '''from app.config import load_settings


class HttpServer:
    def __init__(self, settings_path):
        self.settings = load_settings(settings_path)

    def start(self):
        return listen_socket(self.settings["port"])


def listen_socket(port):
    return port
''',
    "app/cli.py": '''from app.server import HttpServer


def main():
    server = HttpServer("settings.json")
    server.start()
''',
    "app/billing/invoice.py": '''class InvoiceTotals:
    def compute_tax(self, amount, rate):
        return round(amount * rate, 2)


def render_invoice(totals):
    return f"total: {totals}"
''',
    "tests/test_config.py": '''from app.config import load_settings


def test_load_settings_empty_file(tmp_path):
    assert load_settings
''',
    "README.md": "# Demo\n\nA demo server with settings and invoices.\n",
}


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, path: str, content: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def open(self):  # type: ignore[no-untyped-def]
        from llmdev.repo.discovery import open_repository

        return open_repository(self.root)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str]], GitRepo]:
    def make(files: dict[str, str]) -> GitRepo:
        root = (tmp_path / f"repo{len(list(tmp_path.iterdir()))}").resolve()
        root.mkdir()
        repo = GitRepo(root)
        repo.git("init", "-q", "-b", "main")
        for path, content in files.items():
            repo.write(path, content)
        repo.commit("initial")
        return repo

    return make


@pytest.fixture
def sample(make_repo: Callable[[dict[str, str]], GitRepo]) -> GitRepo:
    return make_repo(SAMPLE)
