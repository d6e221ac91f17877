"""`llmdev undo`: put back the files of the last change llmdev wrote, if nobody touched them since."""

from __future__ import annotations

import typer


def undo(
    list_only: bool = typer.Option(False, "--list", help="List the changes that can be undone, newest first."),
) -> None:
    """Restore the files of the last change `gen` or `debug --fix` wrote."""
    from datetime import datetime

    from llmdev import console
    from llmdev.edits.atomic import write_changes
    from llmdev.edits.journal import drop, entries, reverse_changes
    from llmdev.errors import LlmdevError
    from llmdev.repo.discovery import open_repository

    repo = open_repository()
    found = entries(repo.git_dir)
    if list_only:
        table = console.table("when", "command", "files", "change")
        for entry in found:
            when = datetime.fromtimestamp(entry.created_at).strftime("%Y-%m-%d %H:%M")
            table.add_row(when, entry.command, ", ".join(f.path for f in entry.files), entry.summary.splitlines()[0][:60])
        console.print_renderable(table)
        return
    if not found:
        raise LlmdevError("there is no change to undo", "llmdev records the changes `gen` and `debug --fix` write")
    entry = found[0]
    write_changes(repo.root, reverse_changes(repo.root, entry))
    drop(entry)
    paths = ", ".join(f.path for f in entry.files)
    console.success(f"restored {paths} (undid: {entry.summary.splitlines()[0][:60]})")
    if entry.commit:
        console.info(f"the change was committed as {entry.commit}; the restored files are now uncommitted changes")


def register(app: typer.Typer) -> None:
    app.command("undo")(undo)
