"""`llmdev usage` numbers: logged calls grouped by model, command or day."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterable

from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.config.schema import Settings
    from llmdev.usage.store import UsageRow

GROUPINGS: dict[str, Callable[["UsageRow"], str]] = {
    "model": lambda row: row.model,
    "command": lambda row: row.command,
    "day": lambda row: row.day,
}
RELATIVE = re.compile(r"^(\d+)([hdw])$")


def parse_since(text: str, now: float | None = None) -> float:
    """A timestamp from `2026-05-01`, `2026-05-01T09:30`, `today`, `yesterday`, `12h`, `7d` or `2w`."""
    current = datetime.fromtimestamp(now if now is not None else time.time())
    midnight = current.replace(hour=0, minute=0, second=0, microsecond=0)
    value = text.strip().lower()
    if value in ("today", "yesterday"):
        return (midnight - timedelta(days=1 if value == "yesterday" else 0)).timestamp()
    relative = RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        return (current - timedelta(hours=amount * {"h": 1, "d": 24, "w": 168}[unit])).timestamp()
    try:
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise UsageError(f"cannot read --since '{text}'", "use a date (2026-05-01), today, yesterday, 12h, 7d or 2w") from None


@dataclass
class UsageGroup:
    key: str
    calls: int = 0
    failed: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0  # remote calls with no price in [prices]
    duration_s: float = 0.0
    local_calls: int = 0
    local_as_remote_usd: float = 0.0  # the local calls priced at the comparison model
    estimated_calls: int = 0  # calls whose tokens are llmdev's estimates (the server reported none)

    @property
    def avg_latency_s(self) -> float:
        return self.duration_s / self.calls if self.calls else 0.0

    def add(self, row: "UsageRow", compare_cost: Callable[["UsageRow"], float]) -> None:
        self.calls += 1
        self.failed += 0 if row.ok else 1
        self.input_tokens += row.input_tokens
        self.output_tokens += row.output_tokens
        self.duration_s += row.duration_s
        self.estimated_calls += 1 if row.estimated else 0
        if row.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += row.cost_usd
        if not row.remote:
            self.local_calls += 1
            self.local_as_remote_usd += compare_cost(row)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "calls": self.calls,
            "failed": self.failed,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "unpriced_calls": self.unpriced_calls,
            "avg_latency_s": round(self.avg_latency_s, 3),
            "local_calls": self.local_calls,
            "local_as_remote_usd": round(self.local_as_remote_usd, 6),
            "estimated_calls": self.estimated_calls,
        }


def comparison_model(settings: "Settings") -> str:
    from llmdev.backends.registry import resolve_model
    from llmdev.errors import UnknownModelError

    try:
        return str(resolve_model(settings.usage.compare_with, settings))
    except UnknownModelError:
        return settings.usage.compare_with


def _compare_cost(settings: "Settings", model: str) -> Callable[["UsageRow"], float]:
    from llmdev.usage.prices import price_for, token_cost

    price = price_for(model, settings)
    if price is None:
        return lambda row: 0.0
    return lambda row: token_cost(price, row.input_tokens, row.output_tokens)


def summarize(rows: Iterable["UsageRow"], by: str, settings: "Settings") -> tuple[list[UsageGroup], UsageGroup]:
    """Groups in key order, and the total over all rows."""
    compare = _compare_cost(settings, comparison_model(settings))
    key_of = GROUPINGS[by]
    groups: dict[str, UsageGroup] = {}
    total = UsageGroup("total")
    for row in rows:
        groups.setdefault(key_of(row), UsageGroup(key_of(row))).add(row, compare)
        total.add(row, compare)
    return [groups[key] for key in sorted(groups)], total
