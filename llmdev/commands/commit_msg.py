"""`llmdev commit-msg`: a commit message for the staged change."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag


def commit_msg(
    ctx: typer.Context,
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    """Write a commit message for the staged changes to stdout.

    Use it as the start of your message: git commit -e -m "$(llmdev commit-msg)"
    """
    from llmdev import console
    from llmdev.calls import describe_dry_run
    from llmdev.hooks.message import prepare_message, write_message
    from llmdev.repo.discovery import open_repository

    config = load(ctx)
    request = prepare_message(open_repository(config.repo_root), config, model_flag(ctx, model))
    for note in request.call.notes:
        console.warning(note)
    if request.omitted:
        console.warning(f"{len(request.omitted)} file(s) left out of the prompt to fit the model's window: {', '.join(request.omitted)}")
    if dry_run:
        console.print_json(describe_dry_run(request.call))
        return
    with console.spinner(f"writing a commit message with {request.call.model}"):
        message = write_message(request, config)
    console.print_text(message)


def register(app: typer.Typer) -> None:
    app.command("commit-msg")(commit_msg)
