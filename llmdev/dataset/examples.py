"""One chat example per mined task: llmdev's own prompt at that commit, then the human's answer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator, Sequence

from llmdev.backends.base import Message
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.evaluation.mining import Task
    from llmdev.evaluation.scratch import ScratchCheckout
    from llmdev.repo.diff_types import FileDiff

FINDING_SEVERITY = "medium"  # history says a fix was needed, not how bad it was


@dataclass
class Example:
    sha: str
    messages: list[Message] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # repository files whose content is in the example
    dropped: str | None = None  # why it is not exported

    def jsonl(self) -> str:
        return json.dumps({"messages": [m.as_dict() for m in self.messages]}, ensure_ascii=False)


@dataclass
class Sources:
    """What building examples needs: the config, a private checkout, the model whose window sizes prompts."""

    config: "LoadedConfig"
    scratch: "ScratchCheckout"
    model: str


def commit_msg_example(task: "Task", sources: Sources) -> Example:
    from llmdev.hooks.message import prepare_message

    request = prepare_message(sources.scratch.staged(task.sha), sources.config, sources.model)
    if request.omitted:
        return Example(task.sha, dropped="diff too large for the model's window")
    answer = Message("assistant", task.payload["message"])
    return Example(task.sha, [*request.call.messages, answer], list(request.call.files))


def review_answer(task: "Task") -> str:
    """The review the history asks for: a finding at each place a later fix changed, named after the fix."""
    from llmdev.evaluation.blame import line_ranges

    by_path: dict[str, list[int]] = {}
    for path, line in task.payload["targets"]:
        by_path.setdefault(path, []).append(line)
    title = "; ".join(f["subject"] for f in task.payload["fixes"])[:200]
    findings = [
        {"path": path, "line": first, "end_line": last, "severity": FINDING_SEVERITY, "category": "correctness",
         "title": title, "message": f"A later commit changed these lines: {title}", "suggestion": None}
        for path, lines in sorted(by_path.items()) for first, last in line_ranges(lines)
    ]
    return json.dumps({"findings": findings, "summary": f"{len(findings)} place(s) here were fixed later."})


def review_example(task: "Task", sources: Sources) -> Example:
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.review.plan import plan_review

    repo = sources.scratch.at(task.sha)
    plan = plan_review(repo, sources.config, DiffSpec("commit", task.parent, task.sha), (), sources.model)
    if len(plan.calls) != 1:
        return Example(task.sha, dropped="needs more than one review request" if plan.calls else "nothing to review")
    call = plan.calls[0]
    return Example(task.sha, [*call.messages, Message("assistant", review_answer(task))], list(call.files))


def edit_blocks(diffs: Sequence["FileDiff"]) -> str | None:
    """The real change in the edit-block format llmdev asks models for; None if it cannot be written so."""
    blocks: list[str] = []
    for diff in diffs:
        if diff.status not in ("modified", "added") or diff.binary or diff.skipped_reason:
            return None
        for hunk in diff.hunks:
            search = "".join(line.text + "\n" for line in hunk.lines if line.kind != "+")
            replace = "".join(line.text + "\n" for line in hunk.lines if line.kind != "-")
            blocks.append(f"{diff.path}\n<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n")
    return "\n".join(blocks) if blocks else None


def gen_example(task: "Task", sources: Sources) -> Example:
    """The commit's message as the instruction, its files as the named files, its change as the answer."""
    from llmdev.edits.request import gather_gen_context, gen_messages
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.repo.diffs import get_diff

    repo = sources.scratch.at(task.parent)
    diffs = get_diff(repo, DiffSpec("commit", task.parent, task.sha))
    blocks = edit_blocks(diffs)
    if blocks is None:
        return Example(task.sha, dropped="deletes, renames or binary files (not expressible as edit blocks)")
    instruction = task.payload["message"]
    settings = sources.config.settings.gen
    context = gather_gen_context(repo, instruction, [d.path for d in diffs],
                                 context_tokens=settings.context_tokens, map_tokens=settings.map_tokens)
    subject = instruction.split("\n", 1)[0]
    answer = f"{subject}.\n\n{blocks}\nCommit message: {subject[:72]}"
    files = list(dict.fromkeys([*context.files, *(d.path for d in diffs)]))  # the answer holds the changed files
    return Example(task.sha, [*gen_messages(repo.root, instruction, context), Message("assistant", answer)], files)


BUILDERS = {"commit-msg": commit_msg_example, "review": review_example, "gen": gen_example}


def build_examples(kind: str, tasks: Sequence["Task"], sources: Sources) -> Iterator[Example]:
    """An example (or a dropped one, with the reason) per task; an error on one task drops only it."""
    for task in tasks:
        try:
            yield BUILDERS[kind](task, sources)
        except LlmdevError as exc:
            yield Example(task.sha, dropped=f"could not build the prompt: {exc.message}")
