"""Shared by the review, hook and command tests: scratch git repositories and scripted review replies."""

from __future__ import annotations

import json
from typing import Any

from tests.gitrepo import GitRepo


def finding(path: str, line: int, severity: str = "high", title: str = "A problem", **extra: Any) -> dict[str, Any]:
    data = {
        "path": path,
        "line": line,
        "end_line": extra.pop("end_line", line),
        "severity": severity,
        "category": extra.pop("category", "correctness"),
        "title": title,
        "message": extra.pop("message", f"{title}: explained."),
        "suggestion": extra.pop("suggestion", None),
    }
    data.update(extra)
    return data


def reply(*findings: dict[str, Any], summary: str = "Looks reasonable overall.") -> str:
    """A model reply in the review schema."""
    return json.dumps({"findings": list(findings), "summary": summary})


def user_prompt(body: dict[str, Any]) -> str:
    """The user message of a captured chat request (Ollama or OpenAI)."""
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


CALC = "def add(a, b):\n    return a + b\n\n\ndef main():\n    print(add(1, 2))\n"
CALC_BROKEN = "def add(a, b):\n    return a - b\n\n\ndef main():\n    print(add(1, 2))\n    eval(input())\n"
