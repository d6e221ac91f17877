"""`llmdev review`: review staged changes, a commit, a range or a branch; in CI, the pull request."""

from __future__ import annotations

from pathlib import Path
from typing import List, Literal, Optional

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag
from llmdev.review.findings import NEVER, SEVERITIES
from llmdev.review.formats import FORMATS

SEVERITY_CHOICES = (*SEVERITIES, NEVER)
ReviewFormat = Literal[FORMATS]
Severity = Literal[SEVERITY_CHOICES]

HELP = """Review code changes and report findings.

What is reviewed: the staged changes (read from the index); if nothing is staged, the working
tree against HEAD; or --staged, --commit, --range, --base. In CI (--ci), the pull or merge
request from GitHub Actions' or GitLab CI's environment.

Exit codes: 0 no finding at or above --fail-on (default: never fail); 1 findings at or above
it; 2 usage or configuration error; 3 the model was unavailable or failed.
"""


def review(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, help="Only review these files or directories."),
    staged: bool = typer.Option(False, "--staged", help="Review the staged changes (the default when any are staged)."),
    commit: Optional[str] = typer.Option(None, "--commit", metavar="SHA", help="Review one commit."),
    range_: Optional[str] = typer.Option(None, "--range", metavar="A..B", help="Review a range (A...B: since they forked)."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF", help="Review HEAD since its merge-base with REF."),
    fmt: Optional[ReviewFormat] = typer.Option(None, "--format", "-f", help="Output format (default text)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the result to this file instead of stdout."),
    fail_on: Optional[Severity] = typer.Option(None, "--fail-on", help="Exit 1 on findings at or above this severity (default never)."),
    ci: bool = typer.Option(False, "--ci", help="Detect GitHub Actions / GitLab CI: review the PR/MR, write SARIF, annotations and the step summary."),
    sarif: Path = typer.Option(Path("llmdev-review.sarif"), "--sarif", help="Where --ci writes SARIF."),
    codequality: Path = typer.Option(Path("gl-code-quality-report.json"), "--codequality", help="Where --ci writes GitLab's Code Quality report."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model again even if this exact review is cached."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="Show findings the baseline suppresses."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Add the current findings to the baseline file, so later runs suppress them."),
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
) -> int:
    from llmdev.review.service import ReviewArgs, run_review_command

    args = ReviewArgs(
        paths=tuple(paths or ()), staged=staged, commit=commit, range_=range_, base=base, fmt=fmt, output=output,
        fail_on=fail_on, ci=ci, sarif=sarif, codequality=codequality, use_cache=not no_cache,
        use_baseline=not no_baseline, update_baseline=update_baseline, dry_run=dry_run,
    )
    return run_review_command(load(ctx), args, model_flag(ctx, model))


def register(app: typer.Typer) -> None:
    app.command("review", help=HELP)(review)
