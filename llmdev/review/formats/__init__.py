"""Every output format of a review, by name."""

from __future__ import annotations

from typing import Callable

from llmdev.review.findings import ReviewResult

FORMATS = ("text", "json", "markdown", "sarif", "github", "rdjsonl", "codequality")


def _renderers() -> dict[str, Callable[[ReviewResult], str]]:
    from llmdev import __version__
    from llmdev.review.formats.github import render_github
    from llmdev.review.formats.machine import render_codequality, render_json, render_rdjsonl
    from llmdev.review.formats.markdown import render_markdown
    from llmdev.review.formats.sarif import render_sarif
    from llmdev.review.formats.text import render_text

    return {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
        "sarif": lambda result: render_sarif(result, __version__),
        "github": render_github,
        "rdjsonl": render_rdjsonl,
        "codequality": render_codequality,
    }


def render(result: ReviewResult, fmt: str) -> str:
    """The review in format `fmt` as one string (text without colours)."""
    return _renderers()[fmt](result)
