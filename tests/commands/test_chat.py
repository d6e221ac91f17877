"""`llmdev chat` from the command line, typed at through prompt-toolkit's pipe input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.chat.support import make_repository
from tests.servers import OllamaServer, OpenAIServer


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repository(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def chat(args: list[str], keys: str) -> int:
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        return run(["chat", *args])


def test_a_session_from_start_to_ctrl_d(project: Path, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("**greet** says hi.")
    assert chat([], "what does greet do?\r/cost\r\x04") == 0
    captured = capsys.readouterr()
    assert "**greet** says hi." in captured.out
    assert "ollama/llama3.1:8b" in captured.out and "session total: $0.0000" in captured.out
    assert "llmdev chat in project with ollama/llama3.1:8b" in captured.err


def test_files_and_model_from_the_command_line(project: Path, use_openai: OpenAIServer) -> None:
    assert chat(["-m", "gpt4o", "src/util.py"], "explain\r") == 0
    body = use_openai.last_body()
    assert body["model"] == "gpt-4o"
    assert "def parse_pair(text):" in body["messages"][0]["content"]


def test_the_global_model_option_works_too(project: Path, use_openai: OpenAIServer) -> None:
    assert chat(["--model", "gpt4o-mini"], "hi\r") == 0
    assert use_openai.last_body()["model"] == "gpt-4o-mini"


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert chat([], "") == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_an_unknown_model_stops_before_the_session(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert chat(["-m", "nosuch"], "") == 3
    assert "unknown model or alias 'nosuch'" in capsys.readouterr().err


def test_chat_is_listed_and_help_does_not_load_prompt_toolkit() -> None:
    program = (
        "import sys\nfrom llmdev.cli import run\n"
        "code = run(['--help'])\n"
        "print('LOADED' if {'prompt_toolkit', 'llmdev.chat'} & set(sys.modules) else 'CLEAN')\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert "  chat " in done.stdout and done.stdout.strip().endswith("CLEAN")
