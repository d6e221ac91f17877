"""What a project model should know, read from the repository: its languages, its conventions,
its review rules, and how large a context window its prompts need."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.discovery import Repository

RECENT_COMMITS = 200  # commits whose diffs size the context window
MIN_CTX = 8192
REPLY_TOKENS = 2048
PROMPT_OVERHEAD = 1500  # instructions, rules and context around a diff or the files
CONVENTIONAL = re.compile(r"^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\(([^)]+)\))?!?: ")
STYLE_FILES = {
    ".editorconfig": "An .editorconfig sets indentation and line endings.",
    ".prettierrc": "Prettier formats the JavaScript and TypeScript.",
    "rustfmt.toml": "rustfmt formats the Rust code.",
    ".clang-format": "clang-format formats the C and C++ code.",
    ".pre-commit-config.yaml": "pre-commit hooks run before each commit.",
}


@dataclass
class ProjectProfile:
    name: str
    languages: list[tuple[str, int]] = field(default_factory=list)  # (language, files), most first
    conventions: list[str] = field(default_factory=list)
    rules: str = ""
    num_ctx: int = MIN_CTX
    num_ctx_reason: str = ""


def languages(paths: list[str]) -> list[tuple[str, int]]:
    from llmdev.code.languages import language_for

    counts = Counter(language for path in paths if (language := language_for(path)))
    return counts.most_common()


def commit_convention(subjects: list[str]) -> str | None:
    """How commit subjects are written, when most follow one style."""
    if not subjects:
        return None
    matches = [m for s in subjects if (m := CONVENTIONAL.match(s))]
    if len(matches) * 2 < len(subjects):
        return "Commit subjects are short imperative sentences (no Conventional Commits prefix)."
    scopes = Counter(m.group(3) for m in matches if m.group(3)).most_common(5)
    text = "Commit subjects follow Conventional Commits (`type(scope): summary`)"
    return text + (f"; common scopes: {', '.join(s for s, _ in scopes)}." if scopes else ".")


def describe_tests(paths: list[str]) -> str | None:
    from llmdev.code.languages import is_test_path

    tests = [p for p in paths if is_test_path(p)]
    if not tests:
        return None
    top = Counter(p.split("/")[0] + "/" if "/" in p else "(top level)" for p in tests).most_common(1)[0][0]
    framework = " (pytest)" if any(p.endswith("conftest.py") for p in paths) else ""
    return f"Tests live mostly in {top}{framework}: {len(tests)} test files; changes come with tests."


def style_conventions(repo: "Repository", paths: list[str]) -> list[str]:
    found = [text for name, text in STYLE_FILES.items() if name in paths]
    if "pyproject.toml" in paths:
        text = (repo.root / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
        for tool in ("ruff", "black", "mypy", "isort"):
            if f"[tool.{tool}" in text:
                found.append(f"Python code is checked with {tool} (configured in pyproject.toml).")
        if match := re.search(r"^line-length\s*=\s*(\d+)", text, re.MULTILINE):
            found.append(f"Lines are at most {match.group(1)} characters.")
    return found


def diff_tokens(repo: "Repository", count: int = RECENT_COMMITS) -> list[int]:
    """Estimated tokens of each recent non-merge commit's diff."""
    from llmdev.tokens import estimate_tokens

    output = repo.git("log", "--no-merges", f"-n{count}", "-p", "--format=%x1e", "--no-color")
    return [estimate_tokens(chunk) for chunk in output.split("\x1e") if chunk.strip()]


def context_size(repo: "Repository", config: "LoadedConfig") -> tuple[int, str]:
    """The smallest power of two that holds 90% of recent commits' review prompts and a gen prompt."""
    sizes = sorted(diff_tokens(repo))
    p90 = sizes[int(len(sizes) * 0.9)] if sizes else 0
    gen = config.settings.gen
    need = max(p90 + PROMPT_OVERHEAD + REPLY_TOKENS, gen.context_tokens + gen.map_tokens + PROMPT_OVERHEAD + REPLY_TOKENS)
    size = MIN_CTX
    while size < need and size < config.settings.modelfile.max_ctx:
        size *= 2
    size = min(size, config.settings.modelfile.max_ctx)
    reason = (f"90% of the last {len(sizes)} commits' diffs are under {p90:,} tokens; with a gen prompt of "
              f"{gen.context_tokens + gen.map_tokens:,} tokens and room for the reply, {need:,} tokens are needed")
    return size, reason


def profile_repository(repo: "Repository", config: "LoadedConfig") -> ProjectProfile:
    from llmdev.repo.files import list_files
    from llmdev.review.rules import review_rules

    paths = list_files(repo, settings=config.settings).paths()
    subjects = repo.git("log", "--no-merges", "-n100", "--format=%s").splitlines() if repo.has_commits() else []
    conventions = [c for c in (commit_convention(subjects), describe_tests(paths)) if c]
    conventions += style_conventions(repo, paths)
    rules, _ = review_rules(config.settings.review, repo.root)
    num_ctx, reason = context_size(repo, config) if repo.has_commits() else (MIN_CTX, "no commits yet")
    return ProjectProfile(repo.root.name, languages(paths), conventions, rules, num_ctx, reason)
