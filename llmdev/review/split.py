"""Fit a change into the model's window: group files into requests, split a file too big for one,
and say what could not be sent. Nothing is cut silently."""

from __future__ import annotations

from dataclasses import dataclass, field

from llmdev.review.findings import SkippedFile
from llmdev.tokens import estimate_tokens


@dataclass
class HunkPiece:
    """One hunk of one file as it goes into a prompt: the numbered diff and its repository context."""

    diff_text: str
    context_blocks: tuple[str, ...]  # enclosing code, definitions, callers; shared blocks are sent once
    first_line: int  # new-side lines it covers, for skip reasons
    last_line: int

    @property
    def diff_tokens(self) -> int:
        return estimate_tokens(self.diff_text)

    @property
    def context_tokens(self) -> int:
        return sum(estimate_tokens(block) + 1 for block in self.context_blocks)


@dataclass
class FileUnit:
    """A file's pieces that travel in one request (all of them, unless the file had to be split)."""

    path: str
    heading: str
    pieces: list[HunkPiece]
    with_context: bool = True
    part: tuple[int, int] | None = None  # (n, of) when the file is split over requests
    old_path: str | None = None  # where a renamed or copied file came from
    blob: str | None = None  # the git blob of the new side, when known

    def tokens(self) -> int:
        body = sum(p.diff_tokens + (p.context_tokens if self.with_context else 0) for p in self.pieces)
        return body + estimate_tokens(self.heading) + 2


@dataclass
class Batch:
    units: list[FileUnit] = field(default_factory=list)

    def tokens(self) -> int:
        return sum(u.tokens() for u in self.units)

    def paths(self) -> list[str]:
        return list(dict.fromkeys(u.path for u in self.units))


@dataclass
class Plan:
    batches: list[Batch]
    skipped: list[SkippedFile]
    notes: list[str]  # what was left out of the prompt to fit, e.g. context of a large file


def _split_file(unit: FileUnit, budget: int, skipped: list[SkippedFile]) -> list[FileUnit]:
    """A file too big for one request, as several units of consecutive hunks (without context)."""
    parts: list[list[HunkPiece]] = [[]]
    overhead = estimate_tokens(unit.heading) + 2
    for piece in unit.pieces:
        if piece.diff_tokens + overhead > budget:
            skipped.append(SkippedFile(unit.path, (
                f"lines {piece.first_line}-{piece.last_line} not reviewed: that hunk alone is ~{piece.diff_tokens} tokens, "
                f"over the {budget}-token room one request has"
            )))
            continue
        if parts[-1] and sum(p.diff_tokens for p in parts[-1]) + piece.diff_tokens + overhead > budget:
            parts.append([])
        parts[-1].append(piece)
    parts = [p for p in parts if p]
    return [
        FileUnit(unit.path, unit.heading, pieces, with_context=False, part=(n, len(parts)) if len(parts) > 1 else None, old_path=unit.old_path, blob=unit.blob)
        for n, pieces in enumerate(parts, 1)
    ]


def _fitted(unit: FileUnit, budget: int, skipped: list[SkippedFile], notes: list[str]) -> list[FileUnit]:
    """The unit as it can be sent: whole, without its context, or split by hunks."""
    if unit.tokens() <= budget:
        return [unit]
    unit.with_context = False
    if any(p.context_blocks for p in unit.pieces):
        notes.append(f"{unit.path}: repository context left out to fit the model's window")
    if unit.tokens() <= budget:
        return [unit]
    units = _split_file(unit, budget, skipped)
    if len(units) > 1:
        notes.append(f"{unit.path}: split over {len(units)} requests to fit the model's window")
    return units


def plan_batches(units: list[FileUnit], budget: int, max_requests: int) -> Plan:
    """Pack files, in path order, into as few requests as fit `budget` tokens each, at most `max_requests`."""
    skipped: list[SkippedFile] = []
    notes: list[str] = []
    batches: list[Batch] = []
    for unit in sorted(units, key=lambda u: u.path):
        for fitted in _fitted(unit, budget, skipped, notes):
            if batches and batches[-1].tokens() + fitted.tokens() <= budget:
                batches[-1].units.append(fitted)
            else:
                batches.append(Batch([fitted]))
    if len(batches) > max_requests:
        for batch in batches[max_requests:]:
            for unit in batch.units:
                skipped.append(SkippedFile(unit.path, f"not reviewed: the change needs {len(batches)} requests, "
                                                      f"over the limit of {max_requests} ([review] max_requests)"))
        batches = batches[:max_requests]
    return Plan(batches, skipped, notes)
