"""One debugging session: diagnose a failure, and with --fix apply the model's fix and re-run, round
after round, until the command passes or the rounds run out."""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from llmdev.debug.context import FailureContext, gather_failure_context
from llmdev.debug.prompt import debug_messages
from llmdev.debug.runner import CommandRun, run_command

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.edits.formats import EditFormat
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.edits.plan import FileChange
    from llmdev.repo.discovery import Repository

Propose = Callable[[list["Message"], FailureContext], "ProposedEdits"]
Apply = Callable[[Sequence["FileChange"], "ProposedEdits"], bool]


@dataclass
class Failure:
    """What is being debugged: a command's run, or output from a log."""

    output: str
    status: str
    command: list[str] | None = None

    @property
    def label(self) -> str:
        return shlex.join(self.command) if self.command else "(output from a log)"

    @classmethod
    def from_run(cls, run: CommandRun) -> "Failure":
        return cls(run.output, run.describe(), run.command)


def read_failure(repo: "Repository", command: list[str], log: Path | None, timeout: float) -> Failure | None:
    """The failure to debug; None when the command passes."""
    from llmdev import console
    from llmdev.errors import UsageError

    if command and log:
        raise UsageError("give a command or --log, not both", "llmdev debug -- pytest -x   or   llmdev debug --log out.txt")
    if command:
        console.info(f"running {' '.join(command)} (timeout {timeout:.0f}s)")
        run = run_command(command, cwd=Path.cwd(), timeout=timeout)
        if run.passed:
            return None
        console.info(f"the command {run.describe()}")
        return Failure.from_run(run)
    if log is not None:
        try:
            return Failure(log.read_text(encoding="utf-8", errors="replace"), f"output read from {log}")
        except OSError as exc:
            raise UsageError(f"cannot read {log}: {exc.strerror}", "give the path of a saved output") from None
    if not sys.stdin.isatty():
        return Failure(sys.stdin.read(), "output read from stdin")
    raise UsageError("nothing to debug", "put the command after --, e.g. `llmdev debug -- pytest -x`, use --log FILE, or pipe output in")


@dataclass
class SessionResult:
    rounds: int = 0
    passed: bool | None = None  # None: not verified (no command, or no fix applied)
    applied: list[str] = field(default_factory=list)  # paths written, over all rounds


@dataclass
class DebugSession:
    repo: "Repository"
    files: list[str]
    timeout: float
    output_chars: int
    cwd: Path
    attempts: list[str] = field(default_factory=list)
    edit_format: "EditFormat | None" = None  # how the prompt asks for edits: the model's format
    settings: object = None  # the run's settings: their private paths stay out of the index

    def context(self, failure: Failure) -> FailureContext:
        from llmdev.code.index import load_index

        index = load_index(self.repo, show_progress=False, settings=self.settings)
        return gather_failure_context(self.repo, failure.output, index=index, files=self.files, cwd=self.cwd)

    def messages(self, failure: Failure, context: FailureContext) -> list["Message"]:
        return debug_messages(
            self.repo.root,
            command=failure.label,
            status=failure.status,
            output=failure.output,
            context=context,
            attempts=self.attempts,
            output_chars=self.output_chars,
            edit_format=self.edit_format,
        )

    def rerun(self, command: list[str]) -> CommandRun:
        return run_command(command, cwd=self.cwd, timeout=self.timeout)

    def fix(self, failure: Failure, propose: Propose, apply: Apply, max_rounds: int) -> SessionResult:
        """Propose, apply and re-run until the command passes; each round starts from the latest output."""
        from llmdev.edits.diff import render_patch

        result = SessionResult()
        for number in range(1, max_rounds + 1):
            result.rounds = number
            context = self.context(failure)
            proposed = propose(self.messages(failure, context), context)
            changes = proposed.plan.changes
            if not changes or not apply(changes, proposed):
                return result
            result.applied += [c.path for c in changes if c.path not in result.applied]
            if failure.command is None:
                return result
            run = self.rerun(failure.command)
            result.passed = run.passed
            if run.passed:
                return result
            self.attempts.append(render_patch(changes))
            failure = Failure.from_run(run)
        return result
