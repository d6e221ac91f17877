from __future__ import annotations

import pytest

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.chat.turn import ask
from llmdev.errors import UnknownModelError
from tests.servers import OllamaServer, OpenAIServer


def test_model_without_a_name_shows_the_model_and_its_window(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/model")
    assert capsys.readouterr().out == "ollama/llama3.1:8b (131,072-token window)\n"


def test_model_switches_and_reports_the_new_window(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, "/model ollama/llama3:8b")
    assert str(session.model_ref()) == "ollama/llama3:8b" and session.model_locked
    assert session.window() == 8192
    assert "now using ollama/llama3:8b (8,192-token window)" in capsys.readouterr().err


def test_an_unknown_model_leaves_the_current_one(session: ChatSession) -> None:
    with pytest.raises(UnknownModelError):
        dispatch(session, "/model nosuch")
    assert str(session.model_ref()) == "ollama/llama3.1:8b"


def test_a_model_whose_window_nobody_knows_gets_a_safe_default(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    session.window_lookup = lambda ref, settings: None
    dispatch(session, "/model ollama/whatever:1b")
    assert session.window() == 8192
    assert "window unknown, assuming 8,192 tokens" in capsys.readouterr().err


def test_cost_lists_tokens_and_prices_per_model(
    use_openai: OpenAIServer, session: ChatSession, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    dispatch(session, "/cost")
    assert "no model calls yet" in capsys.readouterr().out
    ask(session, "local question")
    dispatch(session, "/model gpt4o")
    ask(session, "remote question")
    capsys.readouterr()
    dispatch(session, "/cost")
    out = capsys.readouterr().out
    assert "ollama/llama3.1:8b" in out and "openai/gpt-4o" in out
    gpt = session.usage["openai/gpt-4o"]
    expected = gpt.input_tokens * 2.5 / 1e6 + gpt.output_tokens * 10 / 1e6
    assert gpt.cost == pytest.approx(expected)
    assert session.usage["ollama/llama3.1:8b"].cost == 0.0
    assert f"session total: ${expected:.4f}" in out


def test_clear_forgets_the_conversation_but_not_the_files(session: ChatSession, use_ollama: OllamaServer) -> None:
    dispatch(session, "/add README.md")
    ask(session, "hello")
    dispatch(session, "/clear")
    assert session.turns == [] and session.files == ["README.md"]
    ask(session, "again")
    assert [m["role"] for m in use_ollama.last_body()["messages"]] == ["system", "user"]


def test_help_lists_every_command_and_the_keys(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    from llmdev.chat.slash import commands

    dispatch(session, "/help")
    out = capsys.readouterr().out
    for command in commands().values():
        assert command.usage in out
    assert "Enter sends, Alt-Enter (or Esc Enter) adds a line" in out and "Ctrl-D leaves" in out


def test_exit_ends_the_session(session: ChatSession) -> None:
    dispatch(session, "/exit")
    assert session.done
