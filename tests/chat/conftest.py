"""A small git repository, a chat session in it against the fake Ollama server, and typed keys."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

import pytest

from tests.chat.support import make_repository

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession
    from tests.servers import OllamaServer

T = TypeVar("T")


@pytest.fixture
def repo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed repository (the current directory for the test)."""
    root = make_repository(tmp_path / "demo")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def session(repo_dir: Path, use_ollama: "OllamaServer") -> "Iterator[ChatSession]":
    """A session with the default model (ollama/llama3.1:8b on the fake server)."""
    from llmdev.chat.session import end_session, start_session
    from llmdev.config.loader import load_config
    from llmdev.repo.discovery import open_repository

    started = start_session(load_config(), None, open_repository())
    yield started
    end_session(started)


@pytest.fixture
def keyboard() -> Callable[[str, Callable[[], T]], T]:
    """keyboard(keys, action): run `action` with `keys` typed at prompt-toolkit's input.

    Enter is "\\r", Esc Enter "\\x1b\\r", Tab "\\t", Ctrl-C "\\x03", Ctrl-D "\\x04". The input is
    closed after the keys, so a session that reads past them ends as if Ctrl-D were pressed.
    """
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    def type_keys(keys: str, action: Callable[[], T]) -> T:
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(keys)
            pipe.close()
            return action()

    return type_keys
