"""The tasks `llmdev compare` runs per model, each through llmdev's own code for that command:
review plans and runs a review, commit-msg writes a message, gen and debug propose edits (never
written), ask answers. Whatever a task builds that does not depend on the model is built once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from llmdev.compare.engine import ModelOutput, TaskRunner

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.repo.discovery import Repository


def _ignore(text: str) -> None:
    """Replies are streamed (into nothing) so that the time to the first token is measured."""


def _send(command: str, messages: list["Message"], config: "LoadedConfig", model: str, files: Sequence[str], notes: list[str]) -> str:
    from llmdev.calls import default_options, execute, prepare

    prepared = prepare(command, messages, config, model_flag=model, files=list(files), options=default_options(config.settings))
    notes.extend(prepared.notes)
    result = execute(prepared, config, on_text=_ignore)
    notes.extend(result.warnings)
    return result.text


def ask_task(config: "LoadedConfig", messages: list["Message"]) -> TaskRunner:
    def run(model: str) -> ModelOutput:
        notes: list[str] = []
        return ModelOutput(text=_send("ask", messages, config, model, (), notes).strip(), notes=notes)

    return run


def review_task(repo: "Repository", config: "LoadedConfig", spec: "DiffSpec", paths: Sequence[str] = ()) -> TaskRunner:
    """Plan and run a review per model (each model's window decides its batches); no result cache.
    The review engine asks for whole JSON replies, so no time to first token is measured."""
    from llmdev.review.engine import RunOptions, run_review
    from llmdev.review.plan import plan_review

    def run(model: str) -> ModelOutput:
        plan = plan_review(repo, config, spec, paths, model)
        options = RunOptions(use_cache=False)
        result = run_review(plan, config, options)
        notes = [n for call in plan.calls[:1] for n in call.notes] + list(dict.fromkeys(options.warnings))
        notes += [f"not reviewed: {s.path} ({s.reason})" for s in result.skipped_files]
        return ModelOutput(text=result.summary, findings=result.findings, notes=notes)

    return run


def commit_msg_task(repo: "Repository", config: "LoadedConfig") -> TaskRunner:
    from llmdev.calls import execute
    from llmdev.errors import ModelError
    from llmdev.hooks.message import clean_message, prepare_message

    def run(model: str) -> ModelOutput:
        request = prepare_message(repo, config, model)
        notes = list(request.call.notes) + [f"left out to fit the window: {p}" for p in request.omitted]
        result = execute(request.call, config, on_text=_ignore)
        message = clean_message(result.text).strip()
        if not message:
            raise ModelError(f"{result.model} returned an empty commit message")
        return ModelOutput(text=message, notes=notes + result.warnings)

    return run


def edits_task(
    command: str, config: "LoadedConfig", messages: list["Message"], root: Path, files: Sequence[str], known_files: Sequence[str], *, need_edits: bool
) -> TaskRunner:
    """Propose edits (gen, debug) and show them as a diff; nothing is written."""
    from llmdev.edits.conversation import EditsFailed, propose_edits
    from llmdev.edits.diff import render_patch

    def run(model: str) -> ModelOutput:
        notes: list[str] = []
        ask = lambda prompt: _send(command, prompt, config, model, files, notes)  # noqa: E731
        try:
            proposed = propose_edits(ask, messages, root, known_files=known_files, need_edits=need_edits)
        except EditsFailed as exc:
            if need_edits:
                raise
            return ModelOutput(text=exc.prose.strip(), notes=notes + ["its suggested fix does not apply to the files as they are"])
        notes += proposed.notes + [p.describe() for p in proposed.syntax_problems]
        return ModelOutput(text=proposed.first.prose.strip(), diff=render_patch(proposed.plan.changes), notes=list(dict.fromkeys(notes)))

    return run
