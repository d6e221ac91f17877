"""Token estimates that err on the high side, so budgets are never overrun."""

from __future__ import annotations

import math
from typing import Iterable

CHARS_PER_TOKEN = 3.5
PER_MESSAGE_TOKENS = 4


def estimate_tokens(text: str) -> int:
    """ceil(chars / 3.5): slightly over the true count for code in Llama 3 and GPT-4o tokenizers."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def estimate_message_tokens(contents: Iterable[str]) -> int:
    return sum(estimate_tokens(c) + PER_MESSAGE_TOKENS for c in contents) + 3
