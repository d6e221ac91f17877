"""Plan a review: which files, what context, how many requests, and the exact prompts. Nothing is sent."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from llmdev.errors import ModelError
from llmdev.review.findings import SkippedFile
from llmdev.review.merge import ChangedLines, changed_lines
from llmdev.review.prompt import batch_messages, file_heading, numbered_hunk, overhead_messages
from llmdev.review.reply import SCHEMA_NAME, reply_schema
from llmdev.review.rules import review_rules
from llmdev.review.split import Batch, FileUnit, HunkPiece, Plan, plan_batches
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.backends.base import ChatOptions
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.diff_types import DiffSpec, FileDiff
    from llmdev.repo.discovery import Repository

COMMAND = "review"
DEFAULT_WINDOW = 8192  # a model whose server reports no window and that `context_windows` does not list
MIN_DIFF_ROOM = 512  # below this many tokens per request for the change itself, a review is pointless
SAFETY = 0.97  # token estimates over-count slightly already; keep a little more room


@dataclass
class ReviewPlan:
    spec: "DiffSpec"
    diffs: list["FileDiff"]
    calls: list["PreparedCall"]
    batches: list[Batch]
    reviewed: list[str]
    skipped: list[SkippedFile]
    notes: list[str] = field(default_factory=list)
    changed: ChangedLines = field(default_factory=ChangedLines)
    window: int = 0
    rules_cut: bool = False
    selected_model: str = ""  # the model before routing; named in results with no requests

    @property
    def model(self) -> str:
        return str(self.calls[0].model) if self.calls else self.selected_model


def _excluded(patterns: Sequence[str]) -> Callable[[str], bool]:
    if not patterns:
        return lambda path: False
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(patterns)
    return lambda path: bool(spec.match_file(path))


def select_files(diffs: list["FileDiff"], exclude: Sequence[str]) -> tuple[list["FileDiff"], list[str], list[SkippedFile]]:
    """(files to send, files with nothing to send, skipped files with reasons)."""
    is_excluded = _excluded(exclude)
    send: list[FileDiff] = []
    empty: list[str] = []
    skipped: list[SkippedFile] = []
    for diff in diffs:
        if diff.skipped_reason or diff.binary:
            skipped.append(SkippedFile(diff.path, diff.skipped_reason or "binary file"))
        elif diff.status == "deleted":
            skipped.append(SkippedFile(diff.path, "deleted: nothing on the new side to review"))
        elif is_excluded(diff.path):
            skipped.append(SkippedFile(diff.path, "excluded by [review] exclude"))
        elif not diff.hunks:
            empty.append(diff.path)  # a pure rename or mode change: reviewed, nothing to say
        else:
            send.append(diff)
    return send, empty, skipped


def model_window(ref_text: str, config: "LoadedConfig") -> int:
    """The context window the model runs with (as its backend says), capped by [review] max_request_tokens."""
    from llmdev.backends.registry import get_backend, resolve_model

    settings = config.settings
    ref = resolve_model(ref_text, settings)
    try:
        length = get_backend(ref.provider, settings).context_length(ref.name)
    except ModelError:
        length = None
    return min(length or DEFAULT_WINDOW, settings.review.max_request_tokens)


def units_for(diffs: list["FileDiff"], contexts: dict[tuple[str, int], tuple[str, ...]]) -> list[FileUnit]:
    units = []
    for diff in diffs:
        pieces = [
            HunkPiece(numbered_hunk(h), contexts.get((diff.path, i), ()), h.new_start, h.new_start + max(h.new_count - 1, 0))
            for i, h in enumerate(diff.hunks)
        ]
        units.append(FileUnit(diff.path, file_heading(diff), pieces, old_path=diff.old_path, blob=diff.new_blob))
    return units


def _options(config: "LoadedConfig") -> "ChatOptions":
    from llmdev.calls import default_options

    settings = config.settings
    base = default_options(settings, temperature=settings.request.temperature or 0.0)
    # The reply may use the room the plan kept for it, and no more: a rambling model would fill the window.
    limit = min(settings.review.output_tokens, settings.request.max_output_tokens or settings.review.output_tokens)
    return dataclasses.replace(base, json_schema=reply_schema(), schema_name=SCHEMA_NAME, max_output_tokens=limit)


def _room(window: int, config: "LoadedConfig", rules: str) -> int:
    overhead = estimate_message_tokens(m.content for m in overhead_messages(rules, config.repo_root))
    room = int(window * SAFETY) - config.settings.review.output_tokens - overhead
    if room < MIN_DIFF_ROOM:
        raise ModelError(
            f"the model's context window ({window} tokens) leaves only {max(room, 0)} tokens for the change "
            f"after the prompt ({overhead}) and the reply ({config.settings.review.output_tokens})",
            "use a model with a larger window, raise [ollama] num_ctx, or shorten the review rules",
        )
    return room


def _prepare_batches(batches: list[Batch], rules: str, config: "LoadedConfig", model_flag: str | None) -> list["PreparedCall"]:
    from llmdev.calls import prepare

    options = _options(config)
    calls = []
    for index, batch in enumerate(batches, 1):
        messages = batch_messages(batch, index, len(batches), rules, config.repo_root)
        calls.append(prepare(COMMAND, messages, config, model_flag=model_flag, files=batch.paths(), options=options))
    return calls


@dataclass
class _Inputs:
    """What every (re)planning pass needs."""

    config: "LoadedConfig"
    model_flag: str | None
    rules: str
    send: list["FileDiff"]
    contexts: dict[tuple[str, int], tuple[str, ...]]

    def plan(self, window: int) -> tuple[list["PreparedCall"], "Plan"]:
        review = self.config.settings.review
        plan = plan_batches(units_for(self.send, self.contexts), _room(window, self.config, self.rules), review.max_requests)
        return _prepare_batches(plan.batches, self.rules, self.config, self.model_flag), plan


@dataclass
class Change:
    """What a review is planned from, before any context: the diffs, the rules, the model. Nothing
    here asks the model's server (a review answered from the cache never does)."""

    diffs: list["FileDiff"]
    send: list["FileDiff"]
    empty: list[str]
    skipped: list[SkippedFile]
    rules: str
    rules_cut: bool
    selected: str  # the model before routing


