"""Run a planned review: send each request (or take it from the cache), validate and repair the
replies, and merge them into one result."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from llmdev.backends.base import ContextOverflow, Message
from llmdev.errors import ModelError
from llmdev.review import cache
from llmdev.review.baseline import load_fingerprints, suppress
from llmdev.review.findings import Finding, ReviewResult, ReviewUsage
from llmdev.review.merge import assign_fingerprints, at_least, dedupe, merge_summaries, off_diff_note, place
from llmdev.review.prompt import repair_message
from llmdev.review.reply import ParsedReply, ReplyError, parse_reply
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.backends.base import ChatResult
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.review.plan import ReviewPlan

Progress = Callable[[int, int], None]  # (requests done, requests in all)


@dataclass
class RunOptions:
    use_cache: bool = True
    baseline: Path | None = None  # suppress findings whose fingerprints are in this file
    on_progress: Progress | None = None
    warnings: list[str] = field(default_factory=list)  # filled with what the backends warned about


@dataclass
class _Answer:
    reply: ParsedReply
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    cached: bool = False
    warnings: list[str] = field(default_factory=list)  # what the backend warned about, for this request


def failed_replies_dir() -> Path:
    return cache.cache_root().parent / "review-failures"


def save_raw_reply(text: str, model: str) -> Path:
    """Keep a reply that could not be used, for the user to inspect (secrets replaced, mode 600)."""
    from llmdev.privacy.own_files import scrub, write_private_text

    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe_model = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    path = failed_replies_dir() / f"{stamp}-{safe_model}-{time.monotonic_ns() % 10_000_000}.txt"
    write_private_text(path, scrub(text))
    return path


class ReviewOverflow(ContextOverflow):
    """The server refused a review request as over its window; says how much smaller to plan."""

    def __init__(self, overflow: ContextOverflow, estimated: int) -> None:
        super().__init__(overflow.message, overflow.hint, overflow.prompt_tokens, overflow.window)
        self.estimated = estimated  # llmdev's estimate of the refused prompt

    def smaller_window(self, planned: int) -> int | None:
        """A window to plan again with, scaled by how far llmdev's estimate fell short; None if no smaller one helps."""
        if not self.prompt_tokens or not self.window:
            return None
        scale = min(self.estimated / self.prompt_tokens, 1.0)
        target = int(min(planned, self.window) * scale)
        return target if target < planned else None


def _send(call: "PreparedCall", config: "LoadedConfig", warnings: list[str]) -> "ChatResult":
    from llmdev.calls import execute

    try:
        result = execute(call, config)
    except ContextOverflow as overflow:
        raise ReviewOverflow(overflow, call.estimated_input_tokens) from None
    warnings.extend(result.warnings)
    return result


def _repair_turn(call: "PreparedCall", first: "ChatResult", problem: str, window: int) -> list[Message]:
    """The messages asking for a usable reply. The first reply goes back only when it ended by itself and
    prompt + reply + another reply still fit the window; otherwise the request is asked again, shorter."""
    reserve = call.options.max_output_tokens or 0
    with_reply = [*call.messages, Message("assistant", first.text)]
    fits = not window or estimate_message_tokens(m.content for m in with_reply) + 2 * reserve <= window
    if first.finish_reason != "length" and fits:
        return [*with_reply, Message("user", repair_message(problem, call.repo_root))]
    cut = f"your reply was cut off at the output limit of {reserve} tokens; report fewer findings, more briefly"
    return [*call.messages, Message("user", repair_message(cut if first.finish_reason == "length" else problem, call.repo_root))]


def _ask(call: "PreparedCall", config: "LoadedConfig", warnings: list[str], window: int = 0) -> _Answer:
    """One request, with one repair attempt when the reply does not fit the schema."""
    first = _send(call, config, warnings)
    used = [first]
    try:
        reply = parse_reply(first.text)
    except ReplyError as problem:
        repair = _repair_turn(call, first, str(problem), window)
        second = _send(dataclasses.replace(call, messages=repair), config, warnings)
        used.append(second)
        try:
            reply = parse_reply(second.text)
        except ReplyError as again:
            saved = save_raw_reply(second.text, second.model)
            cut = " (it stopped at the output token limit)" if second.finish_reason == "length" else ""
            raise ModelError(
                f"{second.model} did not return a valid review after one repair attempt{cut}: {again}",
                f"the raw reply is saved in {saved}; try again, or use a stronger model with --model",
            ) from None
    return _Answer(
        reply,
        used[-1].model,
        sum(r.usage.input_tokens for r in used),
        sum(r.usage.output_tokens for r in used),
        sum(r.usage.duration_s for r in used),
    )


def _cached(entry: dict[str, Any], model: str) -> _Answer:
    reply = ParsedReply(cache.cached_findings(entry), str(entry.get("summary", "")))
    return _Answer(reply, str(entry.get("model") or model), cached=True)


