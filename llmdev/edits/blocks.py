"""Parse the model's SEARCH/REPLACE blocks (format in prompts/gen/format.md).

Markers count only where the format puts them: a block opens at a `<<<<<<< SEARCH` line and closes
at the first `>>>>>>> REPLACE` line. Any `=======` line between them may be the divider, because a
SEARCH text may itself hold such lines (an rST underline, a conflict marker): every possible split
is kept, longest SEARCH first, and the planner takes the first whose SEARCH is in the file. Adjacent
divider lines count as one (models sometimes double it). Each block names its own file on the line
just above it (or in its fence); a block that cannot be read is a problem that refuses the run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Collection

from llmdev.edits.paths import FENCE, comment_path, fence_path, path_line

SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\s*$", re.IGNORECASE)
DIVIDER = re.compile(r"^\s*={5,9}\s*$")
REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\s*$", re.IGNORECASE)
COMMIT = re.compile(r"^\s*\**commit message\**\s*:\s*\**\s*(.+?)\s*$", re.IGNORECASE)

Reading = tuple[str, str]  # (search, replace)


@dataclass(frozen=True)
class EditBlock:
    """Replace `search` with `replace` in `path`; an empty `search` creates the file; `whole`
    replaces the file's whole text with `replace`."""

    path: str
    search: str
    replace: str
    index: int  # 1-based position in the answer, for messages
    whole: bool = False
    alternatives: tuple[Reading, ...] = ()  # other splits at a divider-like line, tried first, longest SEARCH first

    @property
    def creates_file(self) -> bool:
        return not self.whole and not self.search.strip()


@dataclass
class ParsedEdits:
    blocks: list[EditBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # blocks that could not be read: the run is refused
    commit_message: str | None = None
    prose: str = ""  # the answer without its edit blocks (a diagnosis, an explanation)


def open_fence(lines: list[str], start: int, stop: int) -> int | None:
    """The line of the fence still open just before `stop` (scanning from `start`), or None."""
    opened: tuple[int, str, int] | None = None
    for index in range(start, stop):
        found = FENCE.match(lines[index])
        if not found:
            continue
        ticks = found.group(1)
        if opened is None:
            opened = (index, ticks[0], len(ticks))
        elif not found.group(2) and ticks[0] == opened[1] and len(ticks) >= opened[2]:
            opened = None
    return opened[0] if opened else None


def _above(lines: list[str], index: int, floor: int) -> int | None:
    for above in range(index - 1, floor - 1, -1):
        if lines[above].strip():
            return above
    return None


def block_path(lines: list[str], marker: int, floor: int, known: Collection[str]) -> tuple[set[str], list[int]]:
    """The paths a block's header names (a comment line just above the marker, the info string of
    the fence it opens in, the line just above that fence or the marker) and the header's lines."""
    names: set[str] = set()
    used: list[int] = []
    index = _above(lines, marker, floor)
    if index is not None and (commented := comment_path(lines[index], known)):
        names.add(commented)
        used.append(index)
        index = _above(lines, index, floor)
    if index is not None and index == open_fence(lines, floor, marker):
        used.append(index)
        if info := fence_path(lines[index], known):
            names.add(info)
        index = _above(lines, index, floor)
    if index is not None and (alone := path_line(lines[index], known)):
        names.add(alone)
        used.append(index)
    return names, used


def readings(body: list[str]) -> tuple[list[Reading], str | None]:
    """Every split of a block's lines at a divider, longest SEARCH first; or the reason there is none."""
    dividers = [k for k, line in enumerate(body) if DIVIDER.match(line)]
    if not dividers:
        return [], "it has no ======= line between SEARCH and REPLACE"
    runs: list[list[int]] = []
    for k in dividers:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    splits: list[tuple[int, int]] = []  # (last SEARCH line + 1, first REPLACE line)
    for run in runs:
        if len(run) > 1 and run[-1] == len(body) - 1:
            return [], "it ends with two ======= lines, so an empty REPLACE cannot be told from a REPLACE of '======='"
        splits += [(k, run[-1] + 1) for k in run]
    splits.sort(reverse=True)
    return [("\n".join(body[:k]), "\n".join(body[start:])) for k, start in splits], None


def _body(lines: list[str], start: int) -> tuple[int | None, str | None]:
    """The index of the block's REPLACE marker, or the reason the block is not closed."""
    for index in range(start, len(lines)):
        if REPLACE.match(lines[index]):
            return index, None
        if SEARCH.match(lines[index]):
            return None, f"a second SEARCH marker (line {index + 1}) comes before its REPLACE marker"
    return None, "it is not closed: the answer ends before its >>>>>>> REPLACE marker"


class _Parser:
    def __init__(self, answer: str, known: Collection[str]) -> None:
        self.lines = answer.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.known = known
        self.parsed = ParsedEdits()
        self.consumed: set[int] = set()
        self.floor = 0  # a header is looked for only below the previous block

    def number(self) -> int:
        return len(self.parsed.blocks) + len(self.parsed.problems) + 1

    def problem(self, reason: str) -> None:
        self.parsed.problems.append(f"block {self.number()}: {reason}")

    def block(self, marker: int) -> int:
        """Parse the block opening at `marker`; the index of the line after it."""
        end, why = _body(self.lines, marker + 1)
        if end is None:
            self.problem(why or "it is not closed")
            return len(self.lines)
        self.consumed.update(range(marker, end + 1))
        names, used = block_path(self.lines, marker, self.floor, self.known)
        self.consumed.update(used)
        found, why = readings(self.lines[marker + 1 : end])
        if len(names) != 1:
            self.problem("no file path on the line just above it" if not names else f"its header names more than one file: {', '.join(sorted(names))}")
        elif why:
            self.problem(why)
        else:
            search, replace = found[-1]
            self.parsed.blocks.append(EditBlock(names.pop(), search, replace, self.number(), alternatives=tuple(found[:-1])))
        after = end + 1
        if after < len(self.lines) and FENCE.match(self.lines[after]) and not FENCE.match(self.lines[after]).group(2):  # type: ignore[union-attr]
            self.consumed.add(after)
            after += 1
        self.floor = after
        return after

    def run(self) -> ParsedEdits:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if SEARCH.match(line):
                index = self.block(index)
                continue
            if REPLACE.match(line):
                self.problem(f"a >>>>>>> REPLACE marker (line {index + 1}) has no SEARCH marker before it")
            commit = COMMIT.match(line)
            if commit and self.parsed.commit_message is None:
                self.parsed.commit_message = commit.group(1).strip("`*\"' ")
                self.consumed.add(index)
            index += 1
        prose = [line for n, line in enumerate(self.lines) if n not in self.consumed]
        self.parsed.prose = re.sub(r"\n{3,}", "\n\n", "\n".join(prose)).strip()
        return self.parsed


def parse_edit_blocks(answer: str, known_files: Collection[str] = ()) -> ParsedEdits:
    """Every SEARCH/REPLACE block in the answer, in order, plus a problem for each that cannot be
    read. `known_files` lets a bare path without a dot (`Makefile`, `run`) name an existing file."""
    return _Parser(answer, frozenset(known_files)).run()
