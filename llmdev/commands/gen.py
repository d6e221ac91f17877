"""`llmdev gen`: change code as instructed; the edits are shown as a diff and written only all together."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from llmdev.commands.common import MODEL_OPTION, load, model_flag

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.edits.request import GenContext

YES_OPTION = typer.Option(False, "--yes", "-y", help="Write the changes without asking.")
NO_APPLY_OPTION = typer.Option(False, "--dry-run", "--no-apply", help="Ask the model and show the diff; write nothing.")
SHOW_PROMPT_OPTION = typer.Option(
    False, "--show-prompt", help="Print exactly what would be sent, and to which model; send nothing."
)
ALLOW_DIRTY_OPTION = typer.Option(False, "--allow-dirty", help="Also edit files that have uncommitted changes.")


class ModelCaller:
    """Sends a command's prompts; shared by gen, debug and explain."""

    def __init__(self, command: str, config: "LoadedConfig", flag: str | None, files: list[str]) -> None:
        self.command = command
        self.config = config
        self.flag = flag
        self.files = files
        self._noted = False

    def prepare(self, messages: list["Message"]) -> "PreparedCall":
        from llmdev import console
        from llmdev.calls import default_options, prepare

        options = default_options(self.config.settings)
        prepared = prepare(self.command, messages, self.config, model_flag=self.flag, files=self.files, options=options)
        if not self._noted:
            for note in prepared.notes:
                console.warning(note)
            self._noted = True
        return prepared

    def print_dry_run(self, messages: list["Message"]) -> None:
        from llmdev import console
        from llmdev.calls import describe_dry_run

        console.print_out(json.dumps(describe_dry_run(self.prepare(messages)), indent=2) + "\n")

    def ask(self, messages: list["Message"]) -> str:
        from llmdev import console
        from llmdev.calls import execute

        prepared = self.prepare(messages)
        with console.spinner(f"asking {prepared.model} (~{prepared.estimated_input_tokens} tokens)"):
            result = execute(prepared, self.config)
        for warning in result.warnings:
            console.warning(warning)
        usage = result.usage
        console.detail(f"{result.model}: {usage.input_tokens} in, {usage.output_tokens} out, {usage.duration_s:.2f}s")
        console.detail(result.text)
        return result.text


def report_proposal(proposed: "ProposedEdits") -> None:
    """What the feedback rounds did and which syntax errors remain, on stderr."""
    from llmdev import console

    for note in proposed.notes:
        console.info(note)
    for problem in proposed.syntax_problems:
        console.warning(problem.describe())


def propose(caller: ModelCaller, messages: list["Message"], root: Path, known_files: list[str], need_edits: bool = True) -> "ProposedEdits":
    """Ask for edits; failed blocks are listed on stderr before the error is raised."""
    from llmdev import console
    from llmdev.edits.conversation import EditsFailed, propose_edits

    try:
        proposed = propose_edits(caller.ask, messages, root, known_files=known_files, need_edits=need_edits)
    except EditsFailed as exc:
        for failure in exc.failures:
            console.info(failure)
        raise
    report_proposal(proposed)
    return proposed


def gen_messages(root: Path, instruction: str, context: "GenContext") -> list["Message"]:
    from llmdev.prompting import build_messages, render

    return build_messages(
        "gen",
        root,
        edit_format=render("gen", "format", root) or "",
        instruction=instruction,
        files=context.files_text or "(none)",
        repo_map=context.repo_map or "(none)",
        new_files=", ".join(context.new_files) or "none",
    )


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
    from llmdev import console
    from llmdev.edits.request import gather_gen_context
    from llmdev.edits.workflow import ApplyOptions, refuse_dirty, review_and_apply
    from llmdev.errors import UsageError
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

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
    settings = config.settings.gen
    context = gather_gen_context(repo, instruction, paths, context_tokens=settings.context_tokens, map_tokens=settings.map_tokens)
    if context.added:
        console.info(f"added to the context: {', '.join(context.added)}")
    messages = gen_messages(repo.root, instruction.strip(), context)
    caller = ModelCaller("gen", config, model_flag(ctx, model), context.files)
    if show_prompt:
        caller.print_dry_run(messages)
        return
    proposed = propose(caller, messages, repo.root, list_files(repo).paths())
    message = proposed.commit_message or instruction.strip().splitlines()[0][:72]
    review_and_apply(repo, proposed.plan.changes, options, summary=instruction.strip(), command="gen", commit_message=message)


def register(app: typer.Typer) -> None:
    app.command("gen")(gen)
