"""`llmdev gen`: change code as instructed; the edits are shown as a diff and written only all together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

import typer

from llmdev.commands.common import MODEL_OPTION, load, model_flag

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.loader import LoadedConfig
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.edits.generate import ModelCaller
    from llmdev.repo.discovery import Repository

YES_OPTION = typer.Option(False, "--yes", "-y", help="Write the changes without asking.")
NO_APPLY_OPTION = typer.Option(False, "--dry-run", "--no-apply", help="Ask the model and show the diff; write nothing.")
SHOW_PROMPT_OPTION = typer.Option(
    False, "--show-prompt", help="Print exactly what would be sent, and to which model; send nothing."
)
ALLOW_DIRTY_OPTION = typer.Option(False, "--allow-dirty", help="Also edit files that have uncommitted changes.")


@dataclass
class GenRequest:
    """One instruction, sent with its context built within the budgets times a scale."""

    repo: "Repository"
    config: "LoadedConfig"
    flag: str | None
    instruction: str
    paths: list[str]
    caller: "ModelCaller | None" = None

    def prepare(self, scale: float) -> tuple["ModelCaller", list["Message"]]:
        from llmdev import console
        from llmdev.edits.generate import ModelCaller, chosen_format
        from llmdev.edits.request import gen_request

        edit_format = chosen_format("gen", self.config, self.flag)
        context, messages = gen_request(self.repo, self.config, self.instruction, self.paths, edit_format, scale)
        if context.added:
            console.info(f"added to the context: {', '.join(context.added)}")
        if self.caller is None:
            self.caller = ModelCaller("gen", self.config, self.flag, context.files)
        self.caller.files = context.files  # one caller, so its notes are shown once however often it asks
        return self.caller, messages

    def propose(self, scale: float) -> "ProposedEdits":
        from llmdev.edits.generate import propose
        from llmdev.repo.files import list_files

        caller, messages = self.prepare(scale)
        return propose(caller, messages, self.repo.root, list_files(self.repo).paths())


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
) -> None:
    """Change code as instructed: see the diff, then write every file or none (`llmdev undo` reverts)."""
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
