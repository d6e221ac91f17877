"""`llmdev index`: build or refresh the code index, and show what it holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from llmdev.commands.common import load

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex


def index(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="Forget cached parses and parse every file again."),
    stats: bool = typer.Option(False, "--stats", help="Show files, languages, definitions, references and cache size."),
) -> None:
    """Parse the repository's files with tree-sitter into a cache keyed by git blob SHA."""
    from llmdev import console
    from llmdev.code.index import load_index
    from llmdev.repo.discovery import open_repository

    config = load(ctx)
    repo = open_repository()
    built = load_index(repo, show_progress=True, rebuild=rebuild, settings=config.settings)
    for note in built.store.notes:
        console.warning(note)
    s = built.stats
    console.success(
        f"indexed {s.files} files ({s.bytes / 1e6:.1f} MB); parsed {s.parsed_files} now"
        f" ({s.parsed_bytes / 1e6:.1f} MB) in {s.seconds:.2f}s"
    )
    if stats:
        _print_stats(built)


def _print_stats(index: "CodeIndex") -> None:
    from llmdev import console

    # Straight from the store: asking the index would extract the tags that wait for first use.
    rows = index.store.get_many(index.shas[path] for path in index.files()).values()
    definitions = sum(len(row.definitions) for row in rows)
    references = sum(len(row.references) for row in rows)
    waiting = sum(1 for row in rows if not row.tagged)
    s = index.stats
    store = index.store.stats()
    table = console.table("what", "value")
    table.add_row("files", str(s.files))
    table.add_row("skipped files", str(s.skipped))
    table.add_row("source size", f"{s.bytes / 1e6:.1f} MB")
    for language, count in s.languages.most_common():
        table.add_row(f"  {language}", str(count))
    table.add_row("definitions", str(definitions))
    table.add_row("references", str(references))
    table.add_row("untagged test files", f"{waiting} (tagged when first needed)")
    table.add_row("cache", store.path)
    table.add_row("cached blobs", f"{store.blobs} ({store.bytes / 1e6:.1f} MB)")
    console.print_renderable(table)


def register(app: typer.Typer) -> None:
    app.command("index")(index)
