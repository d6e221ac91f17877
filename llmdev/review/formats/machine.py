"""Line-oriented machine formats: reviewdog's rdjsonl and GitLab's Code Quality report."""

from __future__ import annotations

from typing import Any

from llmdev.review.findings import Finding, ReviewResult
from llmdev.workflow_commands import dump_json

RDJSON_SEVERITY = {"critical": "ERROR", "high": "ERROR", "medium": "WARNING", "low": "INFO", "info": "INFO"}
CODEQUALITY_SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def _diagnostic(finding: Finding) -> dict[str, Any]:
    message = f"[{finding.severity}] {finding.title}: {finding.message}"
    if finding.suggestion:
        message += f"\nSuggestion: {finding.suggestion}"
    return {
        "message": message,
        "location": {
            "path": finding.path,
            "range": {"start": {"line": finding.line}, "end": {"line": finding.end_line}},
        },
        "severity": RDJSON_SEVERITY.get(finding.severity, "INFO"),
        "source": {"name": "llmdev"},
        "code": {"value": finding.category},
    }


def render_rdjsonl(result: ReviewResult) -> str:
    """One reviewdog Diagnostic per line (`reviewdog -f=rdjsonl`)."""
    return "".join(dump_json(_diagnostic(f), indent=None) + "\n" for f in result.findings)


def _issue(finding: Finding) -> dict[str, Any]:
    return {
        "description": f"{finding.title}: {finding.message}",
        "check_name": f"llmdev/{finding.category}",
        "fingerprint": finding.fingerprint,
        "severity": CODEQUALITY_SEVERITY.get(finding.severity, "info"),
        "location": {"path": finding.path, "lines": {"begin": finding.line, "end": finding.end_line}},
    }


def render_codequality(result: ReviewResult) -> str:
    """A GitLab Code Quality report (artifacts:reports:codequality): findings inline in merge requests."""
    return dump_json([_issue(f) for f in result.findings]) + "\n"


def render_json(result: ReviewResult) -> str:
    return dump_json(result.as_json()) + "\n"
