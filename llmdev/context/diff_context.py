"""Context for reviewing a diff: per hunk, the enclosing definition on each side, and the callers
and definitions of the symbols it changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from llmdev.code.index import Tag, innermost
from llmdev.code.tags import ParsedFile, RefRow, add_tags, parse_file

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.repo.diff_types import FileDiff, Hunk
    from llmdev.repo.discovery import Repository

MAX_CALLERS = 20
MAX_DEFINITIONS = 12
MAX_ENCLOSING_LINES = 200


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
    """One side of a file's diff: its definitions (ordered by line), its references as stored, and
    its lines (the new side only: nothing is shown from the old one)."""

    definitions: list[Tag]
    references: list[RefRow]
    lines: list[str]

    @classmethod
    def of(cls, parsed: ParsedFile | None, lines: list[str]) -> "_Side":
        if parsed is None:
            return cls([], [], lines)
        rows = sorted(parsed.definitions, key=lambda row: row[2])  # stable: nested definitions keep their order
        return cls([Tag(name, kind, line, end, signature, True) for name, kind, line, end, signature in rows], parsed.references, lines)

    def names_used_on(self, numbers: list[int]) -> list[str]:
        """The names referenced on these lines, line by line."""
        if not numbers:
            return []
        wanted = set(numbers)
        rows = sorted((row for row in self.references if row[2] in wanted), key=lambda row: row[2])
        return [row[0] for row in rows]


def diff_context(
    repo: "Repository",
    diffs: list["FileDiff"],
    *,
    index: "CodeIndex | None" = None,
    new_side_rev: str | None = ":",
    settings: object = None,
) -> list[HunkContext]:
    """One HunkContext per hunk. Each side's tags are the stored parse of its blob (the old side's
    references only when lines are removed), parsed from its text when not stored yet. The new
    side's text is the working file when it holds the blob, else git's copy of the blob, else the
    file at `new_side_rev` (":" the git index, None the working tree, or a revision)."""
    from llmdev.code.index import load_index

    index = index or load_index(repo, show_progress=False, settings=settings)
    shown = [d for d in diffs if not (d.binary or d.skipped_reason or not d.hunks)]
    sides = [(_old_source(d), _new_source(index, d, new_side_rev)) for d in shown]
    sources = [s for pair in sides for s in pair if s is not None]
    stored = _stored_parses(index, sources)
    texts = _blob_texts(repo, [s for s in sources if s.new or not _tagged(stored, s.blob)])
    callers_text = _TextCache(repo)
    contexts: list[HunkContext] = []
    for diff, (old, new) in zip(shown, sides):
        old_side, new_side = (_side(repo, index, s, stored, texts) for s in (old, new))
        for hunk in diff.hunks:
            contexts.append(_hunk_context(index, callers_text, diff.path, hunk, old_side, new_side))
    return contexts


@dataclass(frozen=True)
class _Source:
    """Where one side of a file's diff comes from."""

    path: str
    blob: str | None  # None: only the file at `rev` is known
    new: bool  # the new side: its lines are shown, and its references are always looked at
    references: bool  # its references are looked at
    rev: str | None = None  # the new side's fallback: ":" the git index, None the working tree, or a revision
    unhashed: bool = False  # a working file git gave no blob for; `blob` is the index's copy of it


def _old_source(diff: "FileDiff") -> _Source | None:
    if not (diff.old_path and diff.old_blob):
        return None
    removes = any(line.kind == "-" for hunk in diff.hunks for line in hunk.lines)
    return _Source(diff.old_path, diff.old_blob, new=False, references=removes)


def _new_source(index: "CodeIndex", diff: "FileDiff", rev: str | None) -> _Source | None:
    if diff.status == "deleted":
        return None
    if diff.new_blob:
        return _Source(diff.path, diff.new_blob, new=True, references=True, rev=rev)
    blob = index.shas.get(diff.path) if rev is None else None
    return _Source(diff.path, blob, new=True, references=True, rev=rev, unhashed=True)


