"""What a review produces: findings, the files it covered and skipped, and their JSON shape."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
CATEGORIES = ("correctness", "security", "performance", "maintainability", "testing", "documentation", "style")
NEVER = "never"


def severity_rank(severity: str) -> int:
    """0 for info up to 4 for critical; unknown severities rank as info."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def at_or_above(severity: str, threshold: str) -> bool:
    """Whether `severity` reaches `threshold`; the threshold `never` is never reached."""
    return threshold != NEVER and severity_rank(severity) >= severity_rank(threshold)


@dataclass
class Finding:
    path: str
    line: int
    end_line: int
    severity: str
    category: str
    title: str
    message: str
    suggestion: str | None = None
    fingerprint: str = ""  # stable across line moves; see `fingerprint_of`

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "severity": self.severity,
            "category": self.category,
            "title": self.title,
            "message": self.message,
            "suggestion": self.suggestion,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Finding":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__ if k in data})  # type: ignore[arg-type]


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass
class ReviewUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0  # requests sent to the model in this run
    cached_requests: int = 0  # requests answered from the result cache
    model_seconds: float = 0.0


@dataclass
class ReviewResult:
    findings: list[Finding]
    summary: str
    reviewed_files: list[str]
    skipped_files: list[SkippedFile]
    model: str
    usage: ReviewUsage = field(default_factory=ReviewUsage)
    suppressed: int = 0  # findings hidden by the baseline
    spec_label: str = ""  # what was reviewed, in words ("staged changes", "main...HEAD")

    @property
    def partial(self) -> bool:
        return bool(self.skipped_files)

    def worst(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=severity_rank)

    def failing(self, threshold: str) -> list[Finding]:
        return [f for f in self.findings if at_or_above(f.severity, threshold)]

    def as_json(self) -> dict[str, Any]:
        """Exactly the documented `--format json` shape."""
        return {
            "findings": [f.as_json() for f in self.findings],
            "summary": self.summary,
            "reviewed_files": list(self.reviewed_files),
            "skipped_files": [{"path": s.path, "reason": s.reason} for s in self.skipped_files],
            "partial": self.partial,
            "model": self.model,
            "usage": {"input_tokens": self.usage.input_tokens, "output_tokens": self.usage.output_tokens},
        }


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def fingerprint_of(finding: Finding, flagged_text: str) -> str:
    """A hash of where and what: the path, the category, the title and the flagged lines' content,
    never the line number, so it survives unrelated edits above it and two findings on one line differ."""
    parts = (finding.path, finding.category, _normalize(finding.title), _normalize(flagged_text))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def make_unique(findings: list[Finding]) -> None:
    """Number repeated fingerprints (`…:2`, `…:3`) in order, so every finding of a result has its own."""
    seen: dict[str, int] = {}
    for finding in findings:
        base = finding.fingerprint
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            finding.fingerprint = f"{base}:{seen[base]}"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Worst first, then by file and line."""
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), f.path, f.line, f.title))
