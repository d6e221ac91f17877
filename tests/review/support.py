"""Shared by the review, hook and command tests: scratch git repositories and scripted review replies."""

from __future__ import annotations

import json
import re
import time
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


PART = re.compile(r"This is part (\d+) of (\d+)")


def part_reply(body: dict[str, Any], step: float) -> str:
    """Findings for each file of a split review's part; part N of T waits 0.1 + step x (T - N)
    seconds first, so earlier parts answer later and replies end out of order."""
    prompt = user_prompt(body)
    number, total = map(int, PART.search(prompt).groups())  # type: ignore[union-attr]
    time.sleep(0.1 + step * (total - number))
    paths = [line.split("### File: ", 1)[1].split(" (", 1)[0] for line in prompt.splitlines() if line.startswith("### File: ")]
    findings = [finding(p, n, "medium", f"Problem {n} of part {number} in {p}") for p in paths for n in (3, 1)]
    return reply(*findings, summary=f"Part {number} reviewed {', '.join(paths)}.")


CALC = "def add(a, b):\n    return a + b\n\n\ndef main():\n    print(add(1, 2))\n"
CALC_BROKEN = "def add(a, b):\n    return a - b\n\n\ndef main():\n    print(add(1, 2))\n    eval(input())\n"
