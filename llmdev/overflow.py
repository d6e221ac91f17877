"""Sending less after a server refused a prompt as longer than its window: the command builds its
context again with smaller budgets and tries once more."""

from __future__ import annotations

from typing import Callable, TypeVar

from llmdev.backends.base import ContextOverflow

T = TypeVar("T")

MARGIN = 0.9  # the parts of a prompt no budget governs (instructions, the question) do not shrink


class PromptOverflow(ContextOverflow):
    """A refused prompt together with llmdev's estimate of its size, so the next one can be smaller."""

    def __init__(self, overflow: ContextOverflow, estimated: int) -> None:
        super().__init__(overflow.message, overflow.hint, overflow.prompt_tokens, overflow.window)
        self.estimated = estimated

    def scale(self) -> float | None:
        """What to multiply the context budgets by: the prompt llmdev thought it sent (or the window, when
        llmdev thought the window larger) over what the server counted; None when the error gives no counts."""
        if not self.prompt_tokens or not self.window or self.estimated <= 0:
            return None
        scale = min(self.estimated, self.window) / self.prompt_tokens * MARGIN
        return scale if scale < 1 else None


def sized(overflow: ContextOverflow, estimated: int) -> PromptOverflow:
    """`overflow` with the estimate of the prompt that caused it."""
    return overflow if isinstance(overflow, PromptOverflow) else PromptOverflow(overflow, estimated)


def shrink_once(attempt: Callable[[float], T], what: str) -> T:
    """`attempt(1.0)`; when the server refuses it as too long, `attempt(scale)` once with budgets scaled
    down by how far llmdev's estimate fell short. `what` names the budgets, e.g. "context and map"."""
    from llmdev import console

    try:
        return attempt(1.0)
    except PromptOverflow as overflow:
        scale = overflow.scale()
        if scale is None:
            raise
        console.warning(f"{overflow.message}; sending it again with the {what} cut to {scale:.0%}")
    try:
        return attempt(scale)
    except ContextOverflow as second:
        message = f"{second.message}, even with the {what} cut to {scale:.0%}"
        raise ContextOverflow(message, second.hint, second.prompt_tokens, second.window) from None
