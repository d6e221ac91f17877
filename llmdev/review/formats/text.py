"""A review for people: Rich text on a terminal, and a compact form for git hooks."""

from __future__ import annotations

import io
from typing import Any

from llmdev.console import printable
from llmdev.review.findings import Finding, ReviewResult, sort_findings
from llmdev.review.formats.markdown import severity_counts

STYLES = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _where(finding: Finding) -> str:
    span = f"{finding.line}" if finding.end_line == finding.line else f"{finding.line}-{finding.end_line}"
    return f"{printable(finding.path)}:{span}"


def _finding_text(finding: Finding) -> Any:
    from rich.padding import Padding
    from rich.text import Text

    head = Text()
    head.append(f" {finding.severity.upper()} ", style=STYLES.get(finding.severity, ""))
    head.append(f" {_where(finding)}", style="bold")
    head.append(f"  {finding.category}", style="dim")
    head.append(f"\n{printable(finding.title)}", style="bold")
    body = Text(printable(finding.message))
    if finding.suggestion:
        body.append("\n→ ", style="green")
        body.append(printable(finding.suggestion))
    return [head, Padding(body, (0, 0, 1, 2), expand=False)]


def _footer(result: ReviewResult) -> Any:
    from rich.text import Text

    usage = result.usage
    footer = Text(style="dim")
    footer.append(f"reviewed {len(result.reviewed_files)} file(s)")
    if result.suppressed:
        footer.append(f" · {result.suppressed} suppressed by the baseline")
    footer.append(f" · {printable(result.model)} · {usage.input_tokens} in / {usage.output_tokens} out tokens")
    if usage.cached_requests:
        footer.append(f" · {usage.cached_requests} cached request(s)")
    return footer


def text_renderables(result: ReviewResult) -> list[Any]:
    """What `--format text` prints, as Rich renderables."""
    from rich.text import Text

    out: list[Any] = []
    for finding in sort_findings(result.findings):
        out += _finding_text(finding)
    if not result.findings:
        out.append(Text("No findings.", style="green"))
    else:
        out.append(Text(f"{len(result.findings)} finding(s): {severity_counts(result)}", style="bold"))
    if result.summary:
        out += [Text("\nSummary", style="bold"), Text(printable(result.summary))]
    if result.partial:
        out.append(Text(f"\nPartial review: {len(result.skipped_files)} file(s) not reviewed", style="bold yellow"))
        out += [Text(printable(f"  {s.path}: {s.reason}"), style="yellow") for s in result.skipped_files]
    out.append(_footer(result))
    return out


def render_text(result: ReviewResult, width: int = 100) -> str:
    """The text format without colours, for `--output FILE` and pipes."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False, color_system=None)
    for renderable in text_renderables(result):
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _one_line(text: str) -> str:
    return printable(" ".join(text.split()))


def render_compact(result: ReviewResult, threshold: str | None = None) -> str:
    """One line per finding, for the pre-commit hook: `path:line severity title`."""
    lines = [f"{_where(f)}: {f.severity}: {_one_line(f.title)} ({f.category})" for f in sort_findings(result.findings)]
    if result.partial:
        lines.append(f"partial review: {len(result.skipped_files)} file(s) not reviewed: "
                     + ", ".join(printable(f"{s.path} ({s.reason})") for s in result.skipped_files[:5]))
    return "\n".join(lines) + ("\n" if lines else "")
