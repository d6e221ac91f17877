"""Run one task on each model, measuring every call it makes; one model failing does not stop the others."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from llmdev.compare.calls import CallMetrics, collect_calls, summarize_calls
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.review.findings import Finding


@dataclass
class ModelOutput:
    """What a task produced on one model; which fields are set depends on the task."""

    text: str = ""  # the answer, message, diagnosis or review summary
    findings: list["Finding"] = field(default_factory=list)
    diff: str = ""  # proposed edits as a unified diff (nothing is written)
    notes: list[str] = field(default_factory=list)  # routing and privacy notes, warnings

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "findings": [f.as_json() for f in self.findings], "diff": self.diff, "notes": self.notes}


TaskRunner = Callable[[str], ModelOutput]  # model reference -> output


@dataclass
class ModelRun:
    model: str  # as named with -m
    resolved: str  # provider/name it resolved to
    ok: bool
    metrics: CallMetrics
    total_s: float  # wall-clock seconds for the whole task, preparation included
    output: ModelOutput = field(default_factory=ModelOutput)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model, "resolved": self.resolved, "ok": self.ok, "error": self.error,
            "metrics": self.metrics.as_json() | {"total_s": round(self.total_s, 4)}, "output": self.output.as_json(),
        }


def run_one(task: TaskRunner, model: str, config: "LoadedConfig") -> ModelRun:
    from llmdev.backends.registry import resolve_model

    resolved = str(resolve_model(model, config.settings))
    started = time.perf_counter()
    with collect_calls() as records:
        try:
            output, error = task(model), None
        except LlmdevError as exc:
            output, error = ModelOutput(), str(exc)
    total = time.perf_counter() - started
    return ModelRun(model, resolved, error is None, summarize_calls(records, config.settings), total, output, error)


def compare_models(
    task: TaskRunner,
    models: Sequence[str],
    config: "LoadedConfig",
    *,
    parallel: bool = False,
    on_done: Callable[[ModelRun], None] | None = None,
) -> list[ModelRun]:
    """The task on every model, results in the order given: one after the other, or all at once
    (each provider still takes no more requests at a time than its `concurrency`)."""
    from llmdev.concurrency import run_ordered

    def done(_index: int, run: ModelRun) -> None:
        if on_done is not None:
            on_done(run)

    return run_ordered(lambda model: run_one(task, model, config), models, len(models) if parallel else 1, done)
