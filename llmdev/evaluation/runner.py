"""Score mined tasks per model, store each result as soon as it exists, and pick up an interrupted
run where it stopped."""

from __future__ import annotations

from dataclasses import dataclass, field
from contextlib import nullcontext
from typing import TYPE_CHECKING, Callable, ContextManager, Protocol, Sequence

from llmdev.errors import ModelError
from llmdev.evaluation.mining import EDIT, LOCALISATION, Task
from llmdev.evaluation.store import Result, Run, finish_run, open_run, save_result
from llmdev.evaluation.tasks import CONTEXT_MODEL, EvalContext, run_task

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.discovery import Repository

MAX_MODEL_ERRORS = 3  # in a row: the model is down, stop asking it (the run resumes later)


class ProgressSink(Protocol):
    """What the runner reports through (console.progress gives one)."""

    def advance(self, amount: float = 1) -> None: ...


class _NoProgress:
    def advance(self, amount: float = 1) -> None:
        pass


Progress = Callable[[str, int], ContextManager[ProgressSink]]  # (model, tasks to do) -> a progress bar


@dataclass
class RunSummary:
    model: str
    run_id: int
    tasks: int  # in this run, done earlier included
    resumed: int = 0  # done before this invocation
    results: list[Result] = field(default_factory=list)  # scored in this invocation
    stopped: str | None = None  # why the run stopped early (it resumes next time)

    def mean(self, kind: str | None = None) -> float | None:
        scores = [r.score for r in self.results if r.status == "ok" and r.score is not None and kind in (None, r.kind)]
        return sum(scores) / len(scores) if scores else None

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


@dataclass
class EvalOptions:
    models: list[str]  # resolved model references
    fresh: bool = False  # start new runs even where an unfinished one could be resumed
    progress: Progress | None = None
    edit_formats: list[str] = field(default_factory=list)  # edit tasks once per format, to compare them


def _head(repo: "Repository") -> str | None:
    return repo.head_sha()


def plan_runs(tasks: Sequence[Task], models: Sequence[str], edit_formats: Sequence[str] = ()) -> list[tuple[str, list[Task]]]:
    """(model, its tasks): localisation needs no model; the other kinds run on each model, edit
    tasks once per edit format when formats are given (as `model [format]`)."""
    from llmdev.evaluation.editing import format_label

    plans: list[tuple[str, list[Task]]] = []
    local = [t for t in tasks if t.kind == LOCALISATION]
    if local:
        plans.append((CONTEXT_MODEL, local))
    edits = [t for t in tasks if t.kind == EDIT] if edit_formats else []
    needing = [t for t in tasks if t.kind != LOCALISATION and not (edit_formats and t.kind == EDIT)]
    if needing:
        plans += [(model, needing) for model in models]
    plans += [(format_label(model, f), edits) for model in models for f in edit_formats if edits]
    return plans


def run_model(repo: "Repository", model: str, tasks: list[Task], ctx: EvalContext, options: EvalOptions) -> RunSummary:
    from llmdev import __version__

    kinds = sorted({t.kind for t in tasks})
    run, done = open_run(str(repo.root), model, kinds, fresh=options.fresh, head=_head(repo), version=__version__)
    pending = [t for t in tasks if t.id not in done]
    summary = RunSummary(model, run.id, len(tasks), resumed=len(tasks) - len(pending))
    bar: ContextManager[ProgressSink] = options.progress(model, len(pending)) if options.progress else nullcontext(_NoProgress())
    with bar as sink:
        summary.stopped = _run_pending(run, pending, model, ctx, summary, sink)
    if summary.stopped is None:
        finish_run(run)
    return summary


def _run_pending(run: "Run", pending: list[Task], model: str, ctx: EvalContext, summary: RunSummary, sink: ProgressSink) -> str | None:
    """Score and store each task; why it stopped early, or None when all are done."""
    errors_in_row = 0
    for task in pending:
        try:
            result = run_task(task, model, ctx)
            errors_in_row = 0
        except ModelError as exc:
            result = Result(task.id, task.kind, task.sha, task.time, "error", reason=str(exc))
            errors_in_row += 1
        save_result(run, result)
        summary.results.append(result)
        sink.advance()
        if errors_in_row >= MAX_MODEL_ERRORS:
            return f"{MAX_MODEL_ERRORS} model errors in a row; the last: {result.reason}"
    return None


def run_eval(repo: "Repository", config: "LoadedConfig", tasks: Sequence[Task], options: EvalOptions) -> list[RunSummary]:
    """Every task on every model that it needs, one model after the other."""
    from llmdev.evaluation.scratch import ScratchCheckout

    ctx = EvalContext(config, ScratchCheckout(repo))
    return [run_model(repo, model, list(model_tasks), ctx, options) for model, model_tasks in plan_runs(tasks, options.models, options.edit_formats)]
