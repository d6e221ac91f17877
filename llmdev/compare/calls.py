"""Measure the model calls a piece of work makes, through the same `model_call_finished` hook the
usage log uses, so review, gen or commit-msg need no change to be measured."""

from __future__ import annotations

from contextvars import ContextVar
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import CallRecord
    from llmdev.config.schema import Settings

OBSERVER_NAME = "llmdev.compare.calls"
# Each thread collects its own calls (compare --parallel); threads a piece of work starts for its own
# requests (a split review) run in a copy of its context, so their calls land in the same list.
_records: ContextVar["list[CallRecord] | None"] = ContextVar("compare_call_records", default=None)


class _Observer:
    @hookimpl
    def model_call_finished(self, record: "CallRecord") -> None:
        sink = _records.get()
        if sink is not None:
            sink.append(record)


_OBSERVER = _Observer()


def _ensure_registered() -> None:
    from llmdev.plugins import plugin_state

    manager = plugin_state().manager
    if not manager.is_registered(_OBSERVER):
        manager.register(_OBSERVER, name=OBSERVER_NAME)


@contextmanager
def collect_calls() -> Iterator[list["CallRecord"]]:
    """Every model call finished inside the block (in this thread, or threads it started with its context), in order."""
    _ensure_registered()
    records: list[CallRecord] = []
    token = _records.set(records)
    try:
        yield records
    finally:
        _records.reset(token)


@dataclass
class CallMetrics:
    """What a task's model calls took and cost, summed over its requests."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    model_s: float = 0.0  # seconds waiting for the model
    first_token_s: float | None = None  # of the first request
    cost_usd: float | None = 0.0  # None: a remote model with no price
    failed: int = 0
    generating_s: float = 0.0  # seconds from each request's first token to its end

    @property
    def tokens_per_s(self) -> float | None:
        """Output tokens per second of generation (from the first token on, where the server tells)."""
        return self.output_tokens / self.generating_s if self.output_tokens and self.generating_s > 0 else None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["tokens_per_s"] = None if self.tokens_per_s is None else round(self.tokens_per_s, 2)
        return data


def summarize_calls(records: Sequence["CallRecord"], settings: "Settings") -> CallMetrics:
    from llmdev.usage.prices import call_cost

    metrics = CallMetrics()
    for record in records:
        usage = record.usage
        metrics.requests += 1
        metrics.failed += 0 if record.ok else 1
        metrics.input_tokens += usage.input_tokens
        metrics.output_tokens += usage.output_tokens
        metrics.model_s += record.duration_s
        metrics.generating_s += max(record.duration_s - (usage.first_token_s or 0.0), 0.0)
        if metrics.first_token_s is None and usage.first_token_s is not None:
            metrics.first_token_s = usage.first_token_s
        cost = call_cost(record.model, record.remote, usage, settings)
        metrics.cost_usd = None if cost is None or metrics.cost_usd is None else metrics.cost_usd + cost
    return metrics
