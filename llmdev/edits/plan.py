"""Apply edit blocks in memory: every file's new bytes, or the reasons blocks failed. Nothing is written here."""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Sequence

from llmdev.edits.blocks import EditBlock
from llmdev.edits.containment import PathRefused, WorkTree
from llmdev.edits.elision import ElisionError, is_comment_marker, is_marker, locate_elided
from llmdev.edits.matching import Located, NotFound, closest_text, locate_in_line, locate_lines
from llmdev.edits.textfile import NotTextError, TextFile, decode, new_file


@dataclass(frozen=True)
class FileChange:
    """One file's bytes before and after; None before = created, None after = deleted."""

    path: str  # relative to the repository root, with '/'
    before: bytes | None
    after: bytes | None
    mode: int | None = None  # permission bits of the existing file

    @property
    def created(self) -> bool:
        return self.before is None

    @property
    def deleted(self) -> bool:
        return self.after is None


@dataclass(frozen=True)
class BlockFailure:
    block: EditBlock
    reason: str
    closest: str | None = None  # the real text most like SEARCH
    closest_line: int | None = None
    refused: bool = False  # a containment refusal: the whole run stops, no feedback round

    def describe(self) -> str:
        where = f"block {self.block.index} ({self.block.path})"
        return f"{where}: {self.reason}"


@dataclass
class EditPlan:
    changes: list[FileChange] = field(default_factory=list)
    failures: list[BlockFailure] = field(default_factory=list)
    applied: list[tuple[EditBlock, str]] = field(default_factory=list)  # each block and how it matched
    files: dict[str, TextFile] = field(default_factory=dict)  # the new text of each touched file

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def paths(self) -> list[str]:
        return [c.path for c in self.changes]


def text_lines(text: str) -> list[str]:
    """A block's text as lines; an empty REPLACE is no lines at all (a deletion), not one blank line."""
    return text.replace("\r\n", "\n").split("\n") if text else []


@dataclass
class _Loaded:
    original: bytes | None
    text: TextFile
    mode: int | None


