"""The structured reply a review model must give: its JSON schema, and parsing it into findings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from llmdev.review.findings import CATEGORIES, SEVERITIES, Finding

SCHEMA_NAME = "review"
SCHEMA_VERSION = "1"  # bump when the schema or its parsing changes: it is part of cache keys


def reply_schema() -> dict[str, Any]:
    """The JSON schema sent as Ollama `format` / OpenAI `response_format` (strict-mode compatible)."""
    finding = {
        "type": "object",
        "properties": {
            "path": {"type": "string", "description": "repository-relative path of the changed file"},
            "line": {"type": "integer", "description": "first new-side line number the finding is about"},
            "end_line": {"type": "integer", "description": "last new-side line number (equal to line for one line)"},
            "severity": {"type": "string", "enum": list(SEVERITIES)},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "title": {"type": "string", "description": "one short line"},
            "message": {"type": "string", "description": "what is wrong and why it matters"},
            "suggestion": {"type": ["string", "null"], "description": "how to fix it, or null"},
        },
        "required": ["path", "line", "end_line", "severity", "category", "title", "message", "suggestion"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "findings": {"type": "array", "items": finding},
            "summary": {"type": "string", "description": "two or three sentences on the change as a whole"},
        },
        "required": ["findings", "summary"],
        "additionalProperties": False,
    }


@dataclass
class ParsedReply:
    findings: list[Finding]
    summary: str


class ReplyError(ValueError):
    """The reply is not JSON of the review schema; the message lists what is wrong."""


_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


def _load_json(text: str) -> Any:
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:  # small local models often wrap JSON in a code fence despite `format`
        stripped = fenced.group(1)
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ReplyError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _text(item: dict[str, Any], key: str, problems: list[str], where: str, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}.{key}: expected a non-empty string")
        return None
    return value.strip()


def _line(item: dict[str, Any], key: str, problems: list[str], where: str) -> int | None:
    value = item.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"{where}.{key}: expected a line number >= 1")
        return None
    return value


def _choice(item: dict[str, Any], key: str, allowed: tuple[str, ...], problems: list[str], where: str) -> str | None:
    value = item.get(key)
    normalized = value.strip().lower() if isinstance(value, str) else value
    if normalized not in allowed:
        problems.append(f"{where}.{key}: expected one of {', '.join(allowed)}")
        return None
    return normalized


def _finding(item: Any, where: str, problems: list[str]) -> Finding | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected an object")
        return None
    before = len(problems)
    path = _text(item, "path", problems, where)
    line = _line(item, "line", problems, where)
    end_line = _line(item, "end_line", problems, where) if item.get("end_line") is not None else line
    severity = _choice(item, "severity", SEVERITIES, problems, where)
    category = _choice(item, "category", CATEGORIES, problems, where)
    title = _text(item, "title", problems, where)
    message = _text(item, "message", problems, where)
    suggestion = _text(item, "suggestion", problems, where, required=False)
    if len(problems) > before:
        return None
    assert path and line and end_line and severity and category and title and message
    return Finding(path.removeprefix("./"), line, max(line, end_line), severity, category, title, message, suggestion or None)


def parse_reply(text: str) -> ParsedReply:
    """Findings and summary from a model reply; raises ReplyError listing every problem."""
    data = _load_json(text)
    if not isinstance(data, dict):
        raise ReplyError("expected a JSON object with `findings` and `summary`")
    problems: list[str] = []
    raw_findings = data.get("findings")
    if not isinstance(raw_findings, list):
        problems.append("findings: expected an array")
        raw_findings = []
    summary = data.get("summary")
    if not isinstance(summary, str):
        problems.append("summary: expected a string")
    findings = [f for i, item in enumerate(raw_findings) if (f := _finding(item, f"findings[{i}]", problems))]
    if problems:
        raise ReplyError("; ".join(problems[:10]) + (f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""))
    return ParsedReply(findings, (summary or "").strip())
