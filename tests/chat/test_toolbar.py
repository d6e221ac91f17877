from __future__ import annotations

from pathlib import Path

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.chat.toolbar import refresh, toolbar_text
from llmdev.chat.turn import ask
from tests.servers import OllamaServer, OpenAIServer


def test_the_toolbar_shows_model_files_tokens_and_cost(session: ChatSession) -> None:
    refresh(session)
    empty = session.tokens_in_use
    assert toolbar_text(session) == f" ollama/llama3.1:8b │ 0 files │ {empty}/131k tokens │ $0.0000 │ /help "
    dispatch(session, "/add src")
    refresh(session)
    assert session.tokens_in_use > empty
    assert "│ 2 files │" in toolbar_text(session)


def test_tokens_in_use_grow_with_the_conversation(session: ChatSession, use_ollama: OllamaServer) -> None:
    refresh(session)
    before = session.tokens_in_use
    ask(session, "a question " * 20)
    refresh(session)
    assert session.tokens_in_use > before + 50


def test_the_cost_and_window_follow_the_model(use_openai: OpenAIServer, session: ChatSession) -> None:
    dispatch(session, "/model gpt4o")
    ask(session, "hi")
    refresh(session)
    text = toolbar_text(session)
    assert text.startswith(" openai/gpt-4o │") and "/128k tokens" in text
    assert f"${session.total_cost():.4f}" in text and session.total_cost() > 0


def test_an_unknown_window_is_marked(session: ChatSession) -> None:
    session.window_lookup = lambda ref, settings: None
    assert "/8.2k? tokens" in toolbar_text(session)


def test_an_unpriced_remote_model_says_so(use_openai: OpenAIServer, repo_dir: Path) -> None:
    from llmdev.chat.session import start_session
    from llmdev.config.loader import load_config, user_config_path
    from llmdev.repo.discovery import open_repository

    user_config_path().write_text('[providers.openai]\nkind = "openai"\nlocal = false\n')  # as if it were far away
    use_openai.models["gpt-9"] = 128000
    session = start_session(load_config(), "openai/gpt-9", open_repository())
    ask(session, "hi")
    assert "cost unknown" in toolbar_text(session)
