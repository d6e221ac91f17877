"""Ask a model for edits the way every command does: the call's notes and warnings on stderr, a
spinner while it runs, then the answer turned into checked edits by `llmdev.edits.conversation`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.edits.formats import EditFormat
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.repo.discovery import Repository


def chosen_format(command: str, config: "LoadedConfig", flag: str | None) -> "EditFormat":
    """The edit format of the model `command` would use (config `[gen.edit_format]`, else its family's)."""
    from llmdev.backends.registry import resolve_model
    from llmdev.calls import select_model
    from llmdev.edits.formats import edit_format_for

    settings = config.settings
    return edit_format_for(str(resolve_model(select_model(command, flag, settings), settings)), settings)


class ModelCaller:
    """Sends one command's prompts; shared by gen, debug, explain and chat."""

    def __init__(self, command: str, config: "LoadedConfig", flag: str | None, files: list[str]) -> None:
        self.command = command
        self.config = config
        self.flag = flag
        self.files = files
        self._noted = False

    @property
    def edit_format(self) -> "EditFormat":
        return chosen_format(self.command, self.config, self.flag)

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

        console.print_json(describe_dry_run(self.prepare(messages)))

    def ask(self, messages: list["Message"]) -> str:
        """The model's answer; a prompt the server refuses as too long raises `PromptOverflow`."""
        from llmdev import console
        from llmdev.backends.base import ContextOverflow
        from llmdev.calls import execute
        from llmdev.overflow import sized

        prepared = self.prepare(messages)
        try:
            with console.spinner(f"asking {prepared.model} (~{prepared.estimated_input_tokens} tokens)"):
                result = execute(prepared, self.config)
        except ContextOverflow as overflow:
            raise sized(overflow, prepared.estimated_input_tokens) from None
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
        proposed = propose_edits(caller.ask, messages, root, known_files=known_files, need_edits=need_edits, edit_format=caller.edit_format)
    except EditsFailed as exc:
        for failure in exc.failures:
            console.info(failure)
        raise
    report_proposal(proposed)
    return proposed


@dataclass
class GenRequest:
    """`gen`'s instruction, sent with its context built within the `[gen]` budgets times a scale
    (smaller after a server refused the prompt as too long)."""

    repo: "Repository"
    config: "LoadedConfig"
    flag: str | None
    instruction: str
    paths: list[str]
    caller: "ModelCaller | None" = None

    def prepare(self, scale: float) -> tuple["ModelCaller", list["Message"]]:
        from llmdev import console
        from llmdev.edits.request import gen_request

        edit_format = chosen_format("gen", self.config, self.flag)
        context, messages = gen_request(self.repo, self.config, self.instruction, self.paths, edit_format, scale, self.flag)
        if context.added:
            console.info(f"added to the context: {', '.join(context.added)}")
        if self.caller is None:
            self.caller = ModelCaller("gen", self.config, self.flag, context.files)
        self.caller.files = context.files  # one caller, so its notes are shown once however often it asks
        return self.caller, messages

    def propose(self, scale: float) -> "ProposedEdits":
        from llmdev.repo.files import list_files

        caller, messages = self.prepare(scale)
        return propose(caller, messages, self.repo.root, list_files(self.repo).paths())
