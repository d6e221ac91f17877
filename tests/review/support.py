"""Shared by the review, hook and command tests: scratch git repositories and scripted review replies."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any


class GitRepo:
    """A scratch repository driven with the git CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def create(cls, root: Path, files: dict[str, str] | None = None) -> "GitRepo":
        root.mkdir(parents=True, exist_ok=True)
        repo = cls(root.resolve())
        repo.git("init", "-q", "-b", "main")
        if files:
            for path, text in files.items():
                repo.write(path, text)
            repo.commit("initial")
        return repo

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=env)

    def git(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def stage(self, path: str, text: str) -> None:
        self.write(path, text)
        self.git("add", "--", path)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


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
