"""The model's diagnosis of a failure: asked for with the fix it suggests, and shown as Markdown on
a terminal or as plain text in a pipe."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.edits.conversation import ProposedEdits
    from llmdev.edits.generate import ModelCaller


def show_diagnosis(prose: str) -> None:
    from llmdev import console

    if not prose.strip():
        return
    if console.stdout_is_terminal():
        from rich.markdown import Markdown

        console.print_renderable(Markdown(prose))
    else:
        console.print_text(prose.rstrip() + "\n")


def diagnose(caller: "ModelCaller", messages: list["Message"], root: Path, known_files: list[str], *, need_fix: bool) -> "ProposedEdits":
    """Ask for the root cause and a fix, and show the diagnosis. A fix that does not apply raises
    EditsFailed when `need_fix`; otherwise it is reported and dropped, and the diagnosis kept."""
    from llmdev import console
    from llmdev.edits.blocks import ParsedEdits
    from llmdev.edits.conversation import EditsFailed, ProposedEdits
    from llmdev.edits.generate import propose
    from llmdev.edits.plan import EditPlan

    try:
        proposed = propose(caller, messages, root, known_files, need_edits=need_fix)
    except EditsFailed as exc:
        if need_fix:
            raise
        show_diagnosis(exc.prose)
        console.warning("the suggested fix does not apply to the files as they are")
        return ProposedEdits(EditPlan(), ParsedEdits(prose=exc.prose))
    show_diagnosis(proposed.first.prose)
    return proposed
