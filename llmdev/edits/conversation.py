"""Ask for edits, plan them, and give the model one chance to fix blocks that fail and one to fix
syntax errors it introduced. Model calls come in through `ask`, so this module sends nothing itself."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from llmdev.backends.base import Message
from llmdev.edits.blocks import EditBlock, ParsedEdits
from llmdev.edits.formats import SEARCH_REPLACE, EditFormat, parse_answer
from llmdev.edits.plan import BlockFailure, EditPlan, plan_edits
from llmdev.edits.syntax import SyntaxProblem, introduced_problems
from llmdev.errors import LlmdevError
from llmdev.prompting import render

Ask = Callable[[list[Message]], str]
FEEDBACK_TEMPLATES = "gen"  # prompts/gen/feedback.md and prompts/gen/syntax.md


class EditsFailed(LlmdevError):
    """The model's edits could not be applied, even after feedback. No file was changed."""

    def __init__(self, message: str, hint: str | None, failures: Sequence[str], prose: str = "") -> None:
        super().__init__(message, hint)
        self.failures = list(failures)
        self.prose = prose  # the first answer's text around its blocks (a diagnosis, an explanation)


@dataclass
class ProposedEdits:
    plan: EditPlan
    first: ParsedEdits  # the first answer: its prose is the explanation or diagnosis
    answers: list[str] = field(default_factory=list)
    syntax_problems: list[SyntaxProblem] = field(default_factory=list)  # still there after feedback
    notes: list[str] = field(default_factory=list)  # what the feedback rounds did, for the user

    @property
    def commit_message(self) -> str | None:
        return self.first.commit_message


def describe_failure(failure: BlockFailure) -> str:
    """One failed block as the model should read it: what went wrong and the real text nearby."""
    block = failure.block
    text = f"Block {block.index} ({block.path}): {failure.reason}."
    if failure.closest:
        text += f"\nThe closest text in {block.path} (from line {failure.closest_line}) is:\n```\n{failure.closest}\n```"
    return text


def _problems_of(parsed: ParsedEdits, plan: EditPlan, need_edits: bool) -> list[str]:
    problems = list(parsed.problems) + [describe_failure(f) for f in plan.failures]
    if need_edits and not parsed.blocks and not parsed.problems:
        problems.append("Your answer contained no edit blocks; the change needs at least one.")
    return problems


def refuse_unsafe(parsed: ParsedEdits, plan: EditPlan, prose: str) -> None:
    """Stop the run, with no feedback round, when a block cannot be read or targets a path that
    is off-limits: such an answer is not retried piecemeal, and nothing of it is written."""
    refused = list(parsed.problems) + [describe_failure(f) for f in plan.failures if f.refused]
    if refused:
        raise EditsFailed(
            f"the model's answer was refused ({len(refused)} block(s) unreadable or off-limits); no file was changed",
            "ask again; if it repeats, name the files to edit or try another model with --model",
            refused,
            prose,
        )


def _renumber(blocks: Sequence[EditBlock], start: int) -> list[EditBlock]:
    return [dataclasses.replace(b, index=start + n) for n, b in enumerate(blocks, 1)]


class EditConversation:
    def __init__(self, ask: Ask, root: Path, known_files: Sequence[str], need_edits: bool, edit_format: EditFormat = SEARCH_REPLACE) -> None:
        self.ask = ask
        self.edit_format = edit_format
        self.root = root
        self.known_files = known_files
        self.need_edits = need_edits
        self.history: list[Message] = []
        self.answers: list[str] = []

    def _say(self, messages: list[Message]) -> ParsedEdits:
        answer = self.ask(messages)
        self.history = messages + [Message("assistant", answer)]
        self.answers.append(answer)
        return parse_answer(answer, self.edit_format, self.known_files)

    def _plan(self, blocks: Sequence[EditBlock], base: dict | None = None) -> EditPlan:
        return plan_edits(self.root, blocks, known_files=self.known_files, base=base)

    def _retry_failed(self, first: ParsedEdits, plan: EditPlan, problems: list[str], notes: list[str]) -> EditPlan:
        feedback = render(FEEDBACK_TEMPLATES, "feedback", self.root, failures="\n\n".join(problems)) or ""
        second = self._say(self.history + [Message("user", feedback)])
        failed = {f.block.index for f in plan.failures}
        kept = [b for b in first.blocks if b.index not in failed]
        already = {(b.path, b.search, b.replace) for b in kept}
        resent = [b for b in second.blocks if (b.path, b.search, b.replace) not in already]  # models often repeat good blocks
        blocks = kept + _renumber(resent, max([b.index for b in first.blocks] + [len(first.problems)]))
        retried = self._plan(blocks)
        refuse_unsafe(second, retried, first.prose)
        remaining = _problems_of(ParsedEdits(blocks=blocks, problems=second.problems), retried, self.need_edits)
        if remaining:
            raise EditsFailed(
                f"{len(remaining)} edit block(s) could not be applied, even after feedback; no file was changed",
                "rephrase the request, name the files to edit, or try a stronger model with --model",
                remaining,
                first.prose,
            )
        notes.append(f"{len(problems)} block(s) failed at first; the model corrected them")
        return retried

    def _fix_syntax(self, plan: EditPlan, problems: list[SyntaxProblem], notes: list[str]) -> tuple[EditPlan, list[SyntaxProblem]]:
        paths = sorted({p.path for p in problems})
        files = "\n\n".join(f"{p}\n```\n{plan.files[p].text()}\n```" for p in paths if p in plan.files)
        listed = "\n".join(p.describe() for p in problems)
        feedback = render(FEEDBACK_TEMPLATES, "syntax", self.root, problems=listed, files=files) or ""
        answer = self._say(self.history + [Message("user", feedback)])
        fixed = self._plan(answer.blocks, base=plan.files)
        refuse_unsafe(answer, fixed, "")
        if not fixed.ok or not answer.blocks:
            notes.append("the model's syntax fix could not be applied; keeping its first edits")
            return plan, problems
        remaining = introduced_problems(fixed.changes)
        notes.append("the model fixed the syntax errors" if not remaining else "syntax errors remain after one fix")
        return fixed, remaining

    def run(self, messages: list[Message]) -> ProposedEdits:
        first = self._say(list(messages))
        plan = self._plan(first.blocks)
        refuse_unsafe(first, plan, first.prose)
        notes: list[str] = []
        problems = _problems_of(first, plan, self.need_edits)
        if problems:
            plan = self._retry_failed(first, plan, problems, notes)
        syntax = introduced_problems(plan.changes)
        if syntax:
            plan, syntax = self._fix_syntax(plan, syntax, notes)
        return ProposedEdits(plan, first, list(self.answers), syntax, notes)


def propose_edits(
    ask: Ask,
    messages: list[Message],
    root: Path,
    *,
    known_files: Sequence[str] = (),
    need_edits: bool = True,
    edit_format: EditFormat = SEARCH_REPLACE,
) -> ProposedEdits:
    """Ask for edits in `edit_format` and plan them; raises EditsFailed if blocks still fail after
    one round of feedback, or at once if any block is unreadable or targets an off-limits path."""
    return EditConversation(ask, root, known_files, need_edits, edit_format).run(messages)
