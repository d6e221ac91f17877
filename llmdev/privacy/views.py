"""Other readings of a text in which a hidden secret shows: escapes undone (a `repr()` or JSON
string), adjacent string literals joined (`"AKIA…" + "…"`), and base64 values decoded.

A view keeps, for each of its characters, the offset of the source character it came from, so a
secret found in the view is marked (and redacted) over the whole source text it came from.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Iterator

ESCAPE = re.compile(r"\\(?:\\|n|r|t|\"|')")
ESCAPED = {"\\\\": "\\", "\\n": "\n", "\\r": "", "\\t": "\t", '\\"': '"', "\\'": "'"}
# The end of one literal and the start of the next: `" + "`, `' . '`, `"\n    "` (implicit).
JOINT = re.compile(r"(?P<q>[\"'])[ \t]*(?:\+|\.\.|\.|&)?[ \t]*(?:\\?\r?\n[ \t]*\d{0,7}[ \t]*[+ ]?[ \t]*(?:\+|\.\.|\.|&)?[ \t]*)?(?P=q)")
BASE64_VALUE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=_-])")
PRINTABLE = re.compile(r"^[\t\n\r\x20-\x7e]+$")


@dataclass(frozen=True)
class View:
    """`text`, where `origin[i]` is the source offset of `text[i]`."""

    text: str
    origin: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def _rewrite(text: str, pattern: re.Pattern[str], replace: "dict[str, str] | None") -> View:
    """`text` with each match of `pattern` replaced (by `replace[match]`, or removed)."""
    parts: list[str] = []
    origin: list[int] = []
    at = 0
    for match in pattern.finditer(text):
        parts.append(text[at : match.start()])
        origin.extend(range(at, match.start()))
        new = replace.get(match.group(), "") if replace is not None else ""
        parts.append(new)
        origin.extend([match.start()] * len(new))
        at = match.end()
    parts.append(text[at:])
    origin.extend(range(at, len(text)))
    return View("".join(parts), tuple(origin))


def views(text: str) -> Iterator[View]:
    """The readings of `text` that differ from it: unescaped, and with literals joined."""
    if "\\" in text and ESCAPE.search(text):
        unescaped = _rewrite(text, ESCAPE, ESCAPED)
        yield unescaped
        if JOINT.search(unescaped.text):
            joined = _rewrite(unescaped.text, JOINT, None)
            yield View(joined.text, tuple(unescaped.origin[i] for i in joined.origin))
    if JOINT.search(text):
        yield _rewrite(text, JOINT, None)


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
