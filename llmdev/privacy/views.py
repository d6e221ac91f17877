"""Other readings of a text in which a hidden secret shows: escapes undone (a `repr()` or JSON
string), adjacent string literals joined (`"AKIA…" + "…"`), and base64 values decoded.

A view keeps, for each of its characters, the offset of the source character it came from, so a
secret found in the view is marked (and redacted) over the whole source text it came from.
"""

from __future__ import annotations

import base64
import binascii
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

ESCAPE = re.compile(r"\\(?:\\|n|r|t|\"|')")
ESCAPED = {"\\\\": "\\", "\\n": "\n", "\\r": "", "\\t": "\t", '\\"': '"', "\\'": "'"}
# The end of one literal and the start of the next, inside a token: `…x" + "y…`, `…x' . 'y…`, `…x"\n    "y…`.
JOINT = re.compile(r"(?<=[A-Za-z0-9+/_=-])(?P<q>[\"'])[ \t]*(?:\+|\.\.|\.|&)?[ \t]*(?:\\?\r?\n[ \t]*\d{0,7}[ \t]*[+ ]?[ \t]*(?:\+|\.\.|\.|&)?[ \t]*)?(?P=q)(?=[A-Za-z0-9+/_-])")
# Line-number gutters llmdev puts in prompts: `> 12 | code` (excerpts), `   12 + code` (review
# diffs), `   12   code` (enclosing code).
GUTTER = re.compile(r"^(?:[> ] *\d+ \| | {0,4}\d{1,5} [+\- ] | {0,4}\d{1,5}   )", re.MULTILINE)
ESCAPED_LINE = re.compile(r"^.*\\[\\nrt\"'].*$", re.MULTILINE)
# An escaped line matters when it can hide a secret that only its structure gives away.
WORTH_UNESCAPING = re.compile(r"(?i)secret|pass|pwd|token|key|auth|credential|private")
BASE64_VALUE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=_-])")
PRINTABLE = re.compile(r"^[\t\n\r\x20-\x7e]+$")


@dataclass(frozen=True)
class View:
    """`text`, a rewriting of part of a source text, mapped back to it segment by segment.

    Segment k starts at view offset `starts[k]` and comes from source offset `sources[k]`: char
    for char when `copied[k]`, else (a replacement) every char of it maps to `sources[k]`."""

    text: str
    starts: tuple[int, ...]
    sources: tuple[int, ...]
    copied: tuple[bool, ...]
    parent: "View | None" = None  # a view of a view maps through it

    def source(self, offset: int) -> int:
        k = bisect_right(self.starts, offset) - 1
        local = self.sources[k] + (offset - self.starts[k] if self.copied[k] else 0)
        return self.parent.source(local) if self.parent is not None else local

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.source(start), self.source(end - 1) + 1


def _rewrite(text: str, pattern: re.Pattern[str], replace: "dict[str, str] | None", lo: int = 0, hi: int | None = None) -> View:
    """text[lo:hi] with each match of `pattern` replaced (by `replace[match]`, or removed)."""
    hi = len(text) if hi is None else hi
    parts: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    copied: list[bool] = []
    size = 0
    at = lo

    def add(piece: str, source: int, same: bool) -> None:
        nonlocal size
        if piece:
            parts.append(piece)
            starts.append(size)
            sources.append(source)
            copied.append(same)
            size += len(piece)

    for match in pattern.finditer(text, lo, hi):
        add(text[at : match.start()], at, True)
        add(replace.get(match.group(), "") if replace is not None else "", match.start(), False)
        at = match.end()
    add(text[at:hi], at, True)
    return View("".join(parts), tuple(starts) or (0,), tuple(sources) or (lo,), tuple(copied) or (True,))


def _then(view: View, pattern: re.Pattern[str], replace: "dict[str, str] | None") -> View:
    """`view` rewritten once more, its characters still mapped to the original source."""
    again = _rewrite(view.text, pattern, replace)
    return View(again.text, again.starts, again.sources, again.copied, view)


def _windows(text: str, pattern: re.Pattern[str], lines: int) -> list[tuple[int, int]]:
    """Spans of the lines around each match of `pattern` (`lines` more on each side), merged."""
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if spans and match.end() <= spans[-1][1]:
            continue  # inside the last window already
        lo, hi = match.start(), match.end()
        for _ in range(lines + 1):
            lo = text.rfind("\n", 0, max(lo - 1, 0)) + 1 if lo > 0 else 0
            found = text.find("\n", hi + 1)
            hi = len(text) if found < 0 else found
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
        else:
            spans.append((lo, hi))
    return spans


def views(text: str) -> Iterator[View]:
    """The readings of `text` that differ from it, around where they differ: line-number gutters
    taken off (the numbered code and diffs of prompts), escapes undone, adjacent literals joined."""
    bases: list[View] = []
    if len(GUTTER.findall(text, 0, 4000)) >= 2:
        bases.append(_rewrite(text, GUTTER, None))
    for line in ESCAPED_LINE.finditer(text) if "\\" in text else []:
        if WORTH_UNESCAPING.search(line.group()):
            bases.append(_rewrite(text, ESCAPE, ESCAPED, *line.span()))
    bases += [_then(b, ESCAPE, ESCAPED) for b in bases[:1] if bases and b.parent is None and "\\" in b.text]
    yield from bases
    for lo, hi in _windows(text, JOINT, 1):
        yield _rewrite(text, JOINT, None, lo, hi)
    for base in bases:
        if JOINT.search(base.text):
            yield _then(base, JOINT, None)


def decoded_base64(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, decoded text) for each base64 value in `text` that decodes to printable text."""
    for match in BASE64_VALUE.finditer(text):
        value = match.group()
        if len(value) % 4 or not (any(c.isdigit() or c in "+/=" for c in value) or len(value) >= 40):
            continue
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if len(decoded) >= 6 and PRINTABLE.match(decoded):
            yield match.start(), match.end(), decoded
