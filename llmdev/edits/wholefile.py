"""Parse whole-file answers (format in prompts/gen/format-whole.md): each file's path alone on a
line, then its entire new text in a fence. A fence line inside the text is content when it opens
(or closes) an inner fenced block; when the file's end cannot be told for certain the block is a
problem and the run is refused, never guessed."""

from __future__ import annotations

import re
from typing import Collection

from llmdev.edits.blocks import COMMIT, REPLACE, SEARCH, EditBlock, ParsedEdits
from llmdev.edits.paths import FENCE, fence_path, path_line


def _close(lines: list[str], start: int, ticks: str) -> int | None:
    """The index of the fence that ends a file opened with `ticks` just before `start`, or None.
    A longer opening fence ends only at a fence as long; a plain one tracks inner fenced blocks."""
    depth = 0
    for index in range(start, len(lines)):
        found = FENCE.match(lines[index])
        if not found or found.group(1)[0] != ticks[0]:
            continue
        bare = not found.group(2)
        if len(ticks) > 3:
            if bare and len(found.group(1)) >= len(ticks):
                return index
        elif not bare:
            depth += 1
        elif depth:
            depth -= 1
        else:
            return index
    return None


class _Parser:
    def __init__(self, answer: str, known: Collection[str]) -> None:
        self.lines = answer.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.known = known
        self.parsed = ParsedEdits()
        self.prose: list[str] = []
        self.after_file = False  # a file block closed and no other opened since

    def problem(self, reason: str) -> None:
        self.parsed.problems.append(f"block {len(self.parsed.blocks) + len(self.parsed.problems) + 1}: {reason}")

    def header(self, fence: int) -> str | None:
        named = fence_path(self.lines[fence], self.known)
        if named:
            return named
        above = next((n for n in range(len(self.prose) - 1, -1, -1) if self.prose[n].strip()), None)
        if above is None:
            return None
        path = path_line(self.prose[above], self.known)
        if path:
            del self.prose[above:]
        return path

    def file(self, fence: int, path: str) -> int:
        ticks = FENCE.match(self.lines[fence]).group(1)  # type: ignore[union-attr]
        end = _close(self.lines, fence + 1, ticks)
        if end is None:
            self.problem(f"the text of {path} is not closed: the answer ends before its closing {ticks}")
            return len(self.lines)
        body = self.lines[fence + 1 : end]
        if any(SEARCH.match(line) or REPLACE.match(line) for line in body):
            self.problem(f"the text of {path} holds SEARCH/REPLACE markers: send the file's whole text instead")
        else:
            number = len(self.parsed.blocks) + len(self.parsed.problems) + 1
            self.parsed.blocks.append(EditBlock(path, "", "\n".join(body) + "\n", number, whole=True))
        self.after_file = True
        return end + 1

    def prose_fence(self, index: int) -> int:
        """A fenced block in the prose: skipped whole; a plain one right after a file means the
        file's text may have ended early (it held a ``` line), so the run is refused."""
        found = FENCE.match(self.lines[index])
        assert found is not None
        if self.after_file and not found.group(2):
            self.problem("a ``` line follows the end of the file above: if the file holds ``` lines, open it with ````")
        end = _close(self.lines, index + 1, found.group(1))
        stop = len(self.lines) if end is None else end + 1
        self.prose += self.lines[index:stop]
        return stop

    def run(self) -> ParsedEdits:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if FENCE.match(line):
                path = self.header(index)
                index = self.file(index, path) if path else self.prose_fence(index)
                continue
            commit = COMMIT.match(line)
            if commit and self.parsed.commit_message is None:
                self.parsed.commit_message = commit.group(1).strip("`*\"' ")
            else:
                self.prose.append(line)
            index += 1
        self.parsed.prose = re.sub(r"\n{3,}", "\n\n", "\n".join(self.prose)).strip()
        return self.parsed


def parse_whole_files(answer: str, known_files: Collection[str] = ()) -> ParsedEdits:
    """Every file the answer gives in full, in order, plus a problem for each that cannot be read."""
    return _Parser(answer, frozenset(known_files)).run()
