"""Find where a SEARCH text sits in a file: exactly first, then ever more tolerant, never guessing
between two places. Elided lines ('...', '# ... existing code ...') are handled in elision.py."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Strategy:
    name: str
    key: Callable[[str], str]
    skip_blank: bool = False  # blank lines on either side are ignored
    reindent: bool = False  # the whole block may sit at another indentation


def _same(line: str) -> str:
    return line


def _rstrip(line: str) -> str:
    return line.rstrip()


def _strip(line: str) -> str:
    return line.strip()


STRATEGIES = (
    Strategy("exact", _same),
    Strategy("trailing whitespace", _rstrip),
    Strategy("indentation", _strip, reindent=True),
    Strategy("blank lines", _strip, skip_blank=True, reindent=True),
)


@dataclass(frozen=True)
class Span:
    """Lines [start, end) of the file matched, and how to re-indent the replacement."""

    start: int
    end: int
    strategy: str
    indent_delta: int = 0  # columns the file's text sits right of SEARCH (negative: left)
    tabs: bool = False  # the file indents with tabs
    restyle: bool = False  # SEARCH indents with the other kind of whitespace


@dataclass(frozen=True)
class Located:
    span: Span
    new_lines: list[str]


@dataclass(frozen=True)
class NotFound:
    reason: str  # "missing" or "ambiguous"
    lines: tuple[int, ...] = ()  # 1-based first lines of the matches when ambiguous


def leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def trim_blank_edges(search: list[str], replace: list[str]) -> tuple[list[str], list[str]]:
    """Drop blank lines that both texts have at their start or end: unchanged context, not content."""
    while search and replace and not search[0].strip() and not replace[0].strip():
        search, replace = search[1:], replace[1:]
    while search and replace and not search[-1].strip() and not replace[-1].strip():
        search, replace = search[:-1], replace[:-1]
    return search, replace


TAB_WIDTH = 4  # how wide a tab counts when a model wrote spaces for it


def width(indent: str) -> int:
    return len(indent.expandtabs(TAB_WIDTH))


def _indent_shift(file_lines: list[str], search: list[str]) -> tuple[int, bool, bool] | None:
    """(columns shifted, file uses tabs, whitespace kinds differ), or None if the shift varies."""
    shifts = {width(leading(f)) - width(leading(s)) for f, s in zip(file_lines, search)}
    if len(shifts) != 1:
        return None
    tabs = any(leading(f).startswith("\t") for f in file_lines)
    restyle = any(("\t" in leading(f)) != ("\t" in leading(s)) for f, s in zip(file_lines, search) if leading(f) or leading(s))
    return shifts.pop(), tabs, restyle


def find_spans(lines: list[str], search: list[str], strategy: Strategy, lo: int = 0) -> list[Span]:
    """Every place in lines[lo:] where `search` matches under `strategy`."""
    index = [i for i in range(lo, len(lines)) if not strategy.skip_blank or lines[i].strip()]
    wanted = [s for s in search if not strategy.skip_blank or s.strip()]
    if not wanted:
        return []
    keys = [strategy.key(lines[i]) for i in index]
    target = [strategy.key(s) for s in wanted]
    spans: list[Span] = []
    for pos in range(len(keys) - len(target) + 1):
        if keys[pos] != target[0] or keys[pos : pos + len(target)] != target:
            continue
        start, end = index[pos], index[pos + len(target) - 1] + 1
        if not strategy.reindent:
            spans.append(Span(start, end, strategy.name))
            continue
        matched = [lines[index[pos + k]] for k in range(len(target)) if wanted[k].strip()]
        shift = _indent_shift(matched, [s for s in wanted if s.strip()])
        if shift is not None:
            spans.append(Span(start, end, strategy.name, *shift))
    return spans


def reindent(replace: list[str], span: Span) -> list[str]:
    """Shift the replacement as far as the matched text was shifted, in the file's kind of indentation."""
    if span.indent_delta == 0 and not span.restyle:
        return list(replace)
    shifted = []
    for line in replace:
        if not line.strip():
            shifted.append(line)
            continue
        columns = max(0, width(leading(line)) + span.indent_delta)
        indent = "\t" * (columns // TAB_WIDTH) + " " * (columns % TAB_WIDTH) if span.tabs else " " * columns
        shifted.append(indent + line.lstrip())
    return shifted


def search_spans(lines: list[str], search: list[str], lo: int = 0) -> list[Span]:
    """The matches of the first strategy that finds any: more than one means ambiguous."""
    for strategy in STRATEGIES:
        spans = find_spans(lines, search, strategy, lo)
        if spans:
            return spans
    return []


def locate_lines(lines: list[str], search: list[str], replace: list[str]) -> Located | NotFound:
    """Where `search` is in `lines` and what replaces it; whole lines only."""
    exact = find_spans(lines, search, STRATEGIES[0])
    if len(exact) > 1:
        return NotFound("ambiguous", tuple(s.start + 1 for s in exact))
    if exact:
        return Located(exact[0], list(replace))
    search, replace = trim_blank_edges(search, replace)
    for strategy in STRATEGIES[1:]:
        spans = find_spans(lines, search, strategy)
        if len(spans) > 1:
            return NotFound("ambiguous", tuple(s.start + 1 for s in spans))
        if spans:
            return Located(spans[0], reindent(replace, spans[0]))
    return NotFound("missing")


def _in_line(needle: str) -> re.Pattern[str]:
    """`needle` where it is not part of a longer word: RETRIES = 3 is not in MAX_RETRIES = 30."""
    before = r"(?<!\w)" if re.match(r"\w", needle) else ""
    after = r"(?!\w)" if re.search(r"\w$", needle) else ""
    return re.compile(before + re.escape(needle) + after)


def locate_in_line(lines: list[str], search: list[str], replace: list[str]) -> Located | NotFound:
    """A one-line SEARCH that is part of a line, on word boundaries: replace just that part. Only
    for a one-line REPLACE: lines added after part of a line would lose the line's indentation."""
    needle = search[0].strip() if len(search) == 1 else ""
    if not needle or len(replace) != 1:
        return NotFound("missing")
    pattern = _in_line(needle)
    hits = [i for i, line in enumerate(lines) if pattern.search(line)]
    if len(hits) > 1 or (hits and len(pattern.findall(lines[hits[0]])) > 1):
        return NotFound("ambiguous", tuple(i + 1 for i in hits))
    if not hits:
        return NotFound("missing")
    line = lines[hits[0]]
    found = pattern.search(line)
    assert found is not None
    joined = line[: found.start()] + replace[0].strip() + line[found.end() :]
    return Located(Span(hits[0], hits[0] + 1, "part of a line"), [joined])


def closest_text(lines: list[str], search: list[str], margin: int = 1) -> tuple[int, str, float] | None:
    """The file's lines most like `search` (1-based first line, text, similarity 0..1), for feedback."""
    wanted = [s.strip() for s in search if s.strip()]
    if not wanted or not lines:
        return None
    size = max(1, len([s for s in search if s.strip()]))
    wanted_set = set(wanted)
    overlap = [sum(1 for line in lines[i : i + size] if line.strip() in wanted_set) for i in range(max(1, len(lines) - size + 1))]
    best_overlap = sorted(range(len(overlap)), key=lambda i: -overlap[i])[:25]
    target = "\n".join(wanted)
    scored = []
    for start in best_overlap:
        window = "\n".join(line.strip() for line in lines[start : start + size])
        scored.append((difflib.SequenceMatcher(None, window, target, autojunk=False).ratio(), start))
    ratio, start = max(scored)
    first = max(0, start - margin)
    last = min(len(lines), start + size + margin)
    return first + 1, "\n".join(lines[first:last]), ratio
