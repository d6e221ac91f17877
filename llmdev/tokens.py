"""Token estimates that err on the high side, so budgets are never overrun."""

from __future__ import annotations

import math
from typing import Callable, Iterable, TypeVar

Item = TypeVar("Item")

CHARS_PER_TOKEN = 3.5
PER_MESSAGE_TOKENS = 4


def estimate_tokens(text: str) -> int:
    """ceil(chars / 3.5): slightly over the true count for code in Llama 3 and GPT-4o tokenizers."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_message_tokens(contents: Iterable[str]) -> int:
    return sum(estimate_tokens(c) + PER_MESSAGE_TOKENS for c in contents) + 3


def fill_budget(
    items: Iterable[Item], char_budget: int, *, path: Callable[[Item], str], cost: Callable[[Item], int], header_cost: Callable[[str], int]
) -> list[Item]:
    """`items` (best first) while they fit in `char_budget` characters; each file's header is paid
    with its first item. An item that does not fit is skipped: a smaller one after it may fit."""
    chosen: list[Item] = []
    opened: set[str] = set()
    used = 0
    for item in items:
        where = path(item)
        price = cost(item) + (0 if where in opened else header_cost(where))
        if used + price > char_budget:
            continue
        used += price
        opened.add(where)
        chosen.append(item)
    return chosen
