"""The whole session driven through prompt-toolkit's input, as a user would type."""

from __future__ import annotations

import signal
from typing import Callable

import pytest

from llmdev.answer import AnswerStream
from llmdev.chat.app import handle_input, history_path, run_chat
from llmdev.chat.session import ChatSession
from tests.servers import OllamaServer

Keyboard = Callable[..., object]


def test_questions_and_commands_until_ctrl_d(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("It greets.")
    keyboard("/add src/app.py\rwhat does greet do?\r\x04/cost\r", lambda: run_chat(session))
    captured = capsys.readouterr()
    assert "It greets." in captured.out
    assert session.files == ["src/app.py"]
    assert [t.question for t in session.turns] == ["what does greet do?"]
    assert "no model calls" not in captured.out and "session total" not in captured.out  # Ctrl-D left before /cost


def test_tab_completes_a_command_and_a_path(session: ChatSession, keyboard: Keyboard) -> None:
    keyboard("/ad\tsrc/ut\t\r", lambda: run_chat(session))
    assert session.files == ["src/util.py"]


def test_tab_completes_a_symbol_in_a_question(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    keyboard("explain parse_p\t\r", lambda: run_chat(session))
    assert use_ollama.last_body()["messages"][-1]["content"] == "explain parse_pair"


def test_esc_enter_adds_a_line_and_enter_sends(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    keyboard("first line\x1b\rsecond line\r", lambda: run_chat(session))
    assert use_ollama.last_body()["messages"][-1]["content"] == "first line\nsecond line"
    assert len(use_ollama.model_requests) == 1


def test_alt_enter_sends_when_configured(repo_dir, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    (repo_dir / ".llmdev.toml").write_text('[chat]\nsubmit = "alt-enter"\n')
    from llmdev.chat.session import start_session
    from llmdev.config.loader import load_config
    from llmdev.repo.discovery import open_repository

    session = start_session(load_config(), None, open_repository())
    keyboard("first line\rsecond line\x1b\r", lambda: run_chat(session))
    assert use_ollama.last_body()["messages"][-1]["content"] == "first line\nsecond line"


def test_ctrl_c_at_the_prompt_clears_the_line(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    keyboard("never sent\x03sent\r", lambda: run_chat(session))
    assert [m.body["messages"][-1]["content"] for m in use_ollama.model_requests] == ["sent"]


def test_ctrl_c_stops_an_answer_and_the_session_goes_on(
    session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard, capsys: pytest.CaptureFixture[str]
) -> None:
    class PressCtrlC(AnswerStream):
        pressed = False

        def __call__(self, chunk: str) -> None:
            super().__call__(chunk)
            if not PressCtrlC.pressed and len(self.text.split()) == 2:
                PressCtrlC.pressed = True
                signal.raise_signal(signal.SIGINT)

    use_ollama.delay_between = 0.01
    use_ollama.reply("alpha beta gamma delta epsilon", "the second answer")
    keyboard("first\rsecond\r", lambda: run_chat(session, sink=lambda: PressCtrlC(markdown=False)))
    assert [(t.answer, t.interrupted) for t in session.turns] == [("alpha beta ", True), ("the second answer", False)]
    assert "answer stopped" in capsys.readouterr().err


def test_exit_command_leaves(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    keyboard("/exit\rnot asked\r", lambda: run_chat(session))
    assert use_ollama.model_requests == []


def test_typed_input_is_kept_per_repository(session: ChatSession, use_ollama: OllamaServer, keyboard: Keyboard) -> None:
    from prompt_toolkit.history import FileHistory

    keyboard("/context\rhello there\r", lambda: run_chat(session))
    path = history_path(session.repo)
    assert path.parent.parent == session.repo.common_dir
    assert list(FileHistory(str(path)).load_history_strings()) == ["hello there", "/context"]


def test_confirmation_reads_the_next_line(session: ChatSession, keyboard: Keyboard) -> None:
    from llmdev.chat.app import PromptInteraction

    assert keyboard("y\r", lambda: PromptInteraction().confirm("apply?")) is True
    assert keyboard("\r", lambda: PromptInteraction().confirm("apply?")) is False
    assert keyboard("", lambda: PromptInteraction().confirm("apply?")) is False


def test_errors_are_shown_and_the_session_goes_on(session: ChatSession, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.fail_next(status=500, message="boom")
    handle_input(session, "hello")
    handle_input(session, "/model nope/x")
    err = capsys.readouterr().err
    assert "error:" in err and "boom" in err
    assert "unknown provider 'nope'" in err
    assert str(session.model_ref()) == "ollama/llama3.1:8b"


def test_a_double_slash_sends_a_line_that_starts_with_a_slash(session: ChatSession, use_ollama: OllamaServer) -> None:
    handle_input(session, "//usr/bin/env is missing, why?")
    assert use_ollama.last_body()["messages"][-1]["content"] == "/usr/bin/env is missing, why?"
