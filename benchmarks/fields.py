"""One signal of issue 14, measured: definitions and their docstrings as their own field (BM25F).

`bm25f(W)` ranks by BM25F (Robertson, Zaragoza, Taylor 2004) over two fields of each file: its
path + text (as the strong bm25) and its definitions field, made of each definition's signature
(from llmdev's tree-sitter tags) with the comment lines right above it and, in Python, the
docstring right below it. A term's frequencies are length-normalised per field (b 0.75), added with
the definitions field counting W times, and saturated once (k1 1.2); the idf is the text field's.
W = 0 is the strong bm25 exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

from lexical import B, K1, Bm25, identifier_terms

from llmdev.code.tags import COMMENT_STARTS, parse_file

DOC_LINES = 30  # the most lines of comment above, or docstring below, a definition that count
QUOTES = ('"""', "'''", 'r"""', "r'''")


def definitions_text(path: str, text: str) -> str:
    """The signatures of a file's definitions, each with its leading comment and Python docstring."""
    lines = text.splitlines()
    pieces = []
    for name, _kind, line, _end, signature in parse_file(path, text).definitions:
        start = line - 1
        above = start
        while above > 0 and start - above < DOC_LINES and lines[above - 1].lstrip().startswith(COMMENT_STARTS + ("///", "@")):
            above -= 1
        pieces += lines[above:start] + [signature]
        pieces += _docstring(lines, start + signature.count("\n") + 1) if path.endswith(".py") else []
    return "\n".join(pieces)


def _docstring(lines: list[str], first: int) -> list[str]:
    """The docstring that starts at line `first` (0-based), if one does."""
    opening = lines[first].lstrip() if first < len(lines) else ""
    if not opening.startswith(QUOTES):
        return []
    quote = '"""' if '"""' in opening else "'''"
    if opening.count(quote) >= 2:
        return [lines[first]]
    for end in range(first + 1, min(len(lines), first + DOC_LINES)):
        if quote in lines[end]:
            return lines[first : end + 1]
    return lines[first : first + DOC_LINES]


class DefinitionsField:
    """Each file's definitions-field terms, cached by (path, size, mtime) and shared by every weight."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, int], tuple[Counter[str], int]] = {}

    def terms(self, work: Path, path: str) -> tuple[Counter[str], int]:
        stat = (work / path).stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self.cache:
            text = (work / path).read_text(encoding="utf-8", errors="replace")
            counts = Counter(identifier_terms(definitions_text(path, text)))
            self.cache[key] = (counts, sum(counts.values()))
        return self.cache[key]


class DefinitionsBm25f:
    """BM25F over path + text and the definitions field, the latter weighted `weight`."""

    def __init__(self, text: Bm25, field: DefinitionsField, weight: float) -> None:
        self.text = text
        self.field = field
        self.weight = weight

    def rank(self, work: Path, files: list[str], query: str) -> list[str]:
        terms = list(dict.fromkeys(identifier_terms(query)))
        text = {path: self.text.terms(work, path) for path in files}
        defs = {path: self.field.terms(work, path) for path in files} if self.weight else {}
        scores = bm25f(text, defs, self.weight, terms)
        return [path for path, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def bm25f(text: dict[str, tuple[Counter[str], int]], defs: dict[str, tuple[Counter[str], int]], weight: float, terms: list[str]) -> dict[str, float]:
    """Each path's BM25F score for `terms` (paths without any of them left out)."""
    count = max(len(text), 1)
    text_average = sum(length for _, length in text.values()) / count or 1.0
    defs_average = sum(length for _, length in defs.values()) / count or 1.0
    empty: tuple[Counter[str], int] = (Counter(), 0)
    scores: dict[str, float] = {}
    for term in terms:
        having = [path for path, (counts, _) in text.items() if term in counts]
        idf = math.log(1 + (len(text) - len(having) + 0.5) / (len(having) + 0.5))
        for path in having:
            counts, length = text[path]
            field_counts, field_length = defs.get(path, empty)
            tf = counts[term] / (1 - B + B * length / text_average)
            tf += weight * field_counts[term] / (1 - B + B * field_length / defs_average)
            scores[path] = scores.get(path, 0.0) + idf * tf * (K1 + 1) / (tf + K1)
    return scores
