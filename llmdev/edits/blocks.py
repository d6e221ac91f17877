"""Parse the model's edit blocks (format defined in prompts/gen/format.md), tolerating fences,
prose around the blocks, CRLF, and the file name written in a few different ways."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEARCH = re.compile(r"^\s*<{5,9}\s*SEARCH\b.*$", re.IGNORECASE)
DIVIDER = re.compile(r"^\s*={5,9}\s*$")
REPLACE = re.compile(r"^\s*>{5,9}\s*REPLACE\b.*$", re.IGNORECASE)
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")
COMMIT = re.compile(r"^\s*\**commit message\**\s*:\s*\**\s*(.+?)\s*$", re.IGNORECASE)
PATH_LIKE = re.compile(r"^[\w@+.\-~][\w@+.\-~/\\]*$")
TICKED = re.compile(r"`([^`\s]+)`")
DECORATION = re.compile(r"^(?:#+\s*|[-*]\s+|\d+[.)]\s+)?(?:\*\*)?(?:(?:file|filename|path)\s*:\s*)?", re.IGNORECASE)
LOOKBACK = 3  # non-blank lines above a SEARCH marker searched for the file name


@dataclass(frozen=True)
class EditBlock:
    """Replace `search` with `replace` in `path`; an empty `search` creates the file."""

    path: str
    search: str
    replace: str
    index: int  # 1-based position in the answer, for messages

    @property
    def creates_file(self) -> bool:
        return not self.search.strip()


@dataclass
class ParsedEdits:
    blocks: list[EditBlock] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # blocks that could not be read
    commit_message: str | None = None
    prose: str = ""  # the answer without its edit blocks (a diagnosis, an explanation)


def clean_path(candidate: str) -> str | None:
    """A file path from a line like '**src/app.py**', 'File: `app.py`:' or '```python app.py'; None if prose."""
    text = candidate.strip()
    fence = FENCE.match(text)
    if fence:
        words = fence.group(2).split()
        text = words[-1] if len(words) >= 1 and ("." in words[-1] or "/" in words[-1]) else ""
    text = DECORATION.sub("", text).strip().strip("*`'\"").rstrip(":").strip("*`'\"").strip()
    if text.startswith("./"):
        text = text[2:]
    if text and PATH_LIKE.match(text) and ("." in text or "/" in text) and not text.endswith("."):
        return text.replace("\\", "/")
    ticked = [t.strip("'\"") for t in TICKED.findall(candidate)]
    ticked = [t[2:] if t.startswith("./") else t for t in ticked if PATH_LIKE.match(t) and ("." in t or "/" in t)]
    return ticked[-1].replace("\\", "/") if ticked else None


def _path_above(lines: list[str], marker: int, stop: int) -> str | None:
    seen = 0
    for index in range(marker - 1, stop - 1, -1):
        line = lines[index]
        if not line.strip() or FENCE.match(line) and not clean_path(line):
            continue
        seen += 1
        path = clean_path(line)
        if path:
            return path
        if seen >= LOOKBACK:
            break
    return None


def _collect(lines: list[str], start: int, end_marker: re.Pattern[str]) -> tuple[list[str], int] | None:
    """Lines from `start` up to the marker; the marker's index, or None if the answer ends first."""
    for index in range(start, len(lines)):
        if end_marker.match(lines[index]):
            return lines[start:index], index
        if SEARCH.match(lines[index]):
            return None
    return None


def parse_edit_blocks(answer: str) -> ParsedEdits:
    """Every edit block in the answer, in order, plus what could not be read."""
    lines = answer.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    parsed = ParsedEdits()
    prose: list[str] = []
    last_path: str | None = None
    index = 0
    block_end = 0  # the path of a block is looked up only in lines after the previous block
    while index < len(lines):
        line = lines[index]
        if not SEARCH.match(line):
            commit = COMMIT.match(line)
            if commit and parsed.commit_message is None:
                parsed.commit_message = commit.group(1).strip("`*\"' ")
            else:
                prose.append(line)
            index += 1
            continue
        number = len(parsed.blocks) + len(parsed.problems) + 1
        path = _path_above(lines, index, block_end) or last_path
        search = _collect(lines, index + 1, DIVIDER)
        replace = _collect(lines, search[1] + 1, REPLACE) if search else None
        if search is None or replace is None:
            parsed.problems.append(f"block {number} is not closed: each block needs the divider and the REPLACE marker")
            index += 1
            block_end = index
            continue
        if path is None:
            parsed.problems.append(f"block {number} has no file path on the line above its SEARCH marker")
        else:
            parsed.blocks.append(EditBlock(path, "\n".join(search[0]), "\n".join(replace[0]), number))
            last_path = path
        index = replace[1] + 1
        if index < len(lines) and FENCE.match(lines[index]) and not FENCE.match(lines[index]).group(2).strip():  # type: ignore[union-attr]
            index += 1  # the fence that closed the block
        block_end = index
        _drop_trailing_header(prose, path)
    parsed.prose = _tidy_prose(prose)
    return parsed


def _drop_trailing_header(prose: list[str], path: str | None) -> None:
    """Remove the path line and the opening fence that belonged to the block from the prose."""
    while prose and (not prose[-1].strip() or FENCE.match(prose[-1]) or (path and clean_path(prose[-1]) == path)):
        prose.pop()


def _tidy_prose(prose: list[str]) -> str:
    text = "\n".join(prose)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
