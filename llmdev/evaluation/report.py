"""What the stored evaluation results say: per model and task kind, each run's score, cost and time,
so a model's trend over time and its score against its cost can be read off."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmdev.evaluation.store import Result, Run


@dataclass
class RunRow:
    """One run's results of one kind."""

    run_id: int
    model: str
    kind: str
    started_at: float
    finished: bool
    tasks: int = 0
    scored: int = 0
    skipped: int = 0
    errors: int = 0
    mean_score: float | None = None
    cost_usd: float | None = 0.0  # None: some calls had no price
    input_tokens: int = 0
    output_tokens: int = 0
    model_s: float = 0.0
    work_s: float = 0.0

    @property
    def day(self) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(self.started_at))

    @property
    def cost_per_task(self) -> float | None:
        return None if self.cost_usd is None or not self.scored else self.cost_usd / self.scored

    def per_task(self, seconds: float) -> float:
        return seconds / self.tasks if self.tasks else 0.0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(day=self.day, cost_per_task=self.cost_per_task, model_s_per_task=round(self.per_task(self.model_s), 4),
                    work_s_per_task=round(self.per_task(self.work_s), 4))
        return data


@dataclass
class EvalReport:
    repo: str | None
    rows: list[RunRow] = field(default_factory=list)  # oldest first

    def series(self) -> dict[tuple[str, str], list[RunRow]]:
        """(model, kind) -> its runs with at least one score, oldest first."""
        found: dict[tuple[str, str], list[RunRow]] = {}
        for row in self.rows:
            if row.mean_score is not None:
                found.setdefault((row.model, row.kind), []).append(row)
        return found

    def latest(self) -> list[RunRow]:
        return [runs[-1] for _, runs in sorted(self.series().items())]

    def as_json(self) -> dict[str, Any]:
        return {"repo": self.repo, "runs": [row.as_json() for row in self.rows]}


def _row(run: "Run", kind: str, results: list["Result"]) -> RunRow:
    row = RunRow(run.id, run.model, kind, run.started_at, run.finished_at is not None, tasks=len(results))
    scores = [r.score for r in results if r.status == "ok" and r.score is not None]
    row.scored, row.mean_score = len(scores), (sum(scores) / len(scores) if scores else None)
    row.skipped = sum(1 for r in results if r.status == "skipped")
    row.errors = sum(1 for r in results if r.status == "error")
    for result in results:
        row.input_tokens += result.input_tokens
        row.output_tokens += result.output_tokens
        row.model_s += result.model_s
        row.work_s += result.work_s
        if result.cost_usd is None or row.cost_usd is None:
            row.cost_usd = None
        else:
            row.cost_usd += result.cost_usd
    return row


def build_report(repo: str | None, since: float | None = None) -> EvalReport:
    from llmdev.evaluation.store import load_runs

    report = EvalReport(repo)
    for run, results in load_runs(repo, since):
        for kind in sorted({r.kind for r in results}):
            report.rows.append(_row(run, kind, [r for r in results if r.kind == kind]))
    return report


def score_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def cost_text(value: float | None) -> str:
    return "?" if value is None else f"${value:.4f}"


def trend_text(runs: list[RunRow], last: int = 5) -> str:
    return " → ".join(score_text(r.mean_score) for r in runs[-last:])


HEADERS = ("model", "task", "runs", "last run", "tasks", "score", "trend", "cost/task", "model s/task", "work s/task")


def table_rows(report: EvalReport) -> list[list[str]]:
    """The latest run of each model and kind, with the trend over its earlier runs."""
    rows = []
    for (model, kind), runs in sorted(report.series().items()):
        last = runs[-1]
        rows.append([
            model, kind, str(len(runs)), last.day + ("" if last.finished else " (unfinished)"),
            f"{last.scored}/{last.tasks}", score_text(last.mean_score), trend_text(runs), cost_text(last.cost_per_task),
            f"{last.per_task(last.model_s):.2f}", f"{last.per_task(last.work_s):.2f}",
        ])
    return rows


def render_markdown(report: EvalReport) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(report)]
    return "\n".join(lines) + "\n"
