"""`llmdev gen`: change code as instructed; the edits are shown as a diff and written only all together."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev.commands.common import LOCATE_OPTION, MODEL_OPTION, LocateMode, apply_locate, load, model_flag

YES_OPTION = typer.Option(False, "--yes", "-y", help="Write the changes without asking.")
NO_APPLY_OPTION = typer.Option(False, "--dry-run", "--no-apply", help="Ask the model and show the diff; write nothing.")
SHOW_PROMPT_OPTION = typer.Option(
    False, "--show-prompt", help="Print exactly what would be sent, and to which model; send nothing."
)
ALLOW_DIRTY_OPTION = typer.Option(False, "--allow-dirty", help="Also edit files that have uncommitted changes.")


def gen(
    ctx: typer.Context,
    instruction: str = typer.Argument(..., help="The change to make, e.g. 'add a --json flag to the list command'."),
    files: Optional[list[str]] = typer.Argument(None, help="Files to edit (shown whole); default: the best-ranked files."),
    model: Optional[str] = MODEL_OPTION,
    show_prompt: bool = SHOW_PROMPT_OPTION,
    yes: bool = YES_OPTION,
    no_apply: bool = NO_APPLY_OPTION,
    patch: bool = typer.Option(False, "--patch", help="Print the change as a patch for `git apply`; write nothing."),
    commit: bool = typer.Option(False, "--commit", help="Commit the change with a generated message."),
    allow_dirty: bool = ALLOW_DIRTY_OPTION,
    locate: Optional[LocateMode] = LOCATE_OPTION,
) -> None:
    """Change code as instructed: see the diff, then write every file or none (`llmdev undo` reverts)."""
    from llmdev.edits.generate import GenRequest
    from llmdev.edits.workflow import ApplyOptions, refuse_dirty, review_and_apply
    from llmdev.errors import UsageError
    from llmdev.overflow import shrink_once
    from llmdev.repo.discovery import open_repository

    if not instruction.strip():
        raise UsageError("the instruction is empty", 'say what to change: llmdev gen "rename foo to bar" src/app.py')
    if patch and commit:
        raise UsageError("--patch writes nothing, so there is nothing to --commit", "use one of them")
    repo = open_repository()
    config = load(ctx)
    apply_locate(config, locate)
    paths = [repo.relative(f) for f in files or []]
    options = ApplyOptions(yes=yes, no_apply=no_apply, patch=patch, commit=commit, allow_dirty=allow_dirty)
    if not (show_prompt or patch or no_apply):
        refuse_dirty(repo, paths, options)  # before paying for a model call
    flag = model_flag(ctx, model)
    request = GenRequest(repo, config, flag, instruction, paths)
    if show_prompt:
        caller, messages = request.prepare(1.0)
        caller.print_dry_run(messages)
        return
    if paths and not config.settings.gen.map_tokens:
        proposed = request.propose(1.0)  # named files are sent whole: nothing to shrink
    else:
        proposed = shrink_once(request.propose, "file context and repository map")
    message = proposed.commit_message or instruction.strip().splitlines()[0][:72]
    review_and_apply(repo, proposed.plan.changes, options, summary=instruction.strip(), command="gen", commit_message=message)


def register(app: typer.Typer) -> None:
    app.command("gen")(gen)