class Planner:
    """Applies blocks one after another to in-memory copies of the files."""

    def __init__(self, root: Path, known_files: Sequence[str] = (), base: dict[str, TextFile] | None = None) -> None:
        self.root = root
        self.tree = WorkTree(root)
        self.known_files = list(known_files)
        self.base = base or {}
        self.loaded: dict[str, _Loaded] = {}
        self.last_block: dict[str, EditBlock] = {}
        self.plan = EditPlan()
        for path in self.base:
            self._load(path)

    def _load(self, path: str) -> _Loaded | None:
        if path in self.loaded:
            return self.loaded[path]
        target = self.root / path
        exists = target.is_file()
        if not exists and path not in self.base:
            return None
        data = target.read_bytes() if exists else None
        text = self.base[path].copy() if path in self.base else decode(data or b"")
        mode = stat.S_IMODE(target.stat().st_mode) if exists else None
        self.loaded[path] = _Loaded(data, text, mode)
        return self.loaded[path]

    def _fail(self, block: EditBlock, reason: str, text: TextFile | None = None) -> None:
        closest = closest_text(text.lines, block.search.split("\n")) if text is not None else None
        if closest is not None and closest[2] >= 0.5:
            self.plan.failures.append(BlockFailure(block, reason, closest[1], closest[0]))
        else:
            self.plan.failures.append(BlockFailure(block, reason))

    def _resolve(self, block: EditBlock) -> str | None:
        """The block's file, as its real path (symlinks followed, containment checked); a unique file
        with the same name elsewhere stands in for a wrong directory."""
        path = self.tree.contain(block.path)
        if path in self.loaded or (self.root / path).is_file() or block.creates_file or block.whole:
            return path
        suffix = "/" + path
        same = [f for f in self.known_files if f.endswith(suffix) or f == path]
        if not same:
            same = [f for f in self.known_files if PurePosixPath(f).name == PurePosixPath(path).name]
        return self.tree.contain(same[0]) if len(same) == 1 else None

    def add(self, block: EditBlock) -> None:
        try:
            path = self._resolve(block)
        except PathRefused as exc:
            self.plan.failures.append(BlockFailure(block, f"refused path {block.path!r}: {exc}", refused=True))
            return
        if path is None:
            near = difflib.get_close_matches(block.path, self.known_files, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(near)}?" if near else "; an empty SEARCH creates a new file"
            self._fail(block, f"the file does not exist{hint}")
            return
        try:
            loaded = self._load(path)
        except NotTextError as exc:
            self._fail(block, f"cannot edit this file: {exc}")
            return
        self.last_block[path] = block
        if block.whole:
            self._whole(block, path, loaded)
            return
        chosen = self._choose(block, loaded)
        if isinstance(chosen, str):
            self._fail(block, chosen)
            return
        block = chosen
        if block.creates_file:
            self._create(block, path, loaded)
        elif loaded is None:
            self._fail(block, "the file does not exist")
        else:
            self._replace(block, path, loaded)

    def _create(self, block: EditBlock, path: str, loaded: _Loaded | None) -> None:
        if loaded is not None and loaded.text.text().strip():
            self._fail(block, "SEARCH is empty but the file already exists: put the lines to change in SEARCH")
            return
        text = new_file(block.replace.replace("\r\n", "\n"))
        if loaded is not None:
            text.encoding, text.bom = loaded.text.encoding, loaded.text.bom
            loaded.text = text
        else:
            self.loaded[path] = _Loaded(None, text, None)
        self.plan.applied.append((block, "new file"))

    def _choose(self, block: EditBlock, loaded: _Loaded | None) -> EditBlock | str:
        """Of the ways to split a block with several divider-like lines, the first (longest SEARCH)
        whose SEARCH is in the file; the plain reading (first divider) when none is. Readings that
        differ only in whether ======= lines next to the divider end SEARCH or double the divider
        cannot be told apart when more than one is in the file (once, or in several places): that
        is a failure, not a guess."""
        if loaded is None or not block.alternatives:
            return block
        readings = [*block.alternatives, (block.search, block.replace)]
        for _, group in itertools.groupby(readings, key=lambda reading: reading[1]):
            group = list(group)
            found = [(s, r, self._presence(loaded, s, r)) for s, r in group if s.strip()]
            matching = [(s, r) for s, r, presence in found if presence == "once"]
            # a reading whose SEARCH is only blank lines could mean any blank line, and one whose
            # SEARCH is in several places could still be the one meant: neither can be ruled out
            blank = len(group) > 1 and any(not s.strip() for s, _ in group)
            present = sum(presence != "absent" for _, _, presence in found)
            if matching and (present > 1 or blank):
                return "its ======= lines could end SEARCH or be a doubled divider, and both readings match the file: write the divider once"
            if matching:
                return dataclasses.replace(block, search=matching[0][0], replace=matching[0][1], alternatives=())
        return block

    def _presence(self, loaded: _Loaded, search: str, replace: str) -> str:
        """Whether SEARCH is in the file "once", in "several" places, or "absent"."""
        found = self._find(loaded.text.lines, search.split("\n"), text_lines(replace))
        if isinstance(found, Located):
            return "once"
        return "several" if isinstance(found, NotFound) and found.reason == "ambiguous" else "absent"

    def _whole(self, block: EditBlock, path: str, loaded: _Loaded | None) -> None:
        """The model sent the file's whole new text: refuse it if it skips lines with '...'."""
        text = new_file(block.replace.replace("\r\n", "\n"))
        old = set(loaded.text.lines) if loaded is not None else set()
        if any(is_comment_marker(line) for line in text.lines if line not in old):
            self._fail(block, "the file's new text skips lines with a '...' comment: send the whole file, every line")
            return
        if loaded is None:
            self.loaded[path] = _Loaded(None, text, None)
        else:
            loaded.text.replace_lines(0, len(loaded.text.lines), text.lines)
        self.plan.applied.append((block, "whole file"))

    def _replace(self, block: EditBlock, path: str, loaded: _Loaded) -> None:
        search = block.search.replace("\r\n", "\n").split("\n")
        replace = text_lines(block.replace)
        lines = loaded.text.lines
        if not any(is_marker(s) for s in search) and any(is_comment_marker(r) and r not in lines for r in replace):
            self._fail(block, "REPLACE skips lines with a '...' comment that SEARCH does not: write the new lines in full", loaded.text)
            return
        found = self._locate(lines, search, replace)
        if isinstance(found, str):
            self._fail(block, found, loaded.text)
            return
        loaded.text.replace_lines(found.span.start, found.span.end, found.new_lines)
        self.plan.applied.append((block, found.span.strategy))

    def _locate(self, lines: list[str], search: list[str], replace: list[str]) -> Located | str:
        found = self._find(lines, search, replace)
        if isinstance(found, (Located, str)):
            return found
        if found.reason == "ambiguous":
            at = ", ".join(str(n) for n in found.lines[:6])
            return f"SEARCH matches {len(found.lines)} places (lines {at}): add surrounding lines so it matches one"
        return "SEARCH does not match the file"

    def _find(self, lines: list[str], search: list[str], replace: list[str]) -> Located | NotFound | str:
        """Where SEARCH is: exactly, then with '...' elisions, then within a line; a str when the
        elisions themselves cannot be read."""
        found = locate_lines(lines, search, replace)
        if isinstance(found, NotFound) and found.reason == "missing" and any(is_marker(s) for s in search):
            try:
                found = locate_elided(lines, search, replace)
            except ElisionError as exc:
                return str(exc)
        if isinstance(found, NotFound) and found.reason == "missing":
            found = locate_in_line(lines, search, replace)
        return found

    def finish(self) -> EditPlan:
        for path, loaded in self.loaded.items():
            try:
                after = loaded.text.to_bytes()
            except UnicodeEncodeError as exc:
                self._fail(self.last_block[path], f"the new text cannot be written as {loaded.text.encoding}: {exc.reason}")
                continue
            self.plan.files[path] = loaded.text
            if after != loaded.original:
                self.plan.changes.append(FileChange(path, loaded.original, after, loaded.mode))
        return self.plan


def plan_edits(
    root: Path,
    blocks: Sequence[EditBlock],
    *,
    known_files: Sequence[str] = (),
    base: dict[str, TextFile] | None = None,
) -> EditPlan:
    """Apply `blocks` in order to copies of the files under `root` (or to `base` texts where given)."""
    planner = Planner(root, known_files, base)
    for block in blocks:
        planner.add(block)
    return planner.finish()
