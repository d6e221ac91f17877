"""`llmdev eval`: score models (and llmdev's context) on tasks mined from this repository's history;
`llmdev eval report`: the stored results, their trend and a chart of score against cost."""

from __future__ import annotations

from pathlib import Path
import enum
from typing import TYPE_CHECKING, List, Literal, Optional

import typer

from llmdev.commands.common import LocateMode, load, model_option

if TYPE_CHECKING:
    from llmdev.evaluation.runner import RunSummary

KIND_CHOICES = ("localisation", "review", "commit-msg", "edit")
DEFAULT_KINDS = ("localisation", "review", "commit-msg")
EDIT_FORMAT_CHOICES = ("search-replace", "whole")
REPORT_FORMATS = ("text", "json", "markdown")
TaskKind = enum.Enum("TaskKind", [(kind, kind) for kind in KIND_CHOICES], type=str)  # typer takes lists of Enums, not of Literals
EditFormat = enum.Enum("EditFormat", [(name, name) for name in EDIT_FORMAT_CHOICES], type=str)
ReportFormat = Literal[REPORT_FORMATS]

eval_app = typer.Typer(
    help="Score models on tasks mined from this repository's history; `llmdev eval report` shows the results.",
    invoke_without_command=True,
)


def _chosen_kinds(kinds: list[TaskKind]) -> list[str]:
    return list(dict.fromkeys(kind.value for kind in kinds)) or list(DEFAULT_KINDS)


def _chosen_formats(formats: list[EditFormat]) -> list[str]:
    return list(dict.fromkeys(f.value for f in formats))


def _models(ctx: typer.Context, models: list[str]) -> list[str]:
    from llmdev.backends.registry import resolve_model
    from llmdev.calls import select_model
    from llmdev.commands.common import state

    settings = load(ctx).settings
    chosen = models or [state(ctx).model or select_model("eval", None, settings)]
    return list(dict.fromkeys(str(resolve_model(m, settings)) for m in chosen))


