"""Diffs as data: which files changed, how, and each hunk's lines with old and new line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal[" ", "+", "-"]
FileStatus = Literal["added", "modified", "deleted", "renamed", "copied", "type-changed"]
SpecKind = Literal["staged", "worktree", "commit", "range", "merge-base"]


@dataclass(frozen=True)
class DiffLine:
    kind: LineKind
    text: str  # without the line break; a "\r" of a CRLF line is kept
    old_no: int | None  # line number on the old side (None for added lines)
    new_no: int | None  # line number on the new side (None for removed lines)
    no_newline: bool = False  # the file ends here without a final newline


@dataclass
class Hunk:
    old_start: int
    old_count: int
    new_start: int
    new_count: int
    section: str  # git's function-context text after the second "@@", often the enclosing def
    lines: list[DiffLine] = field(default_factory=list)

    def added_lines(self) -> list[int]:
        """New-side numbers of the lines this hunk adds."""
        return [line.new_no for line in self.lines if line.kind == "+" and line.new_no is not None]

    def removed_lines(self) -> list[int]:
        """Old-side numbers of the lines this hunk removes."""
        return [line.old_no for line in self.lines if line.kind == "-" and line.old_no is not None]

    def header(self) -> str:
        old = _range(self.old_start, self.old_count)
        new = _range(self.new_start, self.new_count)
        return f"@@ -{old} +{new} @@" + (f" {self.section}" if self.section else "")


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"


@dataclass
class FileDiff:
    path: str  # the new path; the old path for deletions
    old_path: str | None  # the old-side path; None for added files
    status: FileStatus
    binary: bool = False
    hunks: list[Hunk] = field(default_factory=list)
    old_blob: str | None = None
    new_blob: str | None = None
    skipped_reason: str | None = None  # binary, submodule, unmerged, not UTF-8, diff too large
    old_mode: str | None = None
    new_mode: str | None = None
    similarity: int | None = None  # percent, for renames and copies

    def added_lines(self) -> list[int]:
        return [n for hunk in self.hunks for n in hunk.added_lines()]

    def removed_lines(self) -> list[int]:
        return [n for hunk in self.hunks for n in hunk.removed_lines()]


@dataclass(frozen=True)
class DiffSpec:
    """What to compare. `old`/`new` are resolved object ids; `new` None means the index
    (kind "staged") or the working tree (kind "worktree")."""

    kind: SpecKind
    old: str | None
    new: str | None
    label: str = ""  # what the user typed, e.g. "main...feature"

    def describe(self) -> str:
        if self.kind == "staged":
            return "staged changes (index vs HEAD)"
        if self.kind == "worktree":
            return "uncommitted changes (working tree vs HEAD)"
        if self.kind == "commit":
            return f"commit {self.label or _short(self.new)}"
        if self.kind == "range":
            return f"changes {self.label or f'{_short(self.old)}..{_short(self.new)}'}"
        return f"changes {self.label} (since merge-base {_short(self.old)})"


def _short(sha: str | None) -> str:
    return (sha or "")[:10]


def diff_text(diffs: list[FileDiff]) -> str:
    """The diffs as one unified diff, for prompts and baselines."""
    return "".join(file_diff_text(diff) for diff in diffs)


def file_diff_text(diff: FileDiff) -> str:
    old = diff.old_path or diff.path
    out = [f"diff --git a/{old} b/{diff.path}\n"]
    if diff.status == "added":
        out.append(f"new file mode {diff.new_mode or '100644'}\n")
    elif diff.status == "deleted":
        out.append(f"deleted file mode {diff.old_mode or '100644'}\n")
    elif diff.status in ("renamed", "copied"):
        verb = "rename" if diff.status == "renamed" else "copy"
        out.append(f"similarity index {diff.similarity or 0}%\n{verb} from {old}\n{verb} to {diff.path}\n")
    elif diff.old_mode and diff.new_mode and diff.old_mode != diff.new_mode:
        out.append(f"old mode {diff.old_mode}\nnew mode {diff.new_mode}\n")
    old_name = "/dev/null" if diff.status == "added" else f"a/{old}"
    new_name = "/dev/null" if diff.status == "deleted" else f"b/{diff.path}"
    if diff.binary:
        out.append(f"Binary files {old_name} and {new_name} differ\n")
    elif diff.skipped_reason:
        out.append(f"# diff skipped: {diff.skipped_reason}\n")
    elif diff.hunks:
        out.append(f"--- {old_name}\n+++ {new_name}\n")
        for hunk in diff.hunks:
            out.append(hunk.header() + "\n")
            for line in hunk.lines:
                out.append(f"{line.kind}{line.text}\n")
                if line.no_newline:
                    out.append("\\ No newline at end of file\n")
    return "".join(out)
