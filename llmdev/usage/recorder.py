"""Built-in plugin: log every model call to the usage database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import CallRecord
    from llmdev.usage.store import UsageRow


def usage_row(record: "CallRecord") -> "UsageRow":
    from llmdev.usage.prices import call_cost
    from llmdev.usage.store import RUN_ID, UsageRow, local_day

    usage = record.usage
    return UsageRow(
        started_at=record.started_at,
        day=local_day(record.started_at),
        run_id=RUN_ID,
        repo=str(record.repo_root) if record.repo_root else None,
        command=record.command,
        model=record.model,
        backend=record.provider_kind,
        remote=record.remote,
        input_tokens=usage.input_tokens,
        cached_input_tokens=int(getattr(usage, "cached_input_tokens", 0) or 0),
        output_tokens=usage.output_tokens,
        duration_s=record.duration_s,
        first_token_s=usage.first_token_s,
        cost_usd=call_cost(record.model, record.remote, usage, record.settings),
        ok=record.ok,
        error=record.error,
        content_sha256=record.content_sha256,
        estimated=bool(getattr(usage, "estimated", False)),
    )


@hookimpl
def model_call_finished(record: "CallRecord") -> None:
    from llmdev.usage.store import insert

    if record.settings.usage.log:
        insert(usage_row(record))
