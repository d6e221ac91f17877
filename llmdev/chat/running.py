"""/run: run a command in the repository and, when it fails, offer the failure to `llmdev debug`'s
core — the diagnosis is shown, a proposed fix goes through /edit's confirm-then-write path and the
command is run again to check it."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from llmdev import console
from llmdev.chat.editing import apply_confirmed
from llmdev.chat.session import COMMAND, Turn
from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.chat.session import ChatSession
    from llmdev.debug.context import FailureContext
    from llmdev.debug.runner import CommandRun
    from llmdev.debug.session import Failure
    from llmdev.edits.conversation import ProposedEdits

OUTPUT_IN_HISTORY = 2000  # characters of a failure's output kept in the conversation


def run(session: "ChatSession", argument: str) -> None:
    from llmdev.chat.slash_context import split_arguments
    from llmdev.debug.runner import run_command

    words = split_arguments(argument)
    if not words:
        raise UsageError("/run needs a command", "e.g. /run pytest -x tests/test_app.py")
    timeout = session.settings.debug.timeout
    console.info(f"running {shlex.join(words)} (timeout {timeout:.0f}s)")
    done = run_command(words, cwd=session.repo.root, timeout=timeout)
    session.forget("listing", "symbols")  # the command may have written files
    show_output(done)
    if done.passed:
        console.success(f"{shlex.join(words)} passed")
        return
    console.warning(f"{shlex.join(words)} {done.describe()}")
    if session.ui.confirm("Ask the model to debug this failure?"):
        from llmdev.debug.session import Failure

        debug_failure(session, Failure.from_run(done))


def show_output(done: "CommandRun") -> None:
    if done.output:
        console.print_text(done.output if done.output.endswith("\n") else done.output + "\n")


def debug_failure(session: "ChatSession", failure: "Failure") -> None:
    """One round of `llmdev debug --fix`, with the session's model and the user's confirmation."""
    from llmdev.chat.slash_context import repo_listing
    from llmdev.debug.session import DebugSession
    from llmdev.edits.workflow import ApplyOptions

    settings = session.settings.debug
    files = repo_listing(session, fresh=True).paths()
    debugging = DebugSession(session.repo, files, settings.timeout, settings.output_chars, session.repo.root, settings=session.settings)
    options = ApplyOptions(own_paths=set(session.own_paths))
    diagnoses: list[str] = []

    def propose_fix(messages: list["Message"], context: "FailureContext") -> "ProposedEdits":
        return diagnose(session, messages, context, files, diagnoses)

    def apply(changes: list, proposed: "ProposedEdits") -> bool:  # type: ignore[type-arg]
        summary = proposed.commit_message or f"debug fix for {failure.label}"
        return apply_confirmed(session, changes, summary, options)

    result = debugging.fix(failure, propose_fix, apply, max_rounds=1)
    if result.passed:
        console.success(f"{failure.label} passes now")
    elif result.passed is False:
        console.warning(f"{failure.label} still fails with the fix; /undo reverts it")
    question = f"{failure.label}: {failure.status}\n\n{failure.output[-OUTPUT_IN_HISTORY:]}"
    session.turns.append(Turn(question, "\n\n".join(d for d in diagnoses if d.strip())))


def diagnose(
    session: "ChatSession", messages: list["Message"], context: "FailureContext", files: list[str], diagnoses: list[str]
) -> "ProposedEdits":
    """Ask for the root cause (and a fix, if the model offers one) and show the diagnosis."""
    from llmdev.debug.diagnosis import diagnose as ask_for_diagnosis
    from llmdev.edits.generate import ModelCaller

    caller = ModelCaller(COMMAND, session.config, session.model_flag(), context.files)
    proposed = ask_for_diagnosis(caller, messages, session.repo.root, files, need_fix=False)
    diagnoses.append(proposed.first.prose)
    return proposed
