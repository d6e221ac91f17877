"""Scan a prompt (its messages and the files it includes) for secrets and private paths."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from llmdev.privacy.paths import PathRules, diff_sections
from llmdev.privacy.secrets import find_secrets
from llmdev.provenance import FencedPiece, fenced_pieces, piece_at

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.schema import PrivacyConfig

PRIVATE_FILE = "private-file"
PRIVATE_DIFF = "private-diff"
PRIVATE_CONTEXT = "private-context"  # a fenced piece (definition, caller, code, map) from a private path
PRIVATE_KINDS = (PRIVATE_FILE, PRIVATE_DIFF, PRIVATE_CONTEXT)


@dataclass(frozen=True)
class Finding:
    """Something that must not reach a remote model. `value` is never shown to anyone."""

    kind: str  # a secret kind (see privacy.secrets), or private-file / private-diff
    path: str | None = None  # the file it is in, when known
    message: int | None = None  # index into the messages
    line: int | None = None  # 1-based, within that message
    start: int = 0
    end: int = 0
    rule: str | None = None  # the private path pattern that matched
    value: str = field(default="", repr=False)

    @property
    def is_secret(self) -> bool:
        return self.kind not in PRIVATE_KINDS

    def where(self) -> str:
        place = [f"message {self.message + 1}"] if self.message is not None else []
        if self.line is not None:
            place.append(f"line {self.line}")
        spot = ", ".join(place)
        if self.kind == PRIVATE_FILE:
            return f"{self.path} (included file; private by '{self.rule}')"
        if self.kind == PRIVATE_DIFF:
            return f"{self.path} (diff in {spot}; private by '{self.rule}')"
        if self.kind == PRIVATE_CONTEXT:
            return f"{self.path} (context in {spot}; private by '{self.rule}')"
        return f"{self.path} ({spot})" if self.path else spot

    def describe(self) -> str:
        label = "private file" if not self.is_secret else self.kind
        return f"{label} in {self.where()}" if self.is_secret else f"{label} {self.where()}"

    def as_dict(self) -> dict[str, object]:
        number = None if self.message is None else self.message + 1  # as in messages: "message 2"
        return {"kind": self.kind, "path": self.path, "message": number, "line": self.line, "rule": self.rule}


@dataclass
class ScanReport:
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def secrets(self) -> list[Finding]:
        return [f for f in self.findings if f.is_secret]

    @property
    def private_paths(self) -> list[str]:
        return sorted({f.path for f in self.findings if not f.is_secret and f.path})

    def summary(self, limit: int = 6) -> str:
        """What was found and where, without any secret."""
        shown = [f.describe() for f in self.findings[:limit]]
        more = len(self.findings) - limit
        return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def file_at(text: str, offset: int, files: Sequence[str], pieces: list[FencedPiece] | None = None) -> str | None:
    """The file a position in a prompt belongs to: its fenced piece, its diff section, or the last
    file named before it."""
    piece = piece_at(fenced_pieces(text) if pieces is None else pieces, offset)
    if piece is not None and piece.path:
        return piece.path
    for section in diff_sections(text):
        if section.start <= offset < section.end:
            return section.path
    best: tuple[int, str] | None = None
    for path in files:
        position = text.rfind(path, 0, offset)
        if position >= 0 and (best is None or position > best[0]):
            best = (position, path)
    return best[1] if best else None


def private_kind(piece_kind: str) -> str:
    """The finding (and placeholder) kind for a private piece of `piece_kind`."""
    return {"diff": PRIVATE_DIFF, "file": PRIVATE_FILE}.get(piece_kind, PRIVATE_CONTEXT)


def private_pieces(text: str, index: int, rules: PathRules, pieces: list[FencedPiece]) -> list[Finding]:
    """Fenced pieces whose source path (or a rename's old path) is private, whatever their kind."""
    found = []
    for piece in pieces:
        hit = next(((path, rule) for path in piece.paths if (rule := rules.matching_pattern(path)) is not None), None)
        if hit is not None:
            found.append(Finding(private_kind(piece.kind), hit[0], index, line_of(text, piece.start), piece.start, piece.end, hit[1]))
    return found


def scan_text(text: str, index: int, files: Sequence[str], policy: "PrivacyConfig", rules: PathRules) -> list[Finding]:
    """Private pieces, private diffs and secrets in one message's text."""
    pieces = fenced_pieces(text)
    found = private_pieces(text, index, rules, pieces)
    for section in diff_sections(text):
        rule = rules.matching_pattern(section.path)
        inside = any(f.start <= section.start < f.end for f in found)
        if rule is not None and not inside:
            found.append(Finding(PRIVATE_DIFF, section.path, index, line_of(text, section.start), section.start, section.end, rule))
    for match in find_secrets(text, policy.allow_kinds, policy.allowlist):
        path = file_at(text, match.start, files, pieces)
        found.append(Finding(match.kind, path, index, line_of(text, match.start), match.start, match.end, value=match.value))
    return found


def scan_request(messages: Sequence["Message"], files: Sequence[str], policy: "PrivacyConfig") -> ScanReport:
    """Everything in a prompt that must not reach a remote model."""
    rules = PathRules(policy.paths, policy.allow_paths)
    report = ScanReport()
    for path in files:
        rule = rules.matching_pattern(path)
        if rule is not None:
            report.findings.append(Finding(PRIVATE_FILE, path, rule=rule))
    for index, message in enumerate(messages):
        report.findings.extend(scan_text(message.content, index, files, policy, rules))
    return report
