"""A review as SARIF 2.1.0, in the shape GitHub code scanning accepts."""

from __future__ import annotations

from typing import Any

from llmdev.review.findings import CATEGORIES, Finding, ReviewResult, severity_rank
from llmdev.workflow_commands import dump_json

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "llmdevFinding/v2"  # v2: the title is part of it
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub shows security alerts by this score: >9 critical, 7-8.9 high, 4-6.9 medium, else low.
SECURITY_SCORES = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}

RULE_TEXT = {
    "correctness": ("Correctness", "The change may not do what it intends: logic errors, wrong results, crashes, unhandled cases."),
    "security": ("Security", "The change may be exploitable: injection, unsafe input handling, secrets, broken access control."),
    "performance": ("Performance", "The change may be needlessly slow or wasteful: complexity, repeated work, unbounded memory."),
    "maintainability": ("Maintainability", "The change may be hard to read, change or test: unclear names, duplication, tangled logic."),
    "testing": ("Testing", "The change lacks tests, or its tests cannot fail or do not check what they claim."),
    "documentation": ("Documentation", "Comments, docstrings or documents disagree with the code or are missing where needed."),
    "style": ("Style", "The change departs from the project's conventions in a way that matters to readers."),
}


def _rule(category: str, security_score: str) -> dict[str, Any]:
    name, description = RULE_TEXT.get(category, (category.title(), f"Findings of category {category}."))
    properties: dict[str, Any] = {"tags": [category, "llm-review"], "precision": "medium", "problem.severity": "warning"}
    if category == "security":  # the tag "security" (already there) and this score make it a security alert
        properties["security-severity"] = security_score
    return {
        "id": category,
        "name": name.replace(" ", ""),
        "shortDescription": {"text": f"{name} issue found by an LLM review"},
        "fullDescription": {"text": description},
        "help": {"text": description, "markdown": f"**{name}**: {description}"},
        "defaultConfiguration": {"level": "warning"},
        "properties": properties,
    }


def _message(finding: Finding) -> str:
    text = f"{finding.title}\n\n{finding.message}"
    return f"{text}\n\nSuggestion: {finding.suggestion}" if finding.suggestion else text


def artifact_uri(path: str) -> str:
    """A repository path as a relative URI reference (RFC 3986): every byte but unreserved ones and `/`
    percent-encoded, so spaces, `%`, `#`, `?`, `:` and non-ASCII names read back as the same path."""
    from urllib.parse import quote

    return quote(path, safe="/")


def _location(path: str, line: int | None = None, end_line: int | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": "%SRCROOT%"}}
    if line is not None:
        physical["region"] = {"startLine": line, "endLine": max(line, end_line or line)}
    return {"physicalLocation": physical}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": finding.category,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "note"),
        "message": {"text": _message(finding)},
        "locations": [_location(finding.path, finding.line, finding.end_line)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity, "title": finding.title, "suggestion": finding.suggestion},
    }


def _categories(result: ReviewResult) -> list[str]:
    extra = sorted({f.category for f in result.findings} - set(CATEGORIES))
    return list(CATEGORIES) + extra


def _security_score(result: ReviewResult) -> str:
    security = [f.severity for f in result.findings if f.category == "security"]
    return SECURITY_SCORES[max(security, key=severity_rank)] if security else SECURITY_SCORES["medium"]


def sarif_log(result: ReviewResult, version: str) -> dict[str, Any]:
    """The SARIF log object; paths are repository-relative under %SRCROOT%."""
    categories = _categories(result)
    notifications = [
        {"level": "warning", "message": {"text": f"not reviewed: {s.path}: {s.reason}"}, "locations": [_location(s.path)]}
        for s in result.skipped_files
    ]
    run = {
        "tool": {
            "driver": {
                "name": "llmdev",
                "version": version,
                "semanticVersion": version,
                "rules": [_rule(c, _security_score(result)) for c in categories],
            }
        },
        "automationDetails": {"id": "llmdev-review/"},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": [_result(f, categories.index(f.category)) for f in result.findings],
        "properties": {"model": result.model, "partial": result.partial, "summary": result.summary},
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: ReviewResult, version: str) -> str:
    return dump_json(sarif_log(result, version)) + "\n"
