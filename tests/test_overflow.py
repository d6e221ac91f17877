"""How much smaller the next prompt is after a server refused one as over its window."""

from __future__ import annotations

import pytest

from llmdev.backends.base import ContextOverflow
from llmdev.overflow import MARGIN, PromptOverflow, shrink_once, sized


def refused(prompt: int | None, window: int | None, estimated: int) -> PromptOverflow:
    return PromptOverflow(ContextOverflow(f"the prompt is {prompt} tokens, the window of tiny is {window}", "send less", prompt, window), estimated)


def test_the_budgets_shrink_by_how_far_the_estimate_fell_short() -> None:
    assert refused(6000, 4096, 3000).scale() == pytest.approx(0.5 * MARGIN)


def test_a_window_llmdev_thought_larger_shrinks_to_the_real_one() -> None:
    assert refused(8000, 4096, 7000).scale() == pytest.approx(4096 / 8000 * MARGIN)


@pytest.mark.parametrize(("prompt", "window"), [(None, 4096), (6000, None)])
def test_without_the_servers_numbers_there_is_no_smaller_size(prompt: int | None, window: int | None) -> None:
    assert refused(prompt, window, 3000).scale() is None


def test_sized_keeps_an_overflow_that_already_has_its_estimate() -> None:
    first = refused(6000, 4096, 3000)
    assert sized(first, 10) is first and sized(ContextOverflow("m", None, 1, 2), 10).estimated == 10


def test_one_retry_then_the_second_refusal_says_what_was_tried() -> None:
    scales: list[float] = []

    def attempt(scale: float) -> str:
        scales.append(scale)
        raise refused(6000, 4096, 3000)

    with pytest.raises(ContextOverflow, match=r"the window of tiny is 4096, even with the context cut to 45%") as caught:
        shrink_once(attempt, "context")
    assert scales == [1.0, pytest.approx(0.45)] and caught.value.hint == "send less"


def test_an_overflow_without_numbers_is_not_retried() -> None:
    calls: list[float] = []

    def attempt(scale: float) -> str:
        calls.append(scale)
        raise refused(None, None, 3000)

    with pytest.raises(PromptOverflow):
        shrink_once(attempt, "context")
    assert calls == [1.0]
