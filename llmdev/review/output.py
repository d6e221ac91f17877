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


def print_review(text: str, fmt: str) -> None:
    """A rendered review on stdout. Under GitHub Actions every line is a possible workflow command:
    the `github` format escapes and fences its own text, any other is fenced when a line of it could act as one."""
    from llmdev.workflow_commands import guard

    console.print_out(text if fmt == "github" else guard(text))


def emit(result: ReviewResult, fmt: str, output: Path | None) -> None:
    """The result in `fmt` on stdout (text is Rich on a terminal), or written to `output`."""
    from llmdev.workflow_commands import in_github_actions

    if output is not None:
        write_file(output, render(result, fmt))
        console.info(f"wrote {fmt} review to {output}")
        return
    if fmt == "text" and not in_github_actions():
        from llmdev.review.formats.text import text_renderables

        for renderable in text_renderables(result):
            console.print_renderable(renderable)
        return
    print_review(render(result, fmt), fmt)


def emit_ci(result: ReviewResult, ci: CiContext, reports: CiReports) -> None:
    """SARIF for code scanning, plus GitHub annotations and step summary, or GitLab's Code Quality report."""
    from llmdev.review.formats.github import append_step_summary
    from llmdev.review.formats.markdown import render_markdown

    write_file(reports.sarif, render(result, "sarif"))
    console.info(f"wrote SARIF to {reports.sarif}")
    markdown = render_markdown(result)
    if ci.provider == "github":
        print_review(render(result, "github"), "github")
        written = append_step_summary(markdown)
        if written is not None:
            console.info(f"appended the review to the step summary ({written})")
        return
    write_file(reports.codequality, render(result, "codequality"))
    write_file(reports.markdown, markdown)
    console.info(f"wrote the Code Quality report to {reports.codequality} and Markdown to {reports.markdown}")
    print_review(render(result, "text"), "text")
