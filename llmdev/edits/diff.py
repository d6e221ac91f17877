"""Unified diffs of planned changes: as text to show, and as a patch `git apply` accepts byte for byte."""

from __future__ import annotations

import difflib
import re
from typing import Any, Sequence

from llmdev.edits.plan import FileChange
from llmdev.edits.textfile import NotTextError, decode

NO_NEWLINE = "\\ No newline at end of file"
HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _lines(data: bytes | None) -> tuple[list[str], str]:
    """The file's lines with their endings (BOM on the first line), and its encoding."""
    if data is None:
        return [], "utf-8"
    try:
        text = decode(data)
    except NotTextError:
        return [], "latin-1"
    lines = [line + ending for line, ending in zip(text.lines, text.endings)]
    if lines and text.bom:
        lines[0] = "\ufeff" + lines[0]  # keeps a UTF-8 BOM in the patch; git treats UTF-16 files as binary anyway
    return lines, text.encoding


def _mode_text(mode: int | None) -> str:
    return "100755" if mode is not None and mode & 0o111 else "100644"


def _hunks(change: FileChange, context: int) -> list[str]:
    """Diff lines with their own endings; a line without one is followed by the no-newline marker."""
    before, _ = _lines(change.before)
    after, _ = _lines(change.after)
    out: list[str] = []
    diff = difflib.unified_diff(before, after, lineterm="", n=context)
    for line in list(diff)[2:]:  # the ---/+++ header is written by the caller
        if line.startswith("@@"):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE + "\n")
    return out


def file_patch(change: FileChange, context: int = 3) -> str:
    """One file's part of a git-style patch."""
    path = change.path
    header = [f"diff --git a/{path} b/{path}\n"]
    if change.created:
        header += [f"new file mode {_mode_text(None)}\n", "--- /dev/null\n", f"+++ b/{path}\n"]
    elif change.deleted:
        header += [f"deleted file mode {_mode_text(change.mode)}\n", f"--- a/{path}\n", "+++ /dev/null\n"]
    else:
        header += [f"--- a/{path}\n", f"+++ b/{path}\n"]
    return "".join(header + _hunks(change, context))


def render_patch(changes: Sequence[FileChange], context: int = 3) -> str:
    """A patch for every change, in order; `git apply` takes it as is."""
    return "".join(file_patch(c, context) for c in changes)


def patch_bytes(changes: Sequence[FileChange], context: int = 3) -> bytes:
    """The patch encoded like the files it changes, so non-UTF-8 files apply exactly."""
    out = bytearray()
    for change in changes:
        _, encoding = _lines(change.after if change.after is not None else change.before)
        codec = "utf-8" if encoding.startswith("utf-") else encoding
        out += file_patch(change, context).encode(codec, "surrogateescape" if codec == "utf-8" else "strict")
    return bytes(out)


def diff_stats(changes: Sequence[FileChange]) -> list[tuple[str, int, int]]:
    """(path, lines added, lines removed) per file."""
    stats = []
    for change in changes:
        hunks = _hunks(change, 0)
        added = sum(1 for h in hunks if h.startswith("+"))
        removed = sum(1 for h in hunks if h.startswith("-"))
        stats.append((change.path, added, removed))
    return stats


def coloured_diff(changes: Sequence[FileChange]) -> Any:
    """A Rich Text of the patch: additions green, removals red, hunk headers cyan."""
    from rich.text import Text

    text = Text()
    for line in render_patch(changes).replace("\r\n", "\n").splitlines(keepends=True):
        if line.startswith(("diff --git", "---", "+++", "new file", "deleted file")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        text.append(line, style=style)
    return text
