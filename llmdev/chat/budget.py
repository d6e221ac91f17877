"""The model's window, and which earlier turns still fit in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from llmdev.errors import LlmdevError
from llmdev.tokens import PER_MESSAGE_TOKENS, estimate_tokens

if TYPE_CHECKING:
    from llmdev.backends.registry import ModelRef
    from llmdev.chat.session import Turn
    from llmdev.config.schema import Settings


def model_window(ref: "ModelRef", settings: "Settings") -> int | None:
    """The context window the model is run with, or None when neither the server nor the
    `context_windows` table says."""
    from llmdev.backends.registry import get_backend

    try:
        return get_backend(ref.provider, settings).context_length(ref.name)
    except LlmdevError:
        return None


def turn_tokens(turn: "Turn") -> int:
    return estimate_tokens(turn.question) + estimate_tokens(turn.answer) + 2 * PER_MESSAGE_TOKENS


@dataclass(frozen=True)
class HistoryFit:
    first_kept: int  # turns[first_kept:] go into the prompt
    tokens: int  # what those turns take

    @property
    def dropped(self) -> int:
        return self.first_kept


def fit_history(turns: Sequence["Turn"], budget: int) -> HistoryFit:
    """The newest turns whose estimated size fits in `budget` tokens; older ones are left out."""
    used = 0
    first = len(turns)
    for index in range(len(turns) - 1, -1, -1):
        size = turn_tokens(turns[index])
        if used + size > budget:
            break
        used += size
        first = index
    return HistoryFit(first, used)


def compact(count: int) -> str:
    """1234 -> 1.2k, 131072 -> 131k: short numbers for the toolbar."""
    if count < 1000:
        return str(count)
    if count < 10_000:
        return f"{count / 1000:.1f}k"
    return f"{round(count / 1000)}k"
