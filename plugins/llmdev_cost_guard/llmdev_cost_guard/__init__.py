"""llmdev's cost guard: a remote call whose estimate would break the budget is refused.

`[budget] per_run_usd` caps one llmdev run (one process), `per_day_usd` a calendar day; what was
spent comes from the usage log. The refusal shows the estimate first, then the cap it would
break. It runs after the privacy router (trylast), so a request rerouted to a local model costs
nothing here. Copy this package to write your own guard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import RouteRequest
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
