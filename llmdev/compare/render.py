"""A comparison as text (a table, then each model's output), Markdown, or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llmdev.compare.agreement import Agreement, FindingGroup, agreement

if TYPE_CHECKING:
    from llmdev.compare.engine import ModelRun

FORMATS = ("text", "json", "markdown")
COLUMNS = ("model", "first token", "total", "tokens in", "tokens out", "tokens/s", "cost", "result")


@dataclass
class Comparison:
    task: str  # review, ask, gen, debug, commit-msg
    runs: list["ModelRun"]

    def agreement(self) -> Agreement | None:
        if self.task != "review":
            return None
        return agreement({run.model: run.output.findings for run in self.runs if run.ok})

    def as_json(self) -> dict[str, Any]:
        found = self.agreement()
        return {"task": self.task, "models": [run.as_json() for run in self.runs], "agreement": found.as_json() if found else None}


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}s"


def _cost(value: float | None) -> str:
    from llmdev.usage.prices import money

    return "?" if value is None else money(value)


def result_text(task: str, run: "ModelRun") -> str:
    if not run.ok:
        return "failed"
    if task == "review":
        return f"{len(run.output.findings)} finding(s)"
    if task in ("gen", "debug"):
        files = run.output.diff.count("\n+++ ")  # one per changed file
        return f"edits {files} file(s)" if files else "no edits"
    return "ok"


def row_cells(task: str, run: "ModelRun") -> list[str]:
    metrics = run.metrics
    rate = metrics.tokens_per_s
    return [
        run.model,
        _seconds(metrics.first_token_s), _seconds(run.total_s), f"{metrics.input_tokens:,}", f"{metrics.output_tokens:,}",
        "-" if rate is None else f"{rate:.1f}", _cost(metrics.cost_usd), result_text(task, run),
    ]


def _name(run: "ModelRun") -> str:
    return run.model if run.model == run.resolved else f"{run.model} ({run.resolved})"


def _place(group: FindingGroup) -> str:
    lines = f"{group.line}" if group.end_line == group.line else f"{group.line}-{group.end_line}"
    return f"{group.path}:{lines}"


def agreement_lines(found: Agreement) -> list[str]:
    lines = ["Found by several models (same file, overlapping lines):"]
    for group in found.agreed:
        lines.append(f"  {_place(group)}")
        lines += [f"    {model}: [{f.severity}] {f.title}" for model, fs in group.by_model.items() for f in fs]
    if not found.agreed:
        lines.append("  (none)")
    for model, groups in found.unique.items():
        lines.append(f"Only {model}:")
        lines += [f"  {_place(g)} [{f.severity}] {f.title}" for g in groups for f in g.by_model[model]]
        if not groups:
            lines.append("  (none)")
    return lines


def output_text(comparison: Comparison) -> str:
    """Each model's output under its name; for a review, the findings grouped by agreement."""
    parts: list[str] = []
    found = comparison.agreement()
    if found is not None:
        parts.append("\n".join(agreement_lines(found)))
    for run in comparison.runs:
        body = [f"── {_name(run)} ──"]
        if not run.ok:
            body.append(f"failed: {run.error}")
        else:
            body += [f"note: {note}" for note in run.output.notes]
            body += [t for t in (run.output.text, run.output.diff.rstrip()) if t]
        parts.append("\n".join(body))
    return "\n\n".join(parts) + "\n"


def render_markdown(comparison: Comparison) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row_cells(comparison.task, run)) + " |" for run in comparison.runs]
    found = comparison.agreement()
    if found is not None:
        lines += ["", "```text", *agreement_lines(found), "```"]
    for run in comparison.runs:
        lines += ["", f"### {_name(run)}", ""]
        if not run.ok:
            lines.append(f"Failed: {run.error}")
            continue
        lines += [f"> {note}" for note in run.output.notes]
        if run.output.text:
            lines.append(run.output.text)
        if run.output.diff:
            lines += ["", "```diff", run.output.diff.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def render(comparison: Comparison, fmt: str) -> None:
    """Print the comparison on stdout."""
    from llmdev import console

    if fmt == "json":
        console.print_json(comparison.as_json())
    elif fmt == "markdown":
        console.print_text(render_markdown(comparison))
    else:
        table = console.table(*COLUMNS, title=f"compare {comparison.task}")
        table.columns[0].no_wrap = True
        for run in comparison.runs:
            table.add_row(*row_cells(comparison.task, run))
        console.print_renderable(table)
        console.print_text(output_text(comparison))
