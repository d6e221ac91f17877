"""`llmdev explain PATH[:SYMBOL]`: explain a file or one of its definitions, with its context."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag


def explain(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="A file, or FILE:SYMBOL such as src/cart.py:Cart.total."),
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    """Explain a file or a symbol: what it does, who uses it, what it relies on."""
    from llmdev import console
    from llmdev.answer import AnswerStream, require_answer
    from llmdev.calls import execute
    from llmdev.code.index import load_index
    from llmdev.context.repomap import render_map
    from llmdev.debug.explain import gather_explain_context, split_target
    from llmdev.edits.generate import ModelCaller
    from llmdev.prompting import build_messages
    from llmdev.provenance import fence, fence_rows
    from llmdev.repo.discovery import open_repository
    from llmdev.tokens import CHARS_PER_TOKEN

    repo = open_repository()
    config = load(ctx)
    settings = config.settings.gen
    spec_path, symbol = split_target(target)
    path = repo.relative(spec_path)
    index = load_index(repo, show_progress=False)
    context = gather_explain_context(repo, index, path, symbol, int(settings.context_tokens * CHARS_PER_TOKEN))
    if context.truncated:
        console.warning(f"{context.target} is long; only its first {len(context.code.lines)} lines are sent")
    repo_map = render_map(repo, budget=settings.map_tokens, focus=[path], query=symbol or path, index=index) if settings.map_tokens else ""
    messages = build_messages(
        "explain",
        repo.root,
        target=context.target,
        code=fence("code", context.code.render(), context.path),
        usages=fence_rows("caller", context.usages) or "(none found)",
        related="\n\n".join(fence("definition", r.render(), r.path) for r in context.related) or "(none)",
        repo_map=fence("map", repo_map) if repo_map else "(none)",
    )
    caller = ModelCaller("explain", config, model_flag(ctx, model), context.files)
    if dry_run:
        caller.print_dry_run(messages)
        return
    prepared = caller.prepare(messages)
    with AnswerStream() as stream:
        result = execute(prepared, config, on_text=stream)
    for warning in result.warnings:
        console.warning(warning)
    require_answer(result)


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
