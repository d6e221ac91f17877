"""Where a review goes: stdout or a file in the chosen format, and the CI's reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmdev import console
from llmdev.review.ci import CiContext
from llmdev.review.findings import ReviewResult
from llmdev.review.formats import render

DEFAULT_SARIF = "llmdev-review.sarif"
DEFAULT_CODEQUALITY = "gl-code-quality-report.json"
DEFAULT_MARKDOWN = "llmdev-review.md"


@dataclass(frozen=True)
class CiReports:
    sarif: Path
    codequality: Path
    markdown: Path


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def emit(result: ReviewResult, fmt: str, output: Path | None) -> None:
    """The result in `fmt` on stdout (text is Rich on a terminal), or written to `output`."""
    if output is not None:
        write_file(output, render(result, fmt))
        console.info(f"wrote {fmt} review to {output}")
        return
    if fmt == "text":
        from llmdev.review.formats.text import text_renderables

        for renderable in text_renderables(result):
            console.print_renderable(renderable)
        return
    console.print_out(render(result, fmt))


def emit_ci(result: ReviewResult, ci: CiContext, reports: CiReports) -> None:
    """SARIF for code scanning, plus GitHub annotations and step summary, or GitLab's Code Quality report."""
    from llmdev.review.formats.github import append_step_summary
    from llmdev.review.formats.markdown import render_markdown

    write_file(reports.sarif, render(result, "sarif"))
    console.info(f"wrote SARIF to {reports.sarif}")
    markdown = render_markdown(result)
    if ci.provider == "github":
        console.print_out(render(result, "github"))
        written = append_step_summary(markdown)
        if written is not None:
            console.info(f"appended the review to the step summary ({written})")
        return
    write_file(reports.codequality, render(result, "codequality"))
    write_file(reports.markdown, markdown)
    console.info(f"wrote the Code Quality report to {reports.codequality} and Markdown to {reports.markdown}")
    console.print_out(render(result, "text"))
