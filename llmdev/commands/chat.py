"""`llmdev chat`: an interactive session over the repository."""

from __future__ import annotations

from typing import List, Optional

import typer

from llmdev.commands.common import LOCATE_OPTION, MODEL_OPTION, LocateMode, apply_locate, load, model_flag


def chat(
    ctx: typer.Context,
    files: Optional[List[str]] = typer.Argument(None, metavar="PATH", help="Files to start with in context (paths, directories or globs)."),
    model: Optional[str] = MODEL_OPTION,
    locate: Optional[LocateMode] = LOCATE_OPTION,
) -> None:
    """Talk with the model about this repository; answers stream as Markdown.

    Enter sends, Alt-Enter (or Esc Enter) adds a line; swap them with [chat] submit = "alt-enter".
    Tab completes /commands, file paths and symbol names. Ctrl-C stops an answer, Ctrl-D leaves.
    /help lists the commands: /add /drop /context /map /model /diff /review /edit /undo /run /cost /clear.
    Old turns are left out (and you are told) when the conversation outgrows the model's window.
    Each prompt also names the next best files for the question (path and main symbols); /context
    numbers them and /add NUMBER takes one. --locate applies to /edit without files in context.
    Typed input is kept per repository, in .git/llmdev/chat-history.
    """
    from llmdev.chat.app import run_chat
    from llmdev.chat.session import end_session, start_session
    from llmdev.chat.slash_context import add_paths
    from llmdev.repo.discovery import open_repository

    config = load(ctx)
    apply_locate(config, locate)
    session = start_session(config, model_flag(ctx, model), open_repository())
    try:
        if files:
            add_paths(session, files)
        run_chat(session)
    finally:
        end_session(session)


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)
