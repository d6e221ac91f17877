"""Review prompts: the diff with new-side line numbers, its repository context, the project's rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from llmdev.prompting import build_messages, render
from llmdev.provenance import fence

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.repo.diff_types import FileDiff, Hunk
    from llmdev.review.split import Batch, FileUnit

TEMPLATE = "review"
NUMBER_WIDTH = 5


def numbered_hunk(hunk: "Hunk") -> str:
    """`@@ … @@` then each line as `<new line no> <+|-| > <code>`; removed lines have no number."""
    rows = [hunk.header()]
    for line in hunk.lines:
        number = "" if line.kind == "-" or line.new_no is None else str(line.new_no)
        rows.append(f"{number:>{NUMBER_WIDTH}} {line.kind} {line.text.rstrip(chr(13))}")
    return "\n".join(rows)


def file_heading(diff: "FileDiff") -> str:
    status = diff.status
    if status in ("renamed", "copied") and diff.old_path:
        status = f"{status} from {diff.old_path}"
    return f"### File: {diff.path} ({status})"


def _unit_text(unit: "FileUnit") -> str:
    """The file's hunks, fenced as data labelled with the file's path (and a rename's old path)."""
    heading = unit.heading
    if unit.part:
        heading += f" — hunks part {unit.part[0]} of {unit.part[1]}"
    text = "\n".join([heading, "", "\n\n".join(p.diff_text for p in unit.pieces)])
    return fence("diff", text, unit.path, old_path=unit.old_path, blob=unit.blob)


def _context_text(batch: "Batch") -> str:
    blocks = []
    for unit in batch.units:
        texts = [b for p in unit.pieces for b in p.context_blocks] if unit.with_context else []
        if texts:
            blocks.append(f"### Context for {unit.path}\n\n" + "\n\n".join(dict.fromkeys(texts)))
    return "\n\n".join(blocks)


def rules_section(rules: str, repo_root: Path | None) -> str:
    return (render(TEMPLATE, "rules", repo_root, rules=rules) or "") + "\n" if rules else ""


def batch_messages(batch: "Batch", index: int, total: int, rules: str, repo_root: Path | None) -> list["Message"]:
    """The system and user messages for one request of a (possibly split) review."""
    context = _context_text(batch)
    values = {
        "request_part": (render(TEMPLATE, "part", repo_root, index=index, total=total) or "") if total > 1 else "",
        "rules": rules_section(rules, repo_root),
        "context": (render(TEMPLATE, "context", repo_root, context=context) or "") + "\n" if context else "",
        "diff": "\n\n".join(_unit_text(u) for u in batch.units),
    }
    return _tidy(build_messages(TEMPLATE, repo_root, **values))


def _tidy(messages: list["Message"]) -> list["Message"]:
    """Empty optional sections leave runs of blank lines; keep at most one."""
    from llmdev.backends.base import Message

    return [Message(m.role, re.sub(r"\n{3,}", "\n\n", m.content)) for m in messages]


def overhead_messages(rules: str, repo_root: Path | None) -> list["Message"]:
    """The messages with no diff and no context: what every request costs before the change itself."""
    values = {
        "request_part": render(TEMPLATE, "part", repo_root, index=99, total=99) or "",
        "rules": rules_section(rules, repo_root),
        "context": render(TEMPLATE, "context", repo_root, context="") or "",
        "diff": "",
    }
    return _tidy(build_messages(TEMPLATE, repo_root, **values))


def repair_message(problems: str, repo_root: Path | None) -> str:
    return render(TEMPLATE, "repair", repo_root, problems=problems) or problems
