"""`llmdev usage`: tokens, cost and latency of logged model calls, and what local calls saved."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from llmdev.usage.report import UsageGroup


class GroupBy(str, enum.Enum):
    model = "model"
    command = "command"
    day = "day"


def usage(
    ctx: typer.Context,
    since: Optional[str] = typer.Option(None, "--since", help="From this date or time: 2026-05-01, today, yesterday, 12h, 7d, 2w."),
    by: GroupBy = typer.Option(GroupBy.model, "--by", help="Group by model, command or day."),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Tokens, cost and latency per model, command or day; and what the local calls would have cost remotely."""

    from llmdev import console
    from llmdev.commands.common import load
    from llmdev.usage.report import comparison_model, parse_since, summarize
    from llmdev.usage.store import db_path, read

    settings = load(ctx).settings
    start = parse_since(since) if since else None
    groups, total = summarize(read(start), by.value, settings)
    compare = comparison_model(settings)
    if json_output:
        payload = {"since": start, "by": by.value, "compare_with": compare, "database": str(db_path())}
        payload.update(groups=[g.as_dict() for g in groups], total=total.as_dict())
        console.print_json(payload)
        return
    if not groups:
        console.info(f"no model calls logged{' since ' + since if since else ''} (log: {db_path()})")
        return
    table = console.table(by.value, "calls", "input tok", "output tok", "cost $", "avg s", f"local on {compare} $")
    for group in groups:
        table.add_row(*_cells(group))
    table.add_section()
    table.add_row(*_cells(total))
    console.print_renderable(table)
    _footnotes(total, compare)


def _cells(group: "UsageGroup") -> list[str]:
    cost = f"{group.cost_usd:.4f}" + (f" (+{group.unpriced_calls} unpriced)" if group.unpriced_calls else "")
    local = f"{group.local_as_remote_usd:.4f}" if group.local_calls else "-"
    calls = f"{group.calls}" + (f" ({group.failed} failed)" if group.failed else "")
    about = "~" if group.estimated_calls else ""  # some counts are llmdev's estimates
    tokens = [f"{about}{group.input_tokens:,}", f"{about}{group.output_tokens:,}"]
    return [group.key, calls, *tokens, cost, f"{group.avg_latency_s:.2f}", local]


def _footnotes(total: "UsageGroup", compare: str) -> None:
    from llmdev import console

    if total.local_calls:
        console.info(
            f"{total.local_calls} local call(s) would have cost ${total.local_as_remote_usd:.4f} on {compare} "
            "([usage] compare_with picks the model)"
        )
    if total.estimated_calls:
        console.info(f"{total.estimated_calls} call(s) got no token counts from the server: ~ marks llmdev's estimates")
    if total.unpriced_calls:
        console.info(f'{total.unpriced_calls} remote call(s) have no price: add [prices."provider/model"] to count them')


def register(app: typer.Typer) -> None:
    app.command("usage")(usage)