@eval_app.callback()
def evaluate(
    ctx: typer.Context,
    models: Optional[List[str]] = model_option("Model or alias to score; repeat for several (default: the configured model)."),
    kinds: Optional[List[TaskKind]] = typer.Option(None, "--task", "-t", help="Task kind; repeat for several (default: all but edit)."),
    edit_formats: Optional[List[EditFormat]] = typer.Option(None, "--edit-format", help="Run edit tasks in this format; repeat to compare formats (default: each model's own)."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Most tasks of each kind, newest first (default: [eval] limit, 25)."),
    since: Optional[str] = typer.Option(None, "--since", help="Only commits since this date: 2026-01-31, 12h, 7d, 2w."),
    fresh: bool = typer.Option(False, "--fresh", help="Start new runs instead of resuming unfinished ones."),
    locate: Optional[LocateMode] = typer.Option(
        None, "--locate", help="model: score localisation model-assisted on each model too (rows `MODEL [locate]`), beside the lexical row. Default: [context] locate."
    ),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable summary."),
) -> None:
    """Mine tasks from git history, score each model on them (resuming an unfinished run), store the results."""
    if ctx.invoked_subcommand is not None:
        return
    from llmdev import console
    from llmdev.evaluation.mining import mine_tasks
    from llmdev.evaluation.runner import EvalOptions, run_eval
    from llmdev.repo.discovery import open_repository
    from llmdev.usage.report import parse_since

    config = load(ctx)
    repo = open_repository(config.repo_root)
    chosen = _chosen_kinds(list(kinds or []))
    formats = _chosen_formats(list(edit_formats or []))
    with console.spinner("mining tasks from the history"):
        tasks = mine_tasks(repo, config.settings.eval, kinds=chosen, since=parse_since(since) if since else None, limit=limit)
    _report_mined(tasks, chosen)
    located = (locate or config.settings.context.locate) == "model"
    needs_model = any(t.kind != "localisation" or located for t in tasks)
    options = EvalOptions(_models(ctx, list(models or [])) if needs_model else [], fresh=fresh,
                          progress=lambda model, total: console.progress(f"eval {model}", total=total), edit_formats=formats, locate=located)
    summaries = run_eval(repo, config, tasks, options)
    _show(summaries, json_output)


def _report_mined(tasks: list, kinds: list[str]) -> None:
    from collections import Counter

    from llmdev import console

    counts = Counter(t.kind for t in tasks)
    console.info("tasks: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in kinds))
    if not tasks:
        console.warning("no tasks found in this history (see [eval] in `llmdev config show` for what makes one)")


def _show(summaries: list["RunSummary"], json_output: bool) -> None:

    from llmdev import console
    from llmdev.evaluation.report import cost_text, score_text

    for summary in summaries:
        if summary.resumed:
            console.info(f"{summary.model}: resumed run {summary.run_id}; {summary.resumed} task(s) were done before")
        if summary.stopped:
            console.warning(f"{summary.model}: stopped early ({summary.stopped}); `llmdev eval` again resumes it")
    if json_output:
        console.print_json([_summary_json(s) for s in summaries])
        return
    table = console.table("model", "task", "ok", "skip", "error", "score", "cost", "model s", "work s/task")
    _keep_whole(table)
    for summary in summaries:
        for kind in sorted({r.kind for r in summary.results}):
            results = [r for r in summary.results if r.kind == kind]
            costs = [r.cost_usd for r in results]
            cost = None if any(c is None for c in costs) else sum(c or 0.0 for c in costs)
            work = sum(r.work_s for r in results) / len(results)
            table.add_row(console.plain(summary.model), kind, *(str(sum(1 for r in results if r.status == s)) for s in ("ok", "skipped", "error")),
                          score_text(summary.mean(kind)), cost_text(cost), f"{sum(r.model_s for r in results):.1f}", f"{work:.2f}")
    console.print_renderable(table)


def _summary_json(summary: "RunSummary") -> dict:
    from dataclasses import asdict

    return {
        "model": summary.model, "run_id": summary.run_id, "tasks": summary.tasks, "resumed": summary.resumed,
        "stopped": summary.stopped, "mean_score": summary.mean(), "results": [asdict(r) for r in summary.results],
    }


@eval_app.command("report")
def report(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, "--since", help="Only runs since this date: 2026-01-31, 7d, 2w."),
    fmt: ReportFormat = typer.Option("text", "--format", "-f", help="Output format."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write the HTML chart here (default: eval-report.html in the llmdev data dir)."),
    all_repos: bool = typer.Option(False, "--all-repos", help="Runs of every repository, not only this one."),
) -> None:
    """Each model's latest score per task kind, its trend over runs, and an HTML chart of score against cost."""
    import json

    from llmdev import console
    from llmdev.evaluation.chart import write_html
    from llmdev.evaluation.report import HEADERS, build_report, render_markdown, table_rows
    from llmdev.usage.report import parse_since
    from llmdev.usage.store import data_dir

    config = load(ctx)
    repo = None if all_repos or config.repo_root is None else str(_root(config.repo_root))
    built = build_report(repo, parse_since(since) if since else None)
    if not built.rows:
        console.info("no evaluation results yet: run `llmdev eval` first")
        return
    chart = write_html(built, html or data_dir() / "eval-report.html")
    console.info(f"chart: {chart}")
    if fmt == "json":
        console.print_json(built.as_json())
    elif fmt == "markdown":
        console.print_out(render_markdown(built))
    else:
        table = console.table(*HEADERS)
        _keep_whole(table)
        for cells in table_rows(built):
            table.add_row(*(console.plain(cell) for cell in cells))  # a label such as `model [locate]` is not markup
        console.print_renderable(table)


def _keep_whole(table: object) -> None:
    """Model and task names are never wrapped; other columns give way."""
    for column in getattr(table, "columns", [])[:2]:
        column.no_wrap = True


def _root(path: Path) -> Path:
    from llmdev.repo.discovery import open_repository

    return open_repository(path).root


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
