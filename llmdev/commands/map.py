"""`llmdev map`: the repository's most relevant definitions, bodies elided, within a token budget."""

from __future__ import annotations

from typing import List, Optional

import typer

from llmdev.commands.common import load


def repo_map(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, help="Only files under these paths."),
    budget: Optional[int] = typer.Option(None, "--budget", "-b", min=1, help="Most tokens (default: [index] map_tokens)."),
    focus: Optional[List[str]] = typer.Option(None, "--focus", "-f", help="Files the map should centre on (repeatable)."),
    query: str = typer.Option("", "--query", help="A task whose words steer the ranking."),
) -> None:
    """Print a compact map of the code: files best first, with their definitions' signatures."""
    from llmdev import console
    from llmdev.code.index import load_index
    from llmdev.context.repomap import render_map
    from llmdev.repo.discovery import open_repository

    config = load(ctx)
    repo = open_repository()
    index = load_index(repo, settings=config.settings)
    text = render_map(
        repo,
        budget=budget or config.settings.index.map_tokens,
        paths=[repo.relative(p) for p in paths or []],
        focus=[repo.relative(p) for p in focus or []],
        query=query,
        index=index,
    )
    console.print_out(text)


def register(app: typer.Typer) -> None:
    app.command("map")(repo_map)
