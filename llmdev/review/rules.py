"""The project's own review rules: `[review] rules`, a REVIEW.md, and plugins' rules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.config.schema import ReviewConfig

MAX_RULES_CHARS = 12_000  # a runaway REVIEW.md must not crowd the diff out of the window


def _rules_file(review: "ReviewConfig", repo_root: Path | None) -> str:
    """The rules file's text; a file that leads outside the work tree (a committed link to
    /proc/self/environ, say) is not read, and the review says so and goes on without it."""
    from llmdev.repo.files import decode_text, read_inside, where_inside

    if repo_root is None or not review.rules_file:
        return ""
    if os.path.lexists(repo_root / review.rules_file) and where_inside(repo_root, review.rules_file) is None:
        from llmdev import console

        console.warning(f"{review.rules_file} leads outside the repository or into .git: its rules are not read")
        return ""
    return (decode_text(read_inside(repo_root, review.rules_file)) or "").strip()


def _plugin_rules() -> list[str]:
    from llmdev.plugins import hook

    collected: list[str] = []
    hook().register_review_rules(register=lambda text: collected.append(str(text).strip()))
    return [text for text in collected if text]


def review_rules(review: "ReviewConfig", repo_root: Path | None) -> tuple[str, bool]:
    """All rules as one Markdown block (empty when the project has none), and whether it was cut."""
    parts = [rule.strip() for rule in review.rules if rule.strip()]
    bullets = "\n".join(f"- {rule}" if "\n" not in rule else rule for rule in parts)
    blocks = [b for b in (bullets, _rules_file(review, repo_root), *_plugin_rules()) if b]
    text = "\n\n".join(blocks)
    if len(text) <= MAX_RULES_CHARS:
        return text, False
    return text[:MAX_RULES_CHARS] + "\n(the rules are cut here: they are longer than llmdev sends)", True
