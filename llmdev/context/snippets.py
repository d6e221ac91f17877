"""A file cut into the pieces a prompt can hold: whole functions, methods, small classes."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable

from llmdev.code.terms import split_identifier
from llmdev.tokens import CHARS_PER_TOKEN

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex, Tag
    from llmdev.repo.discovery import Repository

# Class-like definitions longer than this are shown method by method.
BIG_UNIT_LINES = 60
CONTAINERS = frozenset({"class", "interface", "impl", "module", "enum", "struct", "trait"})
FUNCTIONS = frozenset({"function", "method", "macro"})


@dataclass
class Snippet:
    path: str
    name: str
    kind: str
    line: int
    end_line: int
    code: str
    scope: str = ""
    relevance: float = 0.0

    def render(self) -> str:
        where = f" in {self.scope}" if self.scope else ""
        return f"⋮ {self.line}-{self.end_line} {self.kind} {self.name}{where}\n{self.code}\n"

    @classmethod
    def load(cls, repo: "Repository", path: str, name: str, kind: str, line: int, end_line: int) -> "Snippet":
        from llmdev.repo.files import read_text

        lines = (read_text(repo, path) or "").splitlines()
        return cls(path, name, kind, line, end_line, "\n".join(lines[line - 1 : end_line]))


def units(definitions: list["Tag"]) -> list[tuple["Tag", str]]:
    """Non-overlapping definitions to show whole, each with the container it sits in (if any)."""
    chosen: list[tuple["Tag", str]] = []
    # The open definitions, each with what holds for it and everything around it: (last line,
    # shown whole or inside one shown whole, a function or inside one, innermost container's name).
    stack: list[tuple[int, bool, bool, str]] = []
    for tag in definitions:
        while stack and stack[-1][0] < tag.line:
            stack.pop()
        _, inside_whole, inside_function, scope = stack[-1] if stack else (0, False, False, "")
        whole = not inside_whole and not inside_function and not _is_split(tag)
        if whole:
            chosen.append((tag, scope))
        function = inside_function or tag.kind in FUNCTIONS
        stack.append((tag.end_line, whole or inside_whole, function, tag.name if tag.kind in CONTAINERS else scope))
    return chosen


def _is_split(tag: "Tag") -> bool:
    return tag.kind in CONTAINERS and tag.end_line - tag.line + 1 > BIG_UNIT_LINES


def file_snippets(
    repo: "Repository",
    index: "CodeIndex",
    path: str,
    pattern: re.Pattern[str] | None,
    weights: dict[str, float],
    *,
    max_tokens: int,
    read: Callable[[str], str | None] | None = None,
) -> list[Snippet]:
    """The file's units with a relevance in [0, 1] to the task's terms; long units are cut short.
    `read` gives a file's text (default: read from the working tree)."""
    from llmdev.repo.files import read_text

    text = read(path) if read is not None else read_text(repo, path)
    if text is None:
        return []
    lines = text.splitlines()
    layout = _Layout(text, lines)
    pieces = units(index.definition_tags(path))
    if not pieces:
        return [layout.snippet(path, PurePosixPath(path).name, "file", 1, max(len(lines), 1), "", max_tokens)]
    snippets = [layout.snippet(path, t.name, t.kind, t.line, t.end_line, scope, max_tokens) for t, scope in pieces]
    named: dict[str, float] = {}  # the same names recur (`__init__`, `eval`): each is scored once
    for s in snippets:
        if s.name not in named:
            named[s.name] = _name_score(s.name, weights)
    raw = [2.0 * named[s.name] + math.log1p(layout.hits(pattern, s.line, s.end_line)) for s in snippets]
    top = max(raw, default=0.0)
    for snippet, score in zip(snippets, raw):
        snippet.relevance = score / top if top > 0 else 0.0
    return snippets


