"""A review as Markdown: a pull-request comment or a CI step summary."""

from __future__ import annotations

import re
from collections import Counter

from llmdev.review.findings import SEVERITIES, Finding, ReviewResult, severity_rank

MARKS = {"critical": "🛑", "high": "🔴", "medium": "🟠", "low": "🟡", "info": "🔵"}


def _cell(text: str) -> str:
    """One line of text that cannot end a table cell or start a new block."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """`text` as an inline code span, even when it holds backticks (a file name can)."""
    text = " ".join(text.split())
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _lines(finding: Finding) -> str:
    return f"{finding.line}" if finding.end_line == finding.line else f"{finding.line}–{finding.end_line}"


def severity_counts(result: ReviewResult) -> str:
    counts = Counter(f.severity for f in result.findings)
    return ", ".join(f"{counts[s]} {s}" for s in reversed(SEVERITIES) if counts[s])


def headline(result: ReviewResult) -> str:
    files = len(result.reviewed_files)
    noun = "finding" if len(result.findings) == 1 else "findings"
    if not result.findings:
        return f"No findings in {files} reviewed file{'s' * (files != 1)}."
    return f"**{len(result.findings)} {noun}** ({severity_counts(result)}) in {files} reviewed file{'s' * (files != 1)}."


def _finding_section(finding: Finding) -> list[str]:
    lines = [
        f"#### {MARKS.get(finding.severity, '')} {finding.severity}: {_cell(finding.title)}",
        f"{_code(finding.path)} line {_lines(finding)} · {finding.category}",
        "",
        finding.message,
    ]
    if finding.suggestion:
        lines += ["", f"**Suggestion:** {finding.suggestion}"]
    return lines + [""]


def _files_section(result: ReviewResult) -> list[str]:
    lines: list[str] = []
    if result.skipped_files:
        lines += [f"**Skipped ({len(result.skipped_files)}):**", ""]
        lines += [f"- {_code(s.path)}: {_cell(s.reason)}" for s in result.skipped_files]
        lines.append("")
    if result.reviewed_files:
        lines += [f"<details><summary>Reviewed files ({len(result.reviewed_files)})</summary>", ""]
        lines += [f"- {_code(p)}" for p in result.reviewed_files]
        lines += ["", "</details>", ""]
    return lines


def render_markdown(result: ReviewResult, title: str = "llmdev review") -> str:
    """The whole review as one Markdown document."""
    findings = sorted(result.findings, key=lambda f: (-severity_rank(f.severity), f.path, f.line))
    lines = [f"## {title}", "", headline(result), ""]
    if result.partial:
        lines += [f"> **Partial review:** {len(result.skipped_files)} file(s) were not reviewed; see below.", ""]
    if findings:
        lines += ["| Severity | Location | Finding |", "|---|---|---|"]
        lines += [
            f"| {MARKS.get(f.severity, '')} {f.severity} | {_cell(_code(f'{f.path}:{f.line}'))} | {_cell(f.title)} |" for f in findings
        ]
        lines.append("")
    if result.summary:
        lines += ["### Summary", "", result.summary, ""]
    if findings:
        lines += ["### Findings", ""]
        for finding in findings:
            lines += _finding_section(finding)
    lines += _files_section(result)
    if result.suppressed:
        lines += [f"_{result.suppressed} finding(s) suppressed by the baseline._", ""]
    usage = result.usage
    what = f"{result.spec_label} · " if result.spec_label else ""
    lines.append(f"<sub>{what}model `{result.model}` · {usage.input_tokens} input / {usage.output_tokens} output tokens</sub>")
    return "\n".join(lines) + "\n"