def read_change(repo: "Repository", config: "LoadedConfig", spec: "DiffSpec", paths: Sequence[str] = (), model_flag: str | None = None) -> Change:
    """The diffs, the files to send, the rules and the selected model."""
    from llmdev.backends.registry import resolve_model
    from llmdev.calls import select_model
    from llmdev.repo.diffs import get_diff

    settings = config.settings
    review = settings.review
    diffs = get_diff(repo, spec, paths, context_lines=review.context_lines, max_kb=settings.files.max_file_kb)
    send, empty, skipped = select_files(diffs, review.exclude)
    rules, rules_cut = review_rules(review, config.repo_root)
    selected = str(resolve_model(select_model(COMMAND, model_flag, settings), settings))
    return Change(diffs, send, empty, skipped, rules, rules_cut, selected)


def plan_review(
    repo: "Repository",
    config: "LoadedConfig",
    spec: "DiffSpec",
    paths: Sequence[str] = (),
    model_flag: str | None = None,
    max_window: int | None = None,
    change: Change | None = None,
) -> ReviewPlan:
    """Everything up to the model call: diffs, context, batching and the prepared requests.
    `max_window` caps the window planned for (after the server refused a request as too long);
    `change` is what `read_change` found, when the caller has it already."""
    from llmdev.review.context_text import hunk_contexts

    change = change or read_change(repo, config, spec, paths, model_flag)
    send = change.send
    inputs = _Inputs(config, model_flag, change.rules, send, hunk_contexts(repo, send, spec, config.settings) if send else {})
    window = model_window(change.selected, config) if send else 0
    window = min(window, max_window) if max_window else window
    calls, plan = inputs.plan(window) if send else ([], Plan([], [], []))
    # Routing plugins may move a request to another model (privacy reroutes to a local one);
    # when that model's window is smaller, plan again for it so that nothing overflows.
    smallest = min((model_window(str(c.model), config) for c in calls), default=window)
    if smallest < window:
        window = smallest
        calls, plan = inputs.plan(window)
    skipped = change.skipped + list(dict.fromkeys(plan.skipped))
    reviewed = sorted({p for b in plan.batches for p in b.paths()} | set(change.empty))
    return ReviewPlan(
        spec, change.diffs, calls, plan.batches, reviewed, skipped, plan.notes, changed_lines(send), window, change.rules_cut, change.selected
    )
