"""From model replies to one result: findings placed on changed lines, off-diff ones moved to the
summary, duplicates merged, fingerprints given."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Iterable

from llmdev.review.findings import Finding, fingerprint_of, make_unique, severity_rank, sort_findings

if TYPE_CHECKING:
    from llmdev.repo.diff_types import FileDiff

SIMILAR_TITLES = 0.75


@dataclass
class ChangedLines:
    """Per file: the new-side lines a finding may point at, and the text of every line the diff shows."""

    anchors: dict[str, set[int]] = field(default_factory=dict)
    text: dict[str, dict[int, str]] = field(default_factory=dict)

    def resolve_path(self, path: str) -> str | None:
        """The reviewed path a model meant: exact, without a/ b/ ./ prefixes, or a unique suffix match."""
        candidates = [path, path.removeprefix("./"), path[2:] if path[:2] in ("a/", "b/") else path, path.lstrip("/")]
        for candidate in candidates:
            if candidate in self.anchors:
                return candidate
        tails = [p for p in self.anchors if p.endswith("/" + path.lstrip("/"))]
        return tails[0] if len(tails) == 1 else None


def changed_lines(diffs: Iterable["FileDiff"]) -> ChangedLines:
    changed = ChangedLines()
    for diff in diffs:
        anchors: set[int] = set()
        text: dict[int, str] = {}
        for hunk in diff.hunks:
            added = hunk.added_lines()
            anchors.update(added)
            if not added and hunk.removed_lines():  # a pure deletion: the line where code was removed
                anchors.add(max(1, hunk.new_start))
            for line in hunk.lines:
                if line.kind != "-" and line.new_no is not None:
                    text[line.new_no] = line.text
        changed.anchors[diff.path] = anchors
        changed.text[diff.path] = text
    return changed


def place(findings: list[Finding], changed: ChangedLines) -> tuple[list[Finding], list[Finding]]:
    """(inline, off_diff): inline findings touch a changed line of a reviewed file."""
    inline: list[Finding] = []
    off: list[Finding] = []
    for finding in findings:
        path = changed.resolve_path(finding.path)
        if path is not None:
            finding.path = path
        anchors = changed.anchors.get(path or "", set())
        if any(n in anchors for n in range(finding.line, finding.end_line + 1)):
            inline.append(finding)
        else:
            off.append(finding)
    return inline, off


def _same(a: Finding, b: Finding) -> bool:
    if a.path != b.path or a.line > b.end_line or b.line > a.end_line:
        return False
    if a.message.strip() == b.message.strip():
        return True
    return SequenceMatcher(None, a.title.lower(), b.title.lower()).ratio() >= SIMILAR_TITLES


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Merge findings on overlapping lines that say the same thing; the worse severity wins."""
    kept: list[Finding] = []
    for finding in sort_findings(findings):
        twin = next((k for k in kept if _same(k, finding)), None)
        if twin is None:
            kept.append(finding)
            continue
        twin.line, twin.end_line = min(twin.line, finding.line), max(twin.end_line, finding.end_line)
        if not twin.suggestion and finding.suggestion:
            twin.suggestion = finding.suggestion
    return kept


def assign_fingerprints(findings: list[Finding], changed: ChangedLines) -> None:
    for finding in findings:
        lines = changed.text.get(finding.path, {})
        flagged = "\n".join(lines.get(n, "") for n in range(finding.line, min(finding.end_line, finding.line + 4) + 1))
        finding.fingerprint = fingerprint_of(finding, flagged)
    make_unique(findings)


def off_diff_note(off: list[Finding]) -> str:
    """Findings outside the changed lines, as summary text."""
    if not off:
        return ""
    rows = [f"- {f.path}:{f.line} ({f.severity}, {f.category}): {f.title}" for f in sort_findings(off)]
    return "Noted outside the changed lines:\n" + "\n".join(rows)


def merge_summaries(summaries: list[str]) -> str:
    unique = [s for s in dict.fromkeys(s.strip() for s in summaries) if s]
    return "\n\n".join(unique)


def at_least(findings: list[Finding], minimum: str) -> list[Finding]:
    return [f for f in findings if severity_rank(f.severity) >= severity_rank(minimum)]
