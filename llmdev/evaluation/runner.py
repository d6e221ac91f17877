"""Score mined tasks per model, store each result as soon as it exists, and pick up an interrupted
run where it stopped."""

from __future__ import annotations

import queue
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ContextManager, Iterator, Protocol, Sequence

from llmdev.errors import ModelError
from llmdev.evaluation.mining import EDIT, LOCALISATION, Task
from llmdev.evaluation.store import Result, Run, finish_run, open_run, save_result
from llmdev.evaluation.tasks import CONTEXT_MODEL, EvalContext, run_task

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings
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
    locate: bool = False  # localisation tasks also model-assisted, once per model (as `model [locate]`)


def _head(repo: "Repository") -> str | None:
    return repo.head_sha()


def plan_runs(
    tasks: Sequence[Task], models: Sequence[str], edit_formats: Sequence[str] = (), locate: bool = False
) -> list[tuple[str, list[Task]]]:
    """(model, its tasks): localisation needs no model, and with `locate` runs model-assisted on each
    model too (as `model [locate]`); the other kinds run on each model, edit tasks once per edit
    format when formats are given (as `model [format]`)."""
    from llmdev.evaluation.editing import format_label
    from llmdev.evaluation.localisation import locate_label

    plans: list[tuple[str, list[Task]]] = []
    local = [t for t in tasks if t.kind == LOCALISATION]
    if local:
        plans.append((CONTEXT_MODEL, local))
        plans += [(locate_label(model), local) for model in models if locate]
    edits = [t for t in tasks if t.kind == EDIT] if edit_formats else []
    needing = [t for t in tasks if t.kind != LOCALISATION and not (edit_formats and t.kind == EDIT)]
    if needing:
        plans += [(model, needing) for model in models]
    plans += [(format_label(model, f), edits) for model in models for f in edit_formats if edits]
    return plans


def parallel_tasks(model: str, settings: "Settings") -> int:
    """How many of a model's tasks run at once: its provider's request limit (localisation: one)."""
    from llmdev.backends.registry import resolve_model
    from llmdev.concurrency import provider_limit
    from llmdev.evaluation.editing import split_label
    from llmdev.evaluation.localisation import located_model

    if model == CONTEXT_MODEL:
        return 1
    name = located_model(model) or split_label(model)[0]
    return provider_limit(resolve_model(name, settings).provider, settings)


class _Checkouts:
    """One scratch checkout per task running at once: a task checks out the commit it needs."""

    def __init__(self, first: EvalContext) -> None:
        self.first = first
        self.made = [first]
        self.free: queue.Queue[EvalContext] = queue.Queue()
        self.free.put(first)
        self.lock = threading.Lock()

    @contextmanager
    def take(self) -> Iterator[EvalContext]:
        from llmdev.evaluation.scratch import ScratchCheckout

        try:
            ctx = self.free.get_nowait()
        except queue.Empty:
            with self.lock:
                ctx = EvalContext(self.first.config, ScratchCheckout(self.first.scratch.source, slot=len(self.made)))
                self.made.append(ctx)
        try:
            yield ctx
        finally:
            self.free.put(ctx)


def run_model(repo: "Repository", model: str, tasks: list[Task], checkouts: _Checkouts, options: EvalOptions) -> RunSummary:
    from llmdev import __version__

    kinds = sorted({t.kind for t in tasks})
    run, done = open_run(str(repo.root), model, kinds, fresh=options.fresh, head=_head(repo), version=__version__)
    pending = [t for t in tasks if t.id not in done]
    summary = RunSummary(model, run.id, len(tasks), resumed=len(tasks) - len(pending))
    bar: ContextManager[ProgressSink] = options.progress(model, len(pending)) if options.progress else nullcontext(_NoProgress())
    workers = parallel_tasks(model, checkouts.first.config.settings)
    with bar as sink:
        summary.stopped = _run_pending(run, pending, model, checkouts, summary, sink, workers)
    if summary.stopped is None:
        finish_run(run)
    return summary


class _TooManyErrors(Exception):
    pass


def _score(task: Task, model: str, checkouts: _Checkouts) -> Result:
    with checkouts.take() as ctx:
        try:
            return run_task(task, model, ctx)
        except ModelError as exc:
            return Result(task.id, task.kind, task.sha, task.time, "error", reason=str(exc))


def _run_pending(
    run: "Run", pending: list[Task], model: str, checkouts: _Checkouts, summary: RunSummary, sink: ProgressSink, workers: int
) -> str | None:
    """Score the tasks, `workers` at a time, storing each result as it ends; why it stopped early, or None."""
    from llmdev.concurrency import run_ordered

    errors_in_row = 0

    def store(_index: int, result: Result) -> None:
        nonlocal errors_in_row
        save_result(run, result)
        summary.results.append(result)
        sink.advance()
        errors_in_row = errors_in_row + 1 if result.status == "error" else 0
        if errors_in_row >= MAX_MODEL_ERRORS:
            raise _TooManyErrors(f"{MAX_MODEL_ERRORS} model errors in a row; the last: {result.reason}")

    order = {task.id: index for index, task in enumerate(pending)}
    try:
        run_ordered(lambda task: _score(task, model, checkouts), pending, workers, store)
    except _TooManyErrors as stop:
        return str(stop)
    finally:
        summary.results.sort(key=lambda result: order[result.task_id])  # task order, however they ended
    return None


def run_eval(repo: "Repository", config: "LoadedConfig", tasks: Sequence[Task], options: EvalOptions) -> list[RunSummary]:
    """Every task on every model that it needs, one model after the other; a model's tasks run as
    many at once as its provider allows."""
    from llmdev.evaluation.scratch import ScratchCheckout

    checkouts = _Checkouts(EvalContext(config, ScratchCheckout(repo)))
    plans = plan_runs(tasks, options.models, options.edit_formats, options.locate)
    return [run_model(repo, model, list(model_tasks), checkouts, options) for model, model_tasks in plans]
