"""`llmdev debug`: run a failing command (or read its output), find the root cause, and with --fix
apply the model's fix and re-run until it passes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag
from llmdev.commands.gen import ALLOW_DIRTY_OPTION, YES_OPTION

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.loader import LoadedConfig
    from llmdev.debug.context import FailureContext
    from llmdev.debug.session import Failure, SessionResult
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.edits.plan import FileChange
    from llmdev.edits.workflow import ApplyOptions
    from llmdev.repo.discovery import Repository


class FixSteps:
    """The model and apply steps of a debugging session, as the command runs them."""

    def __init__(self, repo: "Repository", config: "LoadedConfig", flag: str | None, files: list[str], fix: bool, options: "ApplyOptions") -> None:
        self.repo, self.config, self.flag, self.files, self.fix, self.options = repo, config, flag, files, fix, options
        self.label = ""

    def propose(self, messages: list["Message"], context: "FailureContext") -> "ProposedEdits":
        from llmdev.debug.diagnosis import diagnose
        from llmdev.edits.generate import ModelCaller

        caller = ModelCaller("debug", self.config, self.flag, context.files)
        return diagnose(caller, messages, self.repo.root, self.files, need_fix=self.fix)

    def apply(self, changes: Sequence["FileChange"], proposed: "ProposedEdits") -> bool:
        from llmdev import console
        from llmdev.edits.workflow import review_and_apply, show_diff

        if not self.fix:
            show_diff(changes)
            console.info("run again with --fix to apply this and re-run the command")
            return False
        summary = proposed.commit_message or f"debug fix for {self.label}"
        applied = review_and_apply(self.repo, changes, self.options, summary=summary, command="debug").applied
        self.options.own_paths.update(c.path for c in changes)
        return applied


def report(result: "SessionResult", failure: "Failure", fix: bool) -> None:
    """Whether the command passes at the end; a command that still fails is exit status 1."""
    from llmdev import console
    from llmdev.errors import LlmdevError

    if result.passed:
        console.success(f"{failure.label} passes after {result.rounds} round(s) of fixes")
    elif result.passed is False:
        raise LlmdevError(
            f"{failure.label} still fails after {result.rounds} round(s)",
            "the fixes stay written; `llmdev undo` reverts them one round at a time",
        )
    elif fix and result.applied and failure.command is None:
        console.info("fix written; there is no command to re-run, so it is not verified")


def debug(
    ctx: typer.Context,
    command: Optional[list[str]] = typer.Argument(None, help="The failing command, after `--`."),
    log: Optional[Path] = typer.Option(None, "--log", help="Read the failure from this file instead of running a command."),
    fix: bool = typer.Option(False, "--fix", help="Apply the fix (after showing it) and re-run the command to verify."),
    max_rounds: Optional[int] = typer.Option(None, "--max-rounds", min=1, max=10, help="Fix-and-re-run rounds with --fix (default 3)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", min=1, help="Seconds the command may run (default 300)."),
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    yes: bool = YES_OPTION,
    allow_dirty: bool = ALLOW_DIRTY_OPTION,
) -> None:
    """Find why a command fails: `llmdev debug -- pytest -x`, `--log FILE`, or output on stdin."""
    from llmdev import console
    from llmdev.debug.session import DebugSession, read_failure
    from llmdev.edits.generate import ModelCaller, chosen_format
    from llmdev.edits.workflow import ApplyOptions
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    repo = open_repository()
    config = load(ctx)
    settings = config.settings.debug
    failure = read_failure(repo, list(command or []), log, timeout or settings.timeout)
    if failure is None:
        console.success("the command passes; nothing to debug")
        return
    files = list_files(repo).paths()
    session = DebugSession(repo, files, timeout or settings.timeout, settings.output_chars, Path.cwd(), settings=config.settings)
    session.edit_format = chosen_format("debug", config, model_flag(ctx, model))
    if dry_run:
        context = session.context(failure)
        ModelCaller("debug", config, model_flag(ctx, model), context.files).print_dry_run(session.messages(failure, context))
        return
    steps = FixSteps(repo, config, model_flag(ctx, model), files, fix, ApplyOptions(yes=yes, allow_dirty=allow_dirty))
    steps.label = failure.label
    result = session.fix(failure, steps.propose, steps.apply, (max_rounds or settings.max_rounds) if fix else 1)
    report(result, failure, fix)


def register(app: typer.Typer) -> None:
    app.command("debug", context_settings={"allow_interspersed_args": False})(debug)
