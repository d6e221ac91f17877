"""SEARCH texts that skip unchanged lines with '...' or '# ... existing code ...': match the parts
in order and keep the skipped lines as they are."""

from __future__ import annotations

import re

from llmdev.edits.matching import Located, NotFound, Span, reindent, search_spans, trim_blank_edges

BARE = re.compile(r"^\s*(?:\.\.\.|…)\s*$")
COMMENT = re.compile(r"^\s*(?:#|//|/\*+|<!--|--|;+|\*)\s*(.*?)\s*(?:\*/|-->)?\s*$")
WORDS = re.compile(r"(\.\.\.|…|\b(existing|unchanged|rest of|remaining|omitted|same as before|other code)\b)", re.IGNORECASE)


class ElisionError(ValueError):
    """The elided parts of SEARCH and REPLACE cannot be lined up."""


def is_marker(line: str) -> bool:
    """A line that stands for skipped, unchanged code."""
    if BARE.match(line):
        return True
    comment = COMMENT.match(line)
    return bool(comment and comment.group(1) and WORDS.search(comment.group(1)))


def is_comment_marker(line: str) -> bool:
    """A marker that cannot be real code (unlike a bare '...', which is valid Python)."""
    return is_marker(line) and not BARE.match(line)


def split_on_markers(lines: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for line in lines:
        if is_marker(line):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def _paired_parts(search: list[str], replace: list[str]) -> list[tuple[list[str], list[str]]]:
    search_parts, replace_parts = split_on_markers(search), split_on_markers(replace)
    if len(search_parts) != len(replace_parts):
        raise ElisionError(
            f"SEARCH skips lines at {len(search_parts) - 1} place(s) but REPLACE at {len(replace_parts) - 1}: "
            "use the same '...' markers in both, or write the lines out in full"
        )
    pairs = [trim_blank_edges(s, r) for s, r in zip(search_parts, replace_parts)]
    while pairs and not any(x.strip() for x in pairs[0][0]) and not any(x.strip() for x in pairs[0][1]):
        pairs.pop(0)
    while pairs and not any(x.strip() for x in pairs[-1][0]) and not any(x.strip() for x in pairs[-1][1]):
        pairs.pop()
    if not pairs or any(not any(x.strip() for x in s) for s, _ in pairs):
        raise ElisionError("a '...' marker in SEARCH must have lines from the file on both sides")
    return pairs


def _chain(lines: list[str], parts: list[list[str]], first: Span) -> list[Span] | None:
    """The spans of each part, each found after the one before."""
    spans = [first]
    for part in parts[1:]:
        following = search_spans(lines, part, spans[-1].end)
        if not following:
            return None
        spans.append(following[0])
    return spans


def locate_elided(lines: list[str], search: list[str], replace: list[str]) -> Located | NotFound:
    """Match SEARCH parts between markers in order; REPLACE parts go in their place, skipped lines stay."""
    pairs = _paired_parts(search, replace)
    parts = [s for s, _ in pairs]
    chains = [c for c in (_chain(lines, parts, span) for span in search_spans(lines, parts[0])) if c]
    if len(chains) > 1:
        return NotFound("ambiguous", tuple(c[0].start + 1 for c in chains))
    if not chains:
        return NotFound("missing")
    spans = chains[0]
    new_lines: list[str] = []
    for number, (span, (_, part_replace)) in enumerate(zip(spans, pairs)):
        new_lines.extend(reindent(part_replace, span))
        if number + 1 < len(spans):
            new_lines.extend(lines[span.end : spans[number + 1].start])
    whole = Span(spans[0].start, spans[-1].end, "elided lines")
    return Located(whole, new_lines)
