"""Slash commands that look at or change the code: /diff, /review, /edit, /undo, /run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev import console
from llmdev.chat.slash import slash
from llmdev.chat.slash_context import split_arguments
from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession


@slash("diff", "/diff [--staged] [PATH...]", "show uncommitted changes (or only the staged ones)", "repo-files")
def diff(session: "ChatSession", argument: str) -> None:
    from llmdev.repo.diffs import diff_text, staged_diff, worktree_diff

    words = split_arguments(argument)
    staged = "--staged" in words
    paths = [w for w in words if w != "--staged"]
    changes = (staged_diff if staged else worktree_diff)(session.repo, paths)
    text = diff_text(changes)
    if not text.strip():
        console.info("no staged changes" if staged else "no uncommitted changes to tracked files")
        return
    from rich.syntax import Syntax

    console.print_renderable(Syntax(text, "diff", theme="ansi_dark", background_color="default", word_wrap=True))


@slash("review", "/review [--staged] [PATH...]", "review the uncommitted (or staged) changes, as `llmdev review` does", "repo-files")
def review(session: "ChatSession", argument: str) -> None:
    from llmdev.review.service import ReviewArgs, run_review_command

    words = split_arguments(argument)
    args = ReviewArgs(paths=tuple(w for w in words if w != "--staged"), staged="--staged" in words)
    run_review_command(session.config, args, session.model_flag())


@slash("undo", "/undo [--list]", "put back the files of the last change /edit or `llmdev gen` wrote")
def undo(session: "ChatSession", argument: str) -> None:
    from llmdev.commands.undo import undo as undo_command

    if argument not in ("", "--list"):
        raise UsageError(f"/undo takes no argument but --list, not {argument!r}", "/undo reverts the last change")
    undo_command(list_only=argument == "--list")
    session.forget()


@slash("edit", "/edit [--allow-dirty] INSTRUCTION", "change the files in context: see the diff, confirm, then all files are written or none", "text")
def edit(session: "ChatSession", argument: str) -> None:
    from llmdev.chat.editing import edit as edit_files

    edit_files(session, argument)


@slash("run", "/run CMD", "run a command in the repository (no shell); if it fails, offer it to the model to debug", "text")
def run(session: "ChatSession", argument: str) -> None:
    from llmdev.chat.running import run as run_command

    run_command(session, argument)
