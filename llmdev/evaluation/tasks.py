"""Run one mined task, for one model, with llmdev's own review, commit-msg and context code, and score it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from llmdev.evaluation.mining import COMMIT_MSG, EDIT, LOCALISATION, REVIEW, Task
from llmdev.evaluation.store import Result

if TYPE_CHECKING:
    from llmdev.calls import PreparedCall
    from llmdev.compare.calls import CallMetrics
    from llmdev.config.loader import LoadedConfig
    from llmdev.evaluation.scratch import ScratchCheckout

CONTEXT_MODEL = "llmdev/context"  # what localisation results are stored under: no model is involved


class Skip(Exception):
    """A task that is not run for this model, with the reason (privacy rules, nothing to review)."""


@dataclass
class EvalContext:
    config: "LoadedConfig"
    scratch: "ScratchCheckout"


def privacy_stop(calls: Sequence["PreparedCall"], model: str) -> str | None:
    """Why these calls must not be sent in an evaluation: the privacy rules changed them."""
    for call in calls:
        if str(call.model) != model:
            return f"privacy rules send it to {call.model} instead"
        if call.privacy:
            kinds = sorted({str(f.get("kind")) for f in call.privacy})
            return f"privacy rules would redact it ({', '.join(kinds)})"
    return None


def _localisation(task: Task, model: str, ctx: EvalContext) -> tuple[float, dict]:
    """Lexical under CONTEXT_MODEL; model-assisted under `MODEL [locate]` (no cache: each run asks)."""
    from llmdev.context.locate import ModelLocator
    from llmdev.evaluation.localisation import located_model, score_localisation

    repo = ctx.scratch.at(task.parent)
    picker = located_model(model)
    locator = ModelLocator(ctx.config, picker, use_cache=False, fall_back=False) if picker else None
    scored = score_localisation(repo, task, ctx.config.settings.eval.context_tokens, locator, ctx.config.settings)
    if locator is None:
        return scored.score, scored.as_json()
    if locator.stats.model and locator.stats.model != picker:
        raise Skip(f"privacy rules send it to {locator.stats.model} instead")
    return scored.score, scored.as_json() | {"locate": locator.stats.as_json()}


def _review(task: Task, model: str, ctx: EvalContext) -> tuple[float, dict]:
    from llmdev.evaluation.scoring import score_review
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.review.engine import RunOptions, run_review
    from llmdev.review.plan import plan_review

    repo = ctx.scratch.at(task.sha)
    plan = plan_review(repo, ctx.config, DiffSpec("commit", task.parent, task.sha, label=task.sha[:10]), (), model)
    if not plan.calls:
        raise Skip("nothing in the commit to review")
    if (why := privacy_stop(plan.calls, model)) is not None:
        raise Skip(why)
    result = run_review(plan, ctx.config, RunOptions(use_cache=False))
    scored = score_review(result.findings, task.payload["targets"], ctx.config.settings.eval.line_slack)
    details = scored.as_json() | {"fixes": task.payload.get("fixes", []), "found": [f.as_json() for f in result.findings]}
    return scored.score, details


def _commit_message(task: Task, model: str, ctx: EvalContext) -> tuple[float, dict]:
    from llmdev.evaluation.scoring import score_message
    from llmdev.hooks.message import prepare_message, write_message

    request = prepare_message(ctx.scratch.staged(task.sha), ctx.config, model)
    if (why := privacy_stop([request.call], model)) is not None:
        raise Skip(why)
    scored = score_message(write_message(request, ctx.config), task.payload["message"])
    return scored.score, scored.as_json() | {"reference": task.payload["message"]}


def _edit(task: Task, model: str, ctx: EvalContext) -> tuple[float, dict]:
    from llmdev.evaluation.editing import score_edit

    return score_edit(ctx.scratch.at(task.parent), ctx.config, task, model)


RUNNERS = {LOCALISATION: _localisation, REVIEW: _review, COMMIT_MSG: _commit_message, EDIT: _edit}


def _result(task: Task, status: str, score: float | None, reason: str, details: dict, metrics: "CallMetrics", seconds: float) -> Result:
    return Result(
        task.id, task.kind, task.sha, task.time, status, score, reason, details,
        metrics.input_tokens, metrics.output_tokens, round(metrics.model_s, 4),
        round(max(seconds - metrics.model_s, 0.0), 4), metrics.cost_usd,
    )


def run_task(task: Task, model: str, ctx: EvalContext) -> Result:
    """Score `task` with `model`; a skip is a result too. Model errors are raised (the runner decides)."""
    from llmdev.compare.calls import CallMetrics, collect_calls, summarize_calls
    from llmdev.privacy.guard import PrivacyRefusal

    started = time.perf_counter()
    with collect_calls() as records:
        try:
            score, details = RUNNERS[task.kind](task, model, ctx)
            status, reason = "ok", ""
        except (Skip, PrivacyRefusal) as exc:
            score, details, status, reason = None, {}, "skipped", str(exc)
    metrics = summarize_calls(records, ctx.config.settings) if records else CallMetrics()
    return _result(task, status, score, reason, details, metrics, time.perf_counter() - started)
