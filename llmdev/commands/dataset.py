"""`llmdev dataset export`: fine-tuning data (chat-format JSONL) from this repository's history."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

import typer

from llmdev.commands.common import load, model_option
from llmdev.dataset.export import TASK_KINDS

DatasetTask = Literal[TASK_KINDS]

dataset_app = typer.Typer(help="Fine-tuning data from this repository's history.", no_args_is_help=True)


@dataset_app.command("export")
def export(
    ctx: typer.Context,
    task: DatasetTask = typer.Option(..., "--task", "-t", help="What the examples teach."),
    since: Optional[str] = typer.Option(None, "--since", help="Only commits since this date: 2026-01-31, 7d, 2w."),
    limit: int = typer.Option(500, "--limit", "-n", min=1, help="Most examples to build, newest commits first."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the JSONL here instead of stdout."),
    model: Optional[str] = model_option("The model whose context window sizes the prompts (default: the configured one)."),
) -> None:
    """Write one JSON line per example: the prompt llmdev builds at a commit, answered by what was really done.

    Examples the privacy rules flag (secrets, private paths) are left out; a summary on stderr says
    what was kept and dropped and why.
    """
    from llmdev import console
    from llmdev.calls import select_model
    from llmdev.commands.common import state
    from llmdev.dataset.export import export_dataset, mine_for
    from llmdev.repo.discovery import open_repository
    from llmdev.usage.report import parse_since

    config = load(ctx)
    repo = open_repository(config.repo_root)
    chosen = model or state(ctx).model or select_model(task, None, config.settings)
    with console.spinner("mining the history"):
        tasks = mine_for(repo, config, task, since=parse_since(since) if since else None, limit=limit)
    handle = output.open("w", encoding="utf-8") if output else None
    try:
        with console.progress(f"building {task} examples", total=len(tasks)) as bar:
            summary = export_dataset(repo, config, task, tasks, handle or _Stdout(), model=chosen, on_example=bar.advance)
    finally:
        if handle is not None:
            handle.close()
    console.info(summary.describe() + (f"; written to {output}" if output else ""))


class _Stdout:
    """Lines to stdout through the console (results go to stdout, status to stderr)."""

    def write(self, text: str) -> int:
        from llmdev import console

        console.print_out(text)
        return len(text)


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset")
