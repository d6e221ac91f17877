"""A review as GitHub Actions workflow commands (annotations) and a step summary."""

from __future__ import annotations

import os
from pathlib import Path

from llmdev.review.findings import Finding, ReviewResult, sort_findings
from llmdev.workflow_commands import escape_data, escape_property, fence

# GitHub shows at most 10 annotations of each kind per step (and 50 per job); more are dropped silently.
ANNOTATIONS_PER_KIND = 10
SUMMARY_LIMIT_BYTES = 1024 * 1024  # GitHub's cap on one step's summary
MESSAGE_LIMIT = 2000
KINDS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


def annotation(kind: str, message: str, path: str | None = None, line: int | None = None,
               end_line: int | None = None, title: str | None = None) -> str:
    """One `::kind file=…,line=…::message` workflow command."""
    props = []
    if path:
        props.append(f"file={escape_property(path)}")
    if line:
        props.append(f"line={line}")
        props.append(f"endLine={max(line, end_line or line)}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return f"{head}::{escape_data(message)}"


def _finding_annotation(finding: Finding) -> str:
    body = finding.message + (f"\n\nSuggestion: {finding.suggestion}" if finding.suggestion else "")
    title = f"{finding.severity}: {finding.title} ({finding.category})"
    return annotation(KINDS.get(finding.severity, "notice"), body, finding.path, finding.line, finding.end_line, title)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain(finding: Finding) -> str:
    """A finding past the annotation limits, as one log line (fenced by the caller: it is not ours)."""
    return f"{_one_line(finding.path)}:{finding.line}: {finding.severity}: {_one_line(finding.title)}"


def render_github(result: ReviewResult) -> str:
    """Annotations within GitHub's per-step limits; findings past them follow as plain log lines,
    fenced with `::stop-commands::` so no model-written text among them can act as a command."""
    lines: list[str] = []
    overflow: list[str] = []
    for kind in ("error", "warning", "notice"):
        limit = ANNOTATIONS_PER_KIND - (1 if kind == "warning" and result.partial else 0)  # room for the partial warning
        group = [f for f in sort_findings(result.findings) if KINDS.get(f.severity, "notice") == kind]
        shown = group if len(group) <= limit else group[: limit - 1]
        lines += [_finding_annotation(f) for f in shown]
        rest = group[len(shown):]
        if rest:
            lines.append(annotation(kind, f"{len(rest)} more {kind}-level findings are listed in the log and the step summary"))
            overflow += [_plain(f) for f in rest]
    if result.partial:
        skipped = "; ".join(f"{s.path} ({s.reason})" for s in result.skipped_files[:20])
        lines.append(annotation("warning", f"partial review: {len(result.skipped_files)} file(s) not reviewed: {skipped}",
                                title="llmdev: partial review"))
    text = "".join(line + "\n" for line in lines)
    return text + (fence("".join(line + "\n" for line in overflow)) if overflow else "")


def append_step_summary(markdown: str, environ: dict[str, str] | None = None) -> Path | None:
    """Append to $GITHUB_STEP_SUMMARY when set, cut to GitHub's size cap; returns the file written."""
    target = (environ if environ is not None else os.environ).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    used = path.stat().st_size if path.exists() else 0
    room = SUMMARY_LIMIT_BYTES - used - 200
    data = markdown.encode("utf-8")
    if len(data) > room:
        note = "\n\n_(summary cut to fit GitHub's 1 MiB step-summary limit; see the job log)_\n".encode()
        data = data[: max(0, room - len(note))].decode("utf-8", "ignore").encode("utf-8") + note
    with path.open("ab") as handle:
        handle.write(data)
    return path