class _Layout:
    """Where a file's lines start and where the task's terms occur, for quick per-unit sums."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self.text = text
        self.lines = lines
        self.ends = [total + number for number, total in enumerate(accumulate(map(len, lines)), 1)]  # chars up to each line's end
        self.offsets = _line_starts(text, self.ends)
        self._hits: tuple[re.Pattern[str], list[int]] | None = None  # where a pattern's matches start

    def hits(self, pattern: re.Pattern[str] | None, first: int, last: int) -> int:
        """How often the task's terms occur in lines first..last."""
        if pattern is None or first > len(self.lines):
            return 0
        if self._hits is None or self._hits[0] is not pattern:
            # Terms are word characters only, so no match spans a line break: counting the
            # matches of one pass over the file equals searching each unit's lines on their own.
            self._hits = (pattern, _match_starts(pattern, self.text))
        starts = self._hits[1]
        first_char, end_char = self.offsets[first - 1], self.offsets[min(last, len(self.lines))]
        return bisect_left(starts, end_char) - bisect_left(starts, first_char)

    def snippet(self, path: str, name: str, kind: str, first: int, last: int, scope: str, max_tokens: int) -> Snippet:
        """The unit's code, keeping only as many leading lines as `max_tokens` allows."""
        last = min(last, len(self.lines)) or 1
        limit = math.floor(max_tokens * CHARS_PER_TOKEN)
        before = self.ends[first - 2] if first > 1 else 0
        fitting = bisect_right(self.ends, before + limit, lo=first - 1)  # lines ending within the limit
        last = max(first, min(last, fitting))
        code = "\n".join(self.lines[first - 1 : last])[:limit]
        return Snippet(path, name, kind, first, last, code, scope)


# The line breaks `str.splitlines` knows besides the line feed.
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _line_starts(text: str, ends: list[int]) -> list[int]:
    """Where each line starts in `text`, then its length. When line feeds are the only line breaks,
    each line starts where the one before ends (`ends` counts one character per break)."""
    if _only_newlines(text):
        return [0, *ends[:-1], len(text)] if ends else [0]
    return list(accumulate(map(len, text.splitlines(keepends=True)), initial=0))


def _only_newlines(text: str) -> bool:
    """Whether line feeds are the only line breaks in `text` (a few quick scans for ASCII text)."""
    if any(c in text for c in "\r\x0b\x0c\x1c\x1d\x1e"):
        return False
    return text.isascii() or _OTHER_BREAKS.search(text) is None


# A pattern that is only plain words, one after another: `word|other|...`.
_PLAIN_WORDS = re.compile(r"[a-z0-9_]+(?:\|[a-z0-9_]+)*")


def _match_starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where `pattern` matches in `text`. A case-insensitive pattern of lowercase ASCII words runs
    case-sensitively over the lowercased text when that is ASCII too: the same matches, 5x faster;
    a pattern of plain words is then searched word by word, 3x faster again."""
    source = pattern.pattern
    if pattern.flags & re.IGNORECASE and source.isascii() and source == source.lower() and text.isascii():
        if _PLAIN_WORDS.fullmatch(source):
            return _word_starts(text.lower(), source.split("|"))
        return [match.start() for match in re.compile(source).finditer(text.lower())]
    return [match.start() for match in pattern.finditer(text)]


def _word_starts(text: str, words: list[str]) -> list[int]:
    """Where the alternation `words[0]|words[1]|...` matches in `text`, as `re` finds it: at each
    place the first word (in that order) that occurs there, then on from the end of that match."""
    length_at: dict[int, int] = {}  # where any word occurs -> the length of the first word occurring there
    for word in words:
        at = text.find(word)
        while at >= 0:
            length_at.setdefault(at, len(word))
            at = text.find(word, at + 1)
    starts: list[int] = []
    free = 0  # matches do not overlap: the next one starts here or later
    for at in sorted(length_at):
        if at >= free:
            starts.append(at)
            free = at + length_at[at]
    return starts


def _name_score(name: str, weights: dict[str, float]) -> float:
    return sum(weights.get(piece, 0.0) for piece in set(split_identifier(name)) | {name.lower()})
