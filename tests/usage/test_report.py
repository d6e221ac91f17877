"""`llmdev usage` numbers: groups, totals, and what local traffic would have cost remotely."""

from __future__ import annotations

from datetime import datetime

import pytest

from llmdev.config.schema import Settings, UsageConfig
from llmdev.errors import UsageError
from llmdev.usage.report import parse_since, summarize
from llmdev.usage.store import UsageRow

NOON = datetime(2026, 5, 10, 12, 0).timestamp()


def _row(command: str, model: str, remote: bool, cost: float | None, day: str = "2026-05-10", ok: bool = True) -> UsageRow:
    return UsageRow(NOON, day, "run", "/r", command, model, "x", remote, 1_000_000, 0, 100_000, 2.0, None, cost, ok)


ROWS = [
    _row("ask", "ollama/llama3.1:8b", False, 0.0),
    _row("review", "ollama/llama3.1:8b", False, 0.0, day="2026-05-11", ok=False),
    _row("review", "openai/gpt-4o", True, 3.5),
    _row("review", "cluster/big", True, None),
]


def test_groups_by_model_with_totals() -> None:
    groups, total = summarize(ROWS, "model", Settings())
    assert [g.key for g in groups] == ["cluster/big", "ollama/llama3.1:8b", "openai/gpt-4o"]
    local = groups[1]
    assert (local.calls, local.failed, local.input_tokens, local.local_calls) == (2, 1, 2_000_000, 2)
    assert local.local_as_remote_usd == pytest.approx(2 * (2.5 + 0.1 * 10))  # priced as gpt-4o
    assert (total.calls, total.cost_usd, total.unpriced_calls, total.avg_latency_s) == (4, 3.5, 1, 2.0)


def test_groups_by_command_and_day() -> None:
    assert [g.key for g in summarize(ROWS, "command", Settings())[0]] == ["ask", "review"]
    assert [(g.key, g.calls) for g in summarize(ROWS, "day", Settings())[0]] == [("2026-05-10", 3), ("2026-05-11", 1)]


def test_the_comparison_model_is_configurable() -> None:
    settings = Settings(usage=UsageConfig(compare_with="gpt4o-mini"))
    _, total = summarize(ROWS, "model", settings)
    assert total.local_as_remote_usd == pytest.approx(2 * (0.15 + 0.1 * 0.6))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01", datetime(2026, 5, 1).timestamp()),
        ("2026-05-01T09:30", datetime(2026, 5, 1, 9, 30).timestamp()),
        ("today", datetime(2026, 5, 10).timestamp()),
        ("yesterday", datetime(2026, 5, 9).timestamp()),
        ("12h", NOON - 12 * 3600),
        ("7d", NOON - 7 * 86400),
        ("2w", NOON - 14 * 86400),
    ],
)
def test_since_accepts_dates_and_spans(text: str, expected: float) -> None:
    assert parse_since(text, now=NOON) == expected


def test_an_unreadable_since_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot read --since 'last tuesday'"):
        parse_since("last tuesday")
