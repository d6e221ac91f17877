"""Context for reviewing a diff: per hunk, the enclosing definition on each side, and the callers
and definitions of the symbols it changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmdev.code.index import Tag, blob_tags, innermost

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.repo.diff_types import FileDiff, Hunk
    from llmdev.repo.discovery import Repository

MAX_CALLERS = 20
MAX_DEFINITIONS = 12
MAX_ENCLOSING_LINES = 200
NULL_SHA = "0" * 40


@dataclass
class HunkContext:
    path: str
    hunk: "Hunk"
    old_enclosing: Tag | None
    new_enclosing: Tag | None
    new_enclosing_code: str
    changed_symbols: list[str] = field(default_factory=list)
    definitions: list[tuple[str, Tag]] = field(default_factory=list)
    callers: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, line text)

    def to_json(self) -> dict[str, Any]:
        def tag(t: Tag | None) -> dict[str, Any] | None:
            return None if t is None else {"name": t.name, "kind": t.kind, "line": t.line, "end_line": t.end_line}

        return {
            "path": self.path,
            "hunk": self.hunk.header(),
            "old_enclosing": tag(self.old_enclosing),
            "new_enclosing": tag(self.new_enclosing),
            "changed_symbols": self.changed_symbols,
            "definitions": [{"path": p, **(tag(t) or {})} for p, t in self.definitions],
            "callers": [{"path": p, "line": n, "text": text} for p, n, text in self.callers],
        }


@dataclass
class _Side:
    tags: list[Tag]
    lines: list[str]


def diff_context(
    repo: "Repository",
    diffs: list["FileDiff"],
    *,
    index: "CodeIndex | None" = None,
    new_side_rev: str | None = ":",
    settings: object = None,
) -> list[HunkContext]:
    """One HunkContext per hunk. The old side is parsed from the old blob; the new side is the
    index's copy of the file when it is the same blob, else parsed from `new_side_rev`
    (":" the git index, None the working tree, or a revision)."""
    from llmdev.code.index import load_index
    from llmdev.repo.files import read_blobs

    index = index or load_index(repo, show_progress=False, settings=settings)
    texts = _TextCache(repo)
    contexts: list[HunkContext] = []
    shown = [d for d in diffs if not (d.binary or d.skipped_reason or not d.hunks)]
    blobs = read_blobs(repo, [b for d in shown for b in (d.old_blob, d.new_blob) if b and b != NULL_SHA])
    index.prefetch_blobs(blobs)  # the parsed rows of every side, read in one go
    for diff in shown:
        old = _side(repo, index, diff.old_path, diff.old_blob, None, blobs, fallback=False) if diff.old_path and diff.old_blob else _Side([], [])
        new = _side(repo, index, diff.path, diff.new_blob, new_side_rev, blobs, fallback=True) if diff.status != "deleted" else _Side([], [])
        for hunk in diff.hunks:
            contexts.append(_hunk_context(index, texts, diff.path, hunk, old, new))
    return contexts


def _side(
    repo: "Repository",
    index: "CodeIndex",
    path: str,
    blob: str | None,
    rev: str | None,
    blobs: dict[str, bytes | None],
    *,
    fallback: bool,
) -> _Side:
    """One side of a file's diff: its tags and lines; `blobs` holds the diff's blobs, read in one go.

    A working-tree file's blob is not in git's object store, so with `fallback` the text is read
    from `rev` (None: the working tree) when the blob cannot be read."""
    from llmdev.repo.diffs import file_at
    from llmdev.repo.files import decode_text

    def load_blob() -> str | None:
        return decode_text(blobs.get(blob) if blob else None)

    def load_rev() -> str | None:
        return decode_text(file_at(repo, rev, path))

    known = bool(blob) and blob != NULL_SHA
    text = load_blob() if known else None
    if text is None and (fallback or not known):
        text = load_rev()
    text = text or ""
    if (known and index.shas.get(path) == blob) or (not known and rev is None and path in index.shas):
        return _Side(index.tags(path), text.splitlines())
    tags = blob_tags(index, path, blob if known else None, lambda: text) or []
    return _Side(tags, text.splitlines())


def _hunk_context(index: "CodeIndex", texts: "_TextCache", path: str, hunk: "Hunk", old: _Side, new: _Side) -> HunkContext:
    added, removed = hunk.added_lines(), hunk.removed_lines()
    new_anchor = _anchor(hunk, "+") or max(hunk.new_start, 1)
    old_anchor = _anchor(hunk, "-") or max(hunk.old_start, 1)
    new_enclosing = innermost(new.tags, new_anchor)
    old_enclosing = innermost(old.tags, old_anchor)
    code = ""
    if new_enclosing is not None:
        end = min(new_enclosing.end_line, new_enclosing.line + MAX_ENCLOSING_LINES - 1)
        code = "\n".join(new.lines[new_enclosing.line - 1 : end])
    changed = _changed_symbols(new, added) + _changed_symbols(old, removed)
    changed = list(dict.fromkeys(changed))
    context = HunkContext(path, hunk, old_enclosing, new_enclosing, code, changed)
    context.definitions = _definitions(index, path, new, added, old, removed)
    context.callers = _callers(index, texts, path, changed, new)
    return context


def _anchor(hunk: "Hunk", kind: str) -> int | None:
    """The first changed line with text on it (a leading blank line belongs to no definition)."""
    changed = [line for line in hunk.lines if line.kind == kind]
    chosen = next((line for line in changed if line.text.strip()), changed[0] if changed else None)
    if chosen is None:
        return None
    return chosen.new_no if kind == "+" else chosen.old_no


def _changed_symbols(side: _Side, lines: list[int]) -> list[str]:
    names = []
    for number in lines:
        tag = innermost(side.tags, number)
        if tag is not None:
            names.append(tag.name)
    return names


def _definitions(index: "CodeIndex", path: str, new: _Side, added: list[int], old: _Side, removed: list[int]) -> list[tuple[str, Tag]]:
    """Where the names used on the changed lines are defined (not counting the changed lines themselves)."""
    added_set, removed_set = set(added), set(removed)
    used = [t.name for t in new.tags if not t.is_definition and t.line in added_set]
    used += [t.name for t in old.tags if not t.is_definition and t.line in removed_set]
    found: list[tuple[str, Tag]] = []
    for name in dict.fromkeys(used):
        for def_path, tag in index.iter_definitions(name):
            if def_path == path and any(tag.line <= n <= tag.end_line for n in added):
                continue
            found.append((def_path, tag))
            if len(found) >= MAX_DEFINITIONS:
                return found
    return found


def _callers(index: "CodeIndex", texts: "_TextCache", path: str, names: list[str], new: _Side) -> list[tuple[str, int, str]]:
    """Lines elsewhere that reference the changed symbols (a symbol's own body does not count)."""
    own = {t.name: t for t in new.tags if t.is_definition}
    callers: list[tuple[str, int, str]] = []
    for name in names:
        for ref_path, line in index.iter_references(name):
            tag = own.get(name)
            if ref_path == path and tag is not None and tag.line <= line <= tag.end_line:
                continue
            callers.append((ref_path, line, texts.line(ref_path, line)))
            if len(callers) >= MAX_CALLERS:
                return callers
    return callers


class _TextCache:
    """Working-tree lines of the files callers are found in, each file read once."""

    def __init__(self, repo: "Repository") -> None:
        self.repo = repo
        self.files: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        from llmdev.repo.files import read_text

        if path not in self.files:
            self.files[path] = (read_text(self.repo, path) or "").splitlines()
        lines = self.files[path]
        return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def render_hunk_contexts(contexts: list[HunkContext]) -> str:
    """A plain-text account of each hunk's context, for people and prompts."""
    parts: list[str] = []
    for ctx in contexts:
        parts.append(f"{ctx.path} {ctx.hunk.header()}\n")
        if ctx.old_enclosing is not None:
            parts.append(f"  old side in: {ctx.old_enclosing.kind} {ctx.old_enclosing.name} (lines {ctx.old_enclosing.line}-{ctx.old_enclosing.end_line})\n")
        if ctx.new_enclosing is not None:
            parts.append(f"  new side in: {ctx.new_enclosing.kind} {ctx.new_enclosing.name} (lines {ctx.new_enclosing.line}-{ctx.new_enclosing.end_line})\n")
        if ctx.changed_symbols:
            parts.append(f"  changes: {', '.join(ctx.changed_symbols)}\n")
        for path, tag in ctx.definitions:
            parts.append(f"  uses {tag.kind} {tag.name} defined at {path}:{tag.line}\n")
        for path, line, text in ctx.callers:
            parts.append(f"  called from {path}:{line}: {text}\n")
        parts.append("\n")
    return "".join(parts)
