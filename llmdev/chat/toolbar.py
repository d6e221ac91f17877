"""The bottom toolbar: model, files in context, tokens in use against the window, cost so far."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.chat.budget import compact
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession


def refresh(session: "ChatSession") -> None:
    """Re-measure the next prompt (without a question); call after every input."""
    from llmdev.chat.conversation import PromptTooBig, plan_prompt

    try:
        session.tokens_in_use = plan_prompt(session, None).tokens
    except PromptTooBig as exc:
        session.tokens_in_use = exc.needed
    except LlmdevError:
        session.tokens_in_use = 0  # an unknown model: the next question says why


def toolbar_text(session: "ChatSession") -> str:
    """One line, e.g. `ollama/llama3.1:8b │ 2 files │ 3.1k/131k tokens │ $0.0000 │ /help`."""
    try:
        model = str(session.model_ref())
        window = compact(session.window()) + ("" if session.known_window() else "?")
    except LlmdevError:
        model, window = session.model, "?"
    count = len(session.files)
    files = f"{count} file{'s' if count != 1 else ''}"
    cost = session.total_cost()
    spent = "cost unknown" if cost is None else f"${cost:.4f}"
    return f" {model} │ {files} │ {compact(session.tokens_in_use)}/{window} tokens │ {spent} │ /help "
