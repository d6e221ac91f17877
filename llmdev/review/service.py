"""`llmdev review` from parsed options to exit code: choose the change, plan, run, report."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from llmdev import console
from llmdev.errors import EXIT_FAILURE, EXIT_OK, UsageError
from llmdev.review.findings import ReviewResult

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.diff_types import DiffSpec
    from llmdev.repo.discovery import Repository
    from llmdev.review.ci import CiContext
    from llmdev.review.plan import Change, ReviewPlan
    from llmdev.review.recall import WorktreeState


@dataclass(frozen=True)
class ReviewArgs:
    paths: tuple[str, ...] = ()
    staged: bool = False
    commit: str | None = None
    range_: str | None = None
    base: str | None = None
    fmt: str | None = None
    output: Path | None = None
    fail_on: str | None = None
    ci: bool = False
    sarif: Path = Path("llmdev-review.sarif")
    codequality: Path = Path("gl-code-quality-report.json")
    use_cache: bool = True
    use_baseline: bool = True
    update_baseline: bool = False
    dry_run: bool = False

    def names_a_change(self) -> bool:
        return bool(self.staged or self.commit or self.range_ or self.base)


def _ci_context(args: ReviewArgs) -> "CiContext | None":
    from llmdev.review.ci import detect_ci

    if not args.ci:
        return None
    found = detect_ci(os.environ)
    if found is None:
        raise UsageError("--ci found neither GitHub Actions nor GitLab CI", "outside CI, name the change with --base REF or --range A..B")
    return found


def choose_spec(repo: "Repository", args: ReviewArgs, ci: "CiContext | None") -> "DiffSpec":
    from llmdev.repo.diffs import parse_spec

    if ci is not None and not args.names_a_change():
        console.info(f"CI: {ci.describe()}")
        try:
            return parse_spec(repo, range_=ci.range_, base=ci.base)
        except UsageError as exc:
            raise UsageError(exc.message, "the clone lacks that history: use `fetch-depth: 0` (GitHub) or "
                                          "`GIT_DEPTH: 0` (GitLab), or name the change with --base/--range") from None
    return parse_spec(repo, staged=args.staged, commit=args.commit, range_=args.range_, base=args.base)


def _report_plan(plan: "ReviewPlan", config: "LoadedConfig", dry_run: bool) -> None:
    if not plan.diffs:
        console.info(f"nothing to review: no {plan.spec.describe()}")
        if not dry_run and not console.settings().quiet:  # a first run says whether a review could run at all
            from llmdev.backends.probe import model_status

            console.info(model_status(plan.model, config.settings))
    for note in plan.notes:
        console.detail(note)
    for call in plan.calls[:1]:
        for note in call.notes:
            console.warning(note)
    if plan.rules_cut:
        console.warning("the review rules are longer than llmdev sends; the rest is left out")
    console.detail(f"{plan.spec.describe()}: {len(plan.reviewed)} file(s) in {len(plan.calls)} request(s) to {plan.model} "
                   f"(window {plan.window} tokens)")


def _dry_run(plan: "ReviewPlan") -> int:
    from llmdev.calls import describe_dry_run

    for skipped in plan.skipped:
        console.warning(f"would skip {skipped.path}: {skipped.reason}")
    console.print_json([describe_dry_run(c) for c in plan.calls])
    return EXIT_OK


def _run(plan: "ReviewPlan", config: "LoadedConfig", baseline: Path | None, use_cache: bool) -> ReviewResult:
    from llmdev.review.engine import RunOptions, run_review

    if not plan.calls:
        return run_review(plan, config, RunOptions(use_cache=use_cache, baseline=baseline))
    with console.progress(f"reviewing with {plan.model}", total=len(plan.calls)) as bar:
        options = RunOptions(use_cache=use_cache, baseline=baseline, on_progress=lambda done, total: bar.advance())
        result = run_review(plan, config, options)
    for warning in dict.fromkeys(options.warnings):
        console.warning(warning)
    return result


def baseline_path(repo: "Repository", config: "LoadedConfig") -> Path:
    return repo.root / config.settings.review.baseline


def _update_baseline(result: ReviewResult, path: Path) -> None:
    from llmdev.review.baseline import update

    added = update(path, result.findings)
    console.success(f"added {added} finding(s) to the baseline {path}; later reviews suppress them")
    result.suppressed += len(result.findings)
    result.findings = []


def exit_code(result: ReviewResult, fail_on: str) -> int:
    failing = result.failing(fail_on)
    if failing:
        console.info(f"{len(failing)} finding(s) at or above {fail_on}")
        return EXIT_FAILURE
    return EXIT_OK


def _plan_and_run(repo: "Repository", config: "LoadedConfig", spec: "DiffSpec", args: ReviewArgs, model_flag: str | None,
                  change: "Change", baseline: Path | None) -> "tuple[ReviewPlan, ReviewResult | None]":
    """Plan the review and send it (no result for --dry-run); plan again, finer, once, when the
    server counts more tokens than llmdev estimated."""
    from llmdev.review.engine import ReviewOverflow
    from llmdev.review.plan import plan_review

    paths = [repo.relative(p) for p in args.paths]
    plan = plan_review(repo, config, spec, paths, model_flag, change=change)
    _report_plan(plan, config, args.dry_run)
    if args.dry_run:
        return plan, None
    try:
        return plan, _run(plan, config, baseline, args.use_cache)
    except ReviewOverflow as overflow:
        smaller = overflow.smaller_window(plan.window)
        if smaller is None:
            raise
        console.warning(f"{overflow.message}; planning the review again for {smaller} tokens")
        plan = plan_review(repo, config, spec, paths, model_flag, max_window=smaller, change=change)
        return plan, _run(plan, config, baseline, args.use_cache)


def _recalls(config: "LoadedConfig", args: ReviewArgs) -> bool:
    """Whether the review cache is read or written in this run (review/recall.py)."""
    return not args.dry_run and (args.use_cache or config.settings.review.cache)


def _review(repo: "Repository", config: "LoadedConfig", spec: "DiffSpec", args: ReviewArgs, model_flag: str | None,
            state: "WorktreeState | None") -> "tuple[ReviewPlan | None, ReviewResult | None]":
    """(plan, result): from the cache before any context is built when nothing the prompts depend on
    changed (review/recall.py; no plan), else planned and sent (no result for --dry-run).
    `state` is the repository's state, being read when the cache is used."""
    from llmdev.review import recall
    from llmdev.review.plan import read_change

    change = read_change(repo, config, spec, [repo.relative(p) for p in args.paths], model_flag)
    baseline = baseline_path(repo, config) if args.use_baseline or args.update_baseline else None
    remembered = config.settings.review.cache
    key = None
    if change.send and state is not None:
        key = recall.state_key(state, config, spec, [repo.relative(p) for p in args.paths], change)
    if key is not None and args.use_cache:
        result = recall.recalled_review(key, spec, change, config, baseline)
        if result is not None:
            console.detail(f"{spec.describe()}: answered from the review cache ({result.usage.cached_requests} request(s)); nothing sent")
            return None, result
    plan, result = _plan_and_run(repo, config, spec, args, model_flag, change, baseline)
    if key is not None and remembered and result is not None:
        recall.remember(key, plan, change, config)
    return plan, result


def run_review_command(config: "LoadedConfig", args: ReviewArgs, model_flag: str | None) -> int:
    from llmdev.repo.discovery import open_repository
    from llmdev.review.output import CiReports, emit, emit_ci
    from llmdev.review.recall import WorktreeState

    repo = open_repository(config.repo_root)
    ci = _ci_context(args)
    state = WorktreeState(repo) if _recalls(config, args) else None  # git status runs meanwhile
    spec = choose_spec(repo, args, ci)
    plan, result = _review(repo, config, spec, args, model_flag, state)
    if result is None:
        assert plan is not None
        return _dry_run(plan)
    if args.update_baseline:
        _update_baseline(result, baseline_path(repo, config))
    if result.partial:
        console.warning(f"partial review: {len(result.skipped_files)} file(s) not reviewed (listed in the result)")
    if ci is not None:
        emit_ci(result, ci, CiReports(args.sarif, args.codequality, Path("llmdev-review.md")))
        if args.output is not None or args.fmt is not None:
            emit(result, args.fmt or "text", args.output)
    else:
        emit(result, args.fmt or "text", args.output)
    return exit_code(result, args.fail_on or config.settings.review.fail_on)
