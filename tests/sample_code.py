"""A small real repository with Python code that calls across files, for index, ranking and context tests."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.gitrepo import GitRepo

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


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[dict[str, str]], GitRepo]:
    def make(files: dict[str, str]) -> GitRepo:
        return GitRepo.create(tmp_path / f"repo{len(list(tmp_path.iterdir()))}", files)

    return make


@pytest.fixture
def sample(make_repo: Callable[[dict[str, str]], GitRepo]) -> GitRepo:
    return make_repo(SAMPLE)
