"""The debug prompt: the failing command, its output, and the gathered code and history."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from llmdev.backends.base import Message
from llmdev.debug.context import FailureContext
from llmdev.prompting import build_messages, render

NONE = "(none)"


def output_tail(output: str, limit: int) -> str:
    """The end of the output, where test runners and tracebacks put what matters."""
    text = output.strip("\n")
    return text if len(text) <= limit else "[...]\n" + text[-limit:]


def debug_messages(
    root: Path,
    *,
    command: str,
    status: str,
    output: str,
    context: FailureContext,
    attempts: Sequence[str] = (),
    output_chars: int = 12000,
) -> list[Message]:
    """System and user messages for one debugging round."""
    earlier = "".join(render("debug", "attempt", root, diff=diff.rstrip("\n")) or "" for diff in attempts)
    return build_messages(
        "debug",
        root,
        edit_format=render("gen", "format", root) or "",
        command=command,
        status=status,
        output=output_tail(output, output_chars),
        sites="\n\n".join(s.render() for s in context.sites) or NONE,
        related="\n\n".join(r.render() for r in context.related) or NONE,
        changes=f"```diff\n{context.recent_changes.rstrip()}\n```" if context.recent_changes else NONE,
        attempts=earlier,
    )
