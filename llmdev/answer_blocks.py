"""Split streamed Markdown into blocks as they complete, so each is rendered once.

A block ends at a blank line outside a code fence, or at the line that closes its fence. A block
that grows past `max_lines` without ending is cut at a line end (a fenced one is closed and
reopened), so the part still open, which a terminal re-renders on each update, stays small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


@dataclass(frozen=True)
class Block:
    text: str
    continues: bool = False  # the rest of a cut block: no blank line before it
    cut: bool = False  # more of the same block follows

    @property
    def is_rule(self) -> bool:
        """A horizontal rule, which Rich puts no blank line after."""
        return bool(RULE.match(self.text))


@dataclass
class BlockSplitter:
    max_lines: int = 40
    _lines: list[str] = field(default_factory=list)  # the open block's complete lines
    _partial: list[str] = field(default_factory=list)  # the line being received
    _fence: str = ""  # the open fence's marker, "" outside code
    _opening: str = ""  # the line that opened it
    _continues: bool = False

    def feed(self, chunk: str) -> list[Block]:
        """Take a chunk; return the blocks it completed."""
        if "\n" not in chunk:
            self._partial.append(chunk)
            return []
        head, *middle, tail = chunk.split("\n")
        self._partial.append(head)
        done: list[Block] = []
        for line in ["".join(self._partial), *middle]:
            done.extend(self._line(line))
        self._partial = [tail] if tail else []
        return done

    def open_text(self) -> str:
        """The open block as received so far (what a terminal shows live)."""
        return "\n".join([*self._lines, "".join(self._partial)]).strip("\n")

    def finish(self) -> list[Block]:
        """The open block, complete at the end of the stream."""
        if self._partial:
            self._lines.append("".join(self._partial))
            self._partial = []
        return self._emit()

    def _line(self, line: str) -> list[Block]:
        if self._fence:
            return self._in_fence(line)
        opening = FENCE.match(line)
        if opening:
            done = self._emit()
            self._fence, self._opening = opening.group(1), line
            self._lines.append(line)
            return done
        if not line.strip():
            done = self._emit()
            self._continues = False
            return done
        self._lines.append(line)
        return self._emit(cut=True) if len(self._lines) >= self.max_lines else []

    def _in_fence(self, line: str) -> list[Block]:
        self._lines.append(line)
        stripped = line.strip()
        if stripped.startswith(self._fence) and not stripped.strip(self._fence[0]):
            self._fence = ""
            return self._emit()
        if len(self._lines) >= self.max_lines:
            fence, opening = self._fence, self._opening
            self._lines.append(fence)
            done = self._emit(cut=True)
            self._fence, self._opening, self._lines = fence, opening, [opening]
            return done
        return []

    def _emit(self, cut: bool = False) -> list[Block]:
        if not self._lines:
            return []
        block = Block("\n".join(self._lines), continues=self._continues, cut=cut)
        self._lines, self._continues = [], cut
        return [block]
