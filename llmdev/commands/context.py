"""`llmdev context`: what llmdev would put in a prompt for a task, or around a diff's hunks."""

from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

import typer

from llmdev.commands.common import LOCATE_OPTION, LocateMode, apply_locate, load, model_flag

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.context.locate import ModelLocator
    from llmdev.context.select import ContextSelection
    from llmdev.repo.discovery import Repository


def context(
    ctx: typer.Context,
    query: Optional[str] = typer.Argument(None, help="The task, e.g. \"fix the crash when the config file is empty\"."),
    budget: Optional[int] = typer.Option(None, "--budget", "-b", min=1, help="Most tokens (default: [index] context_tokens)."),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output on stdout."),
    focus: Optional[List[str]] = typer.Option(None, "--focus", "-f", help="Files to centre on (repeatable)."),
    staged: bool = typer.Option(False, "--staged", help="Context of the staged changes' hunks instead of a task."),
    range_: Optional[str] = typer.Option(None, "--range", help="Context of the hunks of A..B (or A...B) instead of a task."),
    show_code: bool = typer.Option(False, "--code", help="Print the selected code, as it goes into a prompt."),
    locate: Optional[LocateMode] = LOCATE_OPTION,
) -> None:
    """The files and symbols for a task, best first; or, with --staged/--range, each hunk's enclosing
    definitions, callers and the definitions it uses.

    A task that names a linter, type checker or style check ("fix the mypy errors") also ranks the
    files changed last higher, uncommitted work highest."""
    from llmdev.code.index import load_index
    from llmdev.errors import UsageError
    from llmdev.repo.discovery import open_repository

    if (staged or range_) and query:
        raise UsageError("give a task or --staged/--range, not both", 'e.g. llmdev context "add retries" or llmdev context --staged')
    if staged and range_:
        raise UsageError("--staged and --range cannot be combined", "pick one")
    if not (staged or range_ or (query and query.strip())):
        raise UsageError("no task given", 'describe it: llmdev context "why does login fail?" (or use --staged / --range A..B)')
    config = load(ctx)
    apply_locate(config, locate)
    repo = open_repository()
    index = load_index(repo, settings=config.settings)
    if staged or range_:
        _diff_context(repo, index, staged=staged, range_=range_, json_output=json_output)
    else:
        from llmdev.context.locate import configured_locator

        budget = budget or config.settings.index.context_tokens
        locator = configured_locator(config, model_flag(ctx))
        selection = _select(repo, index, query or "", budget, [repo.relative(f) for f in focus or []], locator)
        _show_task_context(repo, selection, locator, json_output, show_code)


def _select(
    repo: "Repository", index: "CodeIndex", query: str, budget: int, focus: list[str], locator: "ModelLocator | None"
) -> "ContextSelection":
    from llmdev import console
    from llmdev.context.select import select_context

    if locator is None:
        return select_context(repo, query.strip(), budget=budget, focus=focus, index=index)
    with console.spinner("asking the model which files the task needs"):
        return select_context(repo, query.strip(), budget=budget, focus=focus, index=index, locate=locator)


def _show_task_context(repo: "Repository", selection: "ContextSelection", locator: "ModelLocator | None", json_output: bool, show_code: bool) -> None:
    from llmdev import console
    from llmdev.context.select import render_context, render_next_files

    if json_output:
        data = selection.to_json()
        if locator is not None:
            data["locate"] = locator.stats.as_json()
        console.print_json(data)
        return
    if show_code:
        console.print_out(render_context(repo, selection) + render_next_files(selection) + "\n")
        return
    table = console.table("score", "file", "symbols")
    for ranked in selection.files:
        names = ", ".join(f"{s.name}:{s.line}" for s in ranked.symbols)
        table.add_row(f"{ranked.score:.3f}", console.plain(ranked.path), console.plain(names))
    console.print_renderable(table)
    if selection.next_files:
        listed = console.table("score", "file", "symbols", title="listed by name only (next best)")
        for line in selection.next_files:
            listed.add_row(f"{line.score:.3f}", console.plain(line.path), console.plain(", ".join(line.symbols)))
        console.print_renderable(listed)
    console.info(f"{selection.tokens} of {selection.budget} tokens")


def _diff_context(repo: "Repository", index: "CodeIndex", *, staged: bool, range_: str | None, json_output: bool) -> None:
    from llmdev import console
    from llmdev.context.diff_context import diff_context, render_hunk_contexts
    from llmdev.repo.diffs import get_diff, new_side_rev, parse_spec

    spec = parse_spec(repo, staged=staged, range_=range_)
    diffs = get_diff(repo, spec)
    contexts = diff_context(repo, diffs, index=index, new_side_rev=new_side_rev(spec))
    if json_output:
        console.print_json({"diff": spec.describe(), "hunks": [c.to_json() for c in contexts]})
        return
    if not contexts:
        console.info(f"no hunks in {spec.describe()}")
        return
    console.print_out(render_hunk_contexts(contexts))


def register(app: typer.Typer) -> None:
    app.command("context")(context)
