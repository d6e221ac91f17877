"""The debug prompt: the failing command, its output, and the gathered code and history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from llmdev.backends.base import Message
from llmdev.debug.context import FailureContext, RecentChanges
from llmdev.edits.request import format_instructions
from llmdev.prompting import build_messages, render
from llmdev.provenance import fence

if TYPE_CHECKING:
    from llmdev.edits.formats import EditFormat

NONE = "(none)"


def output_tail(output: str, limit: int) -> str:
    """The end of the output, where test runners and tracebacks put what matters; a secret that
    starts before the cut is kept whole, so the privacy guard sees all of it."""
    from llmdev.privacy.secrets import cut_outside_secrets

    text = output.strip("\n")
    return text if len(text) <= limit else "[...]\n" + text[cut_outside_secrets(text, len(text) - limit) :]


def changes_text(root: Path, changes: RecentChanges) -> str:
    """The recent changes, each part labelled by its template (prompts/debug/uncommitted.md, commits.md)."""
    parts = [
        render("debug", "uncommitted", root, diff=fence("diff", changes.uncommitted)) if changes.uncommitted else None,
        render("debug", "commits", root, log=fence("commits", changes.commits)) if changes.commits else None,
    ]
    return "\n\n".join(p for p in parts if p) or NONE


def debug_messages(
    root: Path,
    *,
    command: str,
    status: str,
    output: str,
    context: FailureContext,
    attempts: Sequence[str] = (),
    output_chars: int = 12000,
    edit_format: "EditFormat | None" = None,
) -> list[Message]:
    """System and user messages for one debugging round."""
    earlier = "".join(render("debug", "attempt", root, diff=fence("diff", diff)) or "" for diff in attempts)
    return build_messages(
        "debug",
        root,
        edit_format=format_instructions(root, edit_format),
        command=command,
        status=status,
        output=fence("log", output_tail(output, output_chars)),
        sites="\n\n".join(fence("code", s.render(), s.path) for s in context.sites) or NONE,
        related="\n\n".join(fence("definition", r.render(), r.path) for r in context.related) or NONE,
        changes=changes_text(root, context.recent_changes),
        attempts=earlier,
    )