def _answer(call: "PreparedCall", config: "LoadedConfig", options: RunOptions, window: int = 0) -> _Answer:
    key = cache.request_key(call)
    if options.use_cache and (entry := cache.load(key)) is not None:
        return _cached(entry, str(call.model))
    warnings: list[str] = []
    answer = _ask(call, config, warnings, window)
    answer.warnings = warnings
    if config.settings.review.cache:
        usage = {"input_tokens": answer.input_tokens, "output_tokens": answer.output_tokens}
        cache.store(key, answer.reply.findings, answer.reply.summary, answer.model, usage)
    return answer


def _combine(plan: "ReviewPlan", answers: list[_Answer], config: "LoadedConfig", options: RunOptions) -> ReviewResult:
    findings: list[Finding] = [dataclasses.replace(f) for a in answers for f in a.reply.findings]
    inline, off = place(findings, plan.changed)
    minimum = config.settings.review.min_severity
    inline, off = dedupe(at_least(inline, minimum)), dedupe(at_least(off, minimum))
    assign_fingerprints(inline, plan.changed)
    suppressed = 0
    if options.baseline is not None:
        inline, suppressed = suppress(inline, load_fingerprints(options.baseline))
    summary = merge_summaries([a.reply.summary for a in answers] + [off_diff_note(off)])
    usage = ReviewUsage(
        input_tokens=sum(a.input_tokens for a in answers),
        output_tokens=sum(a.output_tokens for a in answers),
        requests=sum(1 for a in answers if not a.cached),
        cached_requests=sum(1 for a in answers if a.cached),
        model_seconds=sum(a.seconds for a in answers),
    )
    model = answers[0].model if answers else plan.model
    return ReviewResult(inline, summary, plan.reviewed, plan.skipped, model, usage, suppressed, plan.spec.describe())


def replay(plan: "ReviewPlan", keys: list[str], config: "LoadedConfig", options: RunOptions) -> ReviewResult | None:
    """The review merged from the cached replies to its requests, in plan order; None when one
    of them is gone. Nothing is sent."""
    answers = []
    for key in keys:
        entry = cache.load(key)
        if entry is None:
            return None
        answers.append(_cached(entry, plan.model))
    return _combine(plan, answers, config, options)


def _keep_one_window(plan: "ReviewPlan", config: "LoadedConfig") -> None:
    """Size each model's window for the plan's largest request before any is sent, so that every part
    carries the same num_ctx whatever order they run in (a changed num_ctx reloads an Ollama model)."""
    from llmdev.backends.registry import get_backend

    largest: dict[str, "PreparedCall"] = {}
    for call in plan.calls:
        key = str(call.model)
        if key not in largest or call.estimated_input_tokens > largest[key].estimated_input_tokens:
            largest[key] = call
    for call in largest.values():
        reserve = getattr(get_backend(call.model.provider, config.settings), "num_ctx_for", None)
        if reserve is not None:
            try:
                reserve(call.model.name, call.estimated_input_tokens, call.options)
            except ModelError:
                pass  # the server is down: sending says so, with the hint


def _part(call: "PreparedCall", plan: "ReviewPlan", config: "LoadedConfig", options: RunOptions) -> _Answer:
    """One request of the plan; a failure names the part and its files when there are several."""
    try:
        return _answer(call, config, options, plan.window)
    except ContextOverflow:
        raise  # the service plans again, finer
    except ModelError as exc:
        if len(plan.calls) == 1:
            raise
        number = plan.calls.index(call) + 1
        where = f"review request {number} of {len(plan.calls)} ({', '.join(call.files)})"
        raise ModelError(f"{where}: {exc.message}", exc.hint) from None


def guard_the_run(plan: "ReviewPlan", config: "LoadedConfig", options: RunOptions) -> None:
    """Let guards check the requests that will be sent, together (a budget counts their sum); each
    passed alone when it was prepared. Requests the cache answers send nothing and are left out."""
    from llmdev.plugins import hook

    to_send = [c for c in plan.calls if not (options.use_cache and cache.load(cache.request_key(c)) is not None)]
    if to_send:
        hook().guard_run(calls=to_send, settings=config.settings)


def parallel_requests(plan: "ReviewPlan", config: "LoadedConfig") -> int:
    """How many of the plan's requests may run at once: the largest limit among its providers."""
    from llmdev.concurrency import provider_limit

    return max((provider_limit(c.model.provider, config.settings) for c in plan.calls), default=1)


def run_review(plan: "ReviewPlan", config: "LoadedConfig", options: RunOptions | None = None) -> ReviewResult:
    """Send the plan's requests, as many at once as each provider allows, and merge their replies in
    plan order: the result is the same as sending them one after another."""
    from llmdev.concurrency import run_ordered

    options = options or RunOptions()
    done = 0

    def progress(_index: int, _answer: _Answer) -> None:
        nonlocal done
        done += 1
        if options.on_progress is not None:
            options.on_progress(done, len(plan.calls))

    guard_the_run(plan, config, options)
    _keep_one_window(plan, config)
    answers = run_ordered(lambda call: _part(call, plan, config, options), plan.calls, parallel_requests(plan, config), progress)
    for answer in answers:
        options.warnings.extend(answer.warnings)
    return _combine(plan, answers, config, options)
