"""`llmdev compare`: the same review, question, change, failure or commit message on several models,
side by side: latency, tokens, speed, cost and what each produced."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, List, Literal, Optional

import typer

from llmdev.commands.common import load, model_option
from llmdev.compare.render import FORMATS

if TYPE_CHECKING:
    from llmdev.compare.engine import TaskRunner

compare_app = typer.Typer(
    help="Run the same task on several models side by side: time to first token, latency, tokens, cost, outputs.",
    no_args_is_help=True,
)

MODELS_OPTION = model_option("Model or alias; repeat for each: -m local -m gpt4o.")
OutputFormat = Literal[FORMATS]
FORMAT_OPTION = typer.Option("text", "--format", "-f", help="Output format.")
PARALLEL_OPTION = typer.Option(False, "--parallel", help="Ask all models at once (latencies then include contention).")


def _models(ctx: typer.Context, models: Optional[List[str]]) -> list[str]:
    from llmdev.backends.registry import resolve_model
    from llmdev.errors import UsageError

    chosen = list(dict.fromkeys(models or []))
    if not chosen:
        raise UsageError("name the models to compare", "repeat --model, e.g. llmdev compare ask 'why?' -m local -m gpt4o")
    settings = load(ctx).settings
    for model in chosen:
        resolve_model(model, settings)  # an unknown model stops everything before any call
    return chosen


def _run(ctx: typer.Context, task: str, runner: "TaskRunner", models: list[str], fmt: str, parallel: bool) -> int:
    from llmdev import console
    from llmdev.compare.engine import ModelRun, compare_models
    from llmdev.compare.render import Comparison, render
    from llmdev.errors import EXIT_MODEL, EXIT_OK

    def done(run: ModelRun) -> None:
        console.info(f"{run.model}: {'done' if run.ok else 'failed'} in {run.total_s:.1f}s")

    with console.spinner(f"{task} on {len(models)} model(s)"):
        runs = compare_models(runner, models, load(ctx), parallel=parallel, on_done=done)
    render(Comparison(task, runs), fmt)
    return EXIT_OK if any(run.ok for run in runs) else EXIT_MODEL


@compare_app.command("review")
def review(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, help="Only review these files or directories."),
    staged: bool = typer.Option(False, "--staged", help="Review the staged changes (the default when any are staged)."),
    commit: Optional[str] = typer.Option(None, "--commit", metavar="SHA", help="Review one commit."),
    range_: Optional[str] = typer.Option(None, "--range", metavar="A..B", help="Review a range."),
    base: Optional[str] = typer.Option(None, "--base", metavar="REF", help="Review HEAD since its merge-base with REF."),
    models: Optional[List[str]] = MODELS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    parallel: bool = PARALLEL_OPTION,
) -> int:
    """Review the same change with each model: which findings agree by location, which are unique."""
    from llmdev import console
    from llmdev.compare.tasks import review_task
    from llmdev.repo.diffs import get_diff, parse_spec
    from llmdev.repo.discovery import open_repository

    chosen = _models(ctx, models)
    config = load(ctx)
    repo = open_repository(config.repo_root)
    spec = parse_spec(repo, staged=staged, commit=commit, range_=range_, base=base)
    relative = [repo.relative(p) for p in paths or []]
    if not get_diff(repo, spec, relative, context_lines=0):
        console.info(f"nothing to review: no {spec.describe()}")
        return 0
    return _run(ctx, "review", review_task(repo, config, spec, relative), chosen, fmt, parallel)


@compare_app.command("ask")
def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question. Use - to read it from stdin."),
    models: Optional[List[str]] = MODELS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    parallel: bool = PARALLEL_OPTION,
) -> int:
    """Ask each model the same question."""
    import sys

    from llmdev.compare.tasks import ask_task
    from llmdev.errors import UsageError
    from llmdev.prompting import build_messages

    chosen = _models(ctx, models)
    text = (sys.stdin.read() if question == "-" else question).strip()
    if not text:
        raise UsageError("the question is empty", "llmdev compare ask \"why does this test fail?\" -m local -m gpt4o")
    config = load(ctx)
    return _run(ctx, "ask", ask_task(config, build_messages("ask", config.repo_root, question=text)), chosen, fmt, parallel)


@compare_app.command("gen")
def gen(
    ctx: typer.Context,
    instruction: str = typer.Argument(..., help="The change to make."),
    files: Optional[List[str]] = typer.Argument(None, help="Files to edit (shown whole); default: the best-ranked files."),
    models: Optional[List[str]] = MODELS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    parallel: bool = PARALLEL_OPTION,
    dry_run: bool = typer.Option(True, "--dry-run", help="Show each model's diff; compare never writes files."),
) -> int:
    """Ask each model for the same change and show their diffs; nothing is written."""
    from llmdev.compare.tasks import edits_task
    from llmdev.edits.request import gen_request
    from llmdev.errors import UsageError
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    del dry_run  # always on: compare never writes files
    chosen = _models(ctx, models)
    if not instruction.strip():
        raise UsageError("the instruction is empty", 'say what to change: llmdev compare gen "rename foo to bar" -m local -m gpt4o')
    config = load(ctx)
    repo = open_repository(config.repo_root)
    context, messages = gen_request(repo, config, instruction, [repo.relative(f) for f in files or []])
    runner = edits_task("gen", config, messages, repo.root, context.files, list_files(repo).paths(), need_edits=True)
    return _run(ctx, "gen", runner, chosen, fmt, parallel)


@compare_app.command("debug", context_settings={"allow_interspersed_args": False})
def debug(
    ctx: typer.Context,
    command: Optional[List[str]] = typer.Argument(None, help="The failing command, after `--` (run once, for all models)."),
    log: Optional[Path] = typer.Option(None, "--log", help="Read the failure from this file instead of running a command."),
    models: Optional[List[str]] = MODELS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    parallel: bool = PARALLEL_OPTION,
) -> int:
    """Ask each model why the same failure happens, and for its fix as a diff; nothing is written."""
    from llmdev import console
    from llmdev.compare.tasks import edits_task
    from llmdev.debug.session import DebugSession, read_failure
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    chosen = _models(ctx, models)
    config = load(ctx)
    repo = open_repository(config.repo_root)
    settings = config.settings.debug
    failure = read_failure(repo, list(command or []), log, settings.timeout)
    if failure is None:
        console.success("the command passes; nothing to debug")
        return 0
    files = list_files(repo).paths()
    session = DebugSession(repo, files, settings.timeout, settings.output_chars, Path.cwd(), settings=config.settings)
    context = session.context(failure)
    runner = edits_task("debug", config, session.messages(failure, context), repo.root, context.files, files, need_edits=False)
    return _run(ctx, "debug", runner, chosen, fmt, parallel)


@compare_app.command("commit-msg")
def commit_msg(
    ctx: typer.Context,
    models: Optional[List[str]] = MODELS_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    parallel: bool = PARALLEL_OPTION,
) -> int:
    """Ask each model for a commit message for the staged changes."""
    from llmdev.compare.tasks import commit_msg_task
    from llmdev.errors import UsageError
    from llmdev.repo.diffs import has_staged_changes
    from llmdev.repo.discovery import open_repository

    chosen = _models(ctx, models)
    config = load(ctx)
    repo = open_repository(config.repo_root)
    if not has_staged_changes(repo):
        raise UsageError("nothing is staged", "stage changes with `git add`, then compare again")
    return _run(ctx, "commit-msg", commit_msg_task(repo, config), chosen, fmt, parallel)


def register(app: typer.Typer) -> None:
    app.add_typer(compare_app, name="compare")
