"""Which earlier commit wrote the lines a fix changed: `git blame` on the fix's parent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository


@dataclass(frozen=True)
class BlamedLine:
    sha: str  # the commit that last wrote the line
    path: str  # the file's path in that commit
    line: int  # the line's number in that commit


def line_ranges(lines: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted line numbers as inclusive (first, last) runs: [3, 4, 5, 9] -> [(3, 5), (9, 9)]."""
    ranges: list[tuple[int, int]] = []
    for number in sorted(set(lines)):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges


def blame_lines(repo: "Repository", rev: str, path: str, lines: Sequence[int]) -> list[BlamedLine]:
    """For each of `lines` of `path` at `rev`: the commit, path and line number that introduced it."""
    if not lines:
        return []
    args = ["blame", "--line-porcelain"]
    for first, last in line_ranges(lines):
        args += ["-L", f"{first},{last}"]
    output = repo.git_bytes(*args, rev, "--", path, check=False)
    return _parse_porcelain(output.decode("utf-8", "surrogateescape"))


def _parse_porcelain(text: str) -> list[BlamedLine]:
    found: list[BlamedLine] = []
    sha, original, filename = "", 0, ""
    for row in text.splitlines():
        if row.startswith("\t"):  # the line's content ends one entry
            if sha:
                found.append(BlamedLine(sha, filename, original))
            sha, original, filename = "", 0, ""
            continue
        head, _, rest = row.partition(" ")
        if len(head) in (40, 64) and all(c in "0123456789abcdef" for c in head) and not sha:
            sha, original = head, int(rest.split(" ")[0])
        elif head == "filename":
            filename = rest
    return found