def _tagged(stored: dict[str, ParsedFile], blob: str | None) -> bool:
    return blob is not None and blob in stored and stored[blob].tagged


def _stored_parses(index: "CodeIndex", sources: list[_Source]) -> dict[str, ParsedFile]:
    """The stored parses of the sides' blobs, each kind read in one go: whole where references are
    looked at, else only the definitions."""
    full = {s.blob for s in sources if s.blob and s.references}
    heads = {s.blob for s in sources if s.blob and not s.references} - full
    index.prefetch_blobs(full)
    found = {sha: parsed for sha in full if (parsed := index.stored_blob(sha)) is not None}
    if heads:
        found.update(index.store.get_many(heads, full=False))
    return found


def _blob_texts(repo: "Repository", sources: list[_Source]) -> dict[str, str | None]:
    """The text of these sides' blobs: the working file when it holds the blob (no git process),
    else git's copy; None when neither has it as text."""
    from llmdev.repo.files import blob_id, decode_text, read_blobs

    wanted = {s.blob: s.path for s in sources if s.blob and not s.unhashed}
    texts: dict[str, str | None] = {}
    for sha, path in wanted.items():
        try:
            data = (repo.root / path).read_bytes()
        except OSError:
            continue
        if blob_id(data, len(sha)) == sha:  # the same bytes as git's copy, wherever the path leads
            texts[sha] = decode_text(data)
    rest = [sha for sha in wanted if sha not in texts]
    if rest:
        found = read_blobs(repo, rest)
        texts.update((sha, decode_text(found.get(sha))) for sha in rest)
    return texts


def _side(repo: "Repository", index: "CodeIndex", source: _Source | None, stored: dict[str, ParsedFile], texts: dict[str, str | None]) -> _Side:
    """One side's tags, and the new side's lines; a side with no readable text has none."""
    from llmdev.repo.diffs import file_at
    from llmdev.repo.files import decode_text

    if source is None:
        return _Side([], [], [])
    parsed = stored.get(source.blob) if source.blob else None
    text = None
    if source.new or not _tagged(stored, source.blob):
        text = None if source.unhashed else texts.get(source.blob or "")
        if text is None and source.new:
            text = decode_text(file_at(repo, source.rev, source.path))
    if not _tagged(stored, source.blob):
        parsed = None if text is None else _parse(index, source, parsed, text)
    return _Side.of(parsed, text.splitlines() if source.new and text else [])


def _parse(index: "CodeIndex", source: _Source, stored: ParsedFile | None, text: str) -> ParsedFile:
    """Tags extracted from a side's text, saved under its blob for next time; a stored parse
    whose tags were left for later (a test file) keeps its terms."""
    if source.blob and stored is not None and not stored.complete:
        stored = index.stored_blob(source.blob)
    parsed = add_tags(stored, text) if stored is not None else parse_file(source.path, text)
    if source.blob and not source.unhashed:  # an unhashed file's text may be newer than the index's blob
        index.store.put_many([(source.blob, parsed)])
    return parsed


def _hunk_context(index: "CodeIndex", texts: "_TextCache", path: str, hunk: "Hunk", old: _Side, new: _Side) -> HunkContext:
    added, removed = hunk.added_lines(), hunk.removed_lines()
    new_anchor = _anchor(hunk, "+") or max(hunk.new_start, 1)
    old_anchor = _anchor(hunk, "-") or max(hunk.old_start, 1)
    new_enclosing = innermost(new.definitions, new_anchor)
    old_enclosing = innermost(old.definitions, old_anchor)
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
        tag = innermost(side.definitions, number)
        if tag is not None:
            names.append(tag.name)
    return names


def _definitions(index: "CodeIndex", path: str, new: _Side, added: list[int], old: _Side, removed: list[int]) -> list[tuple[str, Tag]]:
    """Where the names used on the changed lines are defined (not counting the changed lines themselves)."""
    used = new.names_used_on(added) + old.names_used_on(removed)
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
    own = {t.name: t for t in new.definitions}
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
