"""Token estimates and filling a character budget."""

from __future__ import annotations

from llmdev.tokens import estimate_tokens, fill_budget


def test_estimates_round_up() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 2


def test_fill_budget_pays_each_header_once_and_skips_what_does_not_fit() -> None:
    items = [("a.py", 10), ("a.py", 10), ("b.py", 50), ("c.py", 5)]
    chosen = fill_budget(items, 40, path=lambda i: i[0], cost=lambda i: i[1], header_cost=lambda p: 6)
    # a.py: 6 + 10, then 10 more (header paid) = 26; b.py would need 56 in all; c.py: 6 + 5 = 37
    assert chosen == [("a.py", 10), ("a.py", 10), ("c.py", 5)]
    assert fill_budget(items, 5, path=lambda i: i[0], cost=lambda i: i[1], header_cost=lambda p: 6) == []
