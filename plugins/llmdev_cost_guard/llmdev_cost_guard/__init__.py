"""llmdev's cost guard: a remote call whose estimate would break the budget is refused.

`[budget] per_run_usd` caps one llmdev run (one process), `per_day_usd` a calendar day; what was
spent comes from the usage log. The refusal shows the estimate first, then the cap it would
break. It runs after the privacy router (trylast), so a request rerouted to a local model costs
nothing here. A run that plans several calls at once (a review split into parts) is checked
again as a whole before any is sent (`guard_run`): the sum of their estimates must fit the caps
too. `guard_run` also sees each remote call just before it is sent, with the remote calls still
in flight, whose cost the usage log does not hold yet. Copy this package to write your own guard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import PreparedCall, RouteRequest
    from llmdev.config.schema import Settings
    from llmdev.usage.prices import CostEstimate

GUARD = "budget"


def _refuse(estimate: "CostEstimate", cap: str, limit: float, spent: float, period: str) -> None:
    from llmdev.errors import LlmdevError
    from llmdev.usage.prices import money

    raise LlmdevError(
        f"estimate: {estimate.describe()}; with {money(spent)} already spent {period} that would exceed "
        f"[budget] {cap} = {money(limit)}; nothing was sent",
        f"raise [budget] {cap}, lower --max-tokens, or use a local model (--model local)",
    )


def check_budget(estimate: "CostEstimate", per_run: float | None, per_day: float | None) -> None:
    """Refuse when this run's or today's spending plus the estimate exceeds a cap."""
    from llmdev.errors import LlmdevError
    from llmdev.usage.store import RUN_ID, spent, start_of_today

    if estimate.usd is None:
        raise LlmdevError(
            f"no price for {estimate.model}, so the budget cannot be checked; nothing was sent",
            f'add [prices."{estimate.model}"] input = …, output = … (USD per 1M tokens)',
        )
    if per_run is not None:
        so_far = spent(run_id=RUN_ID)
        if so_far + estimate.usd > per_run:
            _refuse(estimate, "per_run_usd", per_run, so_far, "in this run")
    if per_day is not None:
        so_far = spent(since=start_of_today())
        if so_far + estimate.usd > per_day:
            _refuse(estimate, "per_day_usd", per_day, so_far, "today")


@hookimpl(trylast=True)
def guard_request(request: "RouteRequest") -> None:
    """Check the budget for a remote request, once routing and privacy are done."""
    budget = request.settings.budget
    if budget.per_run_usd is not None or budget.per_day_usd is not None:
        estimate = request.estimate()
        if estimate.remote:
            check_budget(estimate, budget.per_run_usd, budget.per_day_usd)
    request.mark_checked(GUARD)


def _refuse_run(what: str, total: float, cap: str, limit: float, spent: float, period: str) -> None:
    from llmdev.errors import LlmdevError
    from llmdev.usage.prices import money

    raise LlmdevError(
        f"{what}, estimated at {money(total)} in all; with {money(spent)} already spent {period} that would "
        f"exceed [budget] {cap} = {money(limit)}; nothing was sent",
        f"raise [budget] {cap}, send less at a time (e.g. review fewer files), or use a local model (--model local)",
    )


def check_run_budget(estimates: "list[CostEstimate]", per_run: float | None, per_day: float | None) -> None:
    """Refuse when this run's or today's spending plus all of the run's remote estimates exceeds a cap."""
    from llmdev.usage.store import RUN_ID, spent, start_of_today

    remote = [e for e in estimates if e.remote and e.usd is not None]  # one without a price was refused alone
    if len(remote) < 2:
        for estimate in remote:  # one call, judged again against what has been spent since it was prepared
            check_budget(estimate, per_run, per_day)
        return
    total = sum(e.usd or 0.0 for e in remote)
    largest = max(remote, key=lambda e: e.usd or 0.0)
    what = f"the {len(remote)} remote requests this run plans (the largest {largest.describe()})"
    if per_run is not None:
        so_far = spent(run_id=RUN_ID)
        if so_far + total > per_run:
            _refuse_run(what, total, "per_run_usd", per_run, so_far, "in this run")
    if per_day is not None:
        so_far = spent(since=start_of_today())
        if so_far + total > per_day:
            _refuse_run(what, total, "per_day_usd", per_day, so_far, "today")


@hookimpl
def guard_run(calls: "list[PreparedCall]", settings: "Settings") -> None:
    """Check the budget for all the calls a run plans, before any is sent."""
    budget = settings.budget
    if budget.per_run_usd is not None or budget.per_day_usd is not None:
        check_run_budget([c.estimate for c in calls if c.estimate is not None], budget.per_run_usd, budget.per_day_usd)
