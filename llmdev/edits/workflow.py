"""From planned changes to files on disk: refuse dirty files, show the diff, ask, write all or
nothing, journal for undo, and commit if asked."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from llmdev import console
from llmdev.edits.atomic import write_changes
from llmdev.edits.diff import coloured_diff, diff_stats, patch_bytes
from llmdev.edits.journal import JournalEntry, record_change, set_commit
from llmdev.edits.plan import FileChange
from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

Confirm = Callable[[str], bool]  # asked "Apply these changes to N file(s)?"; True writes them


@dataclass
class ApplyOptions:
    yes: bool = False  # write without asking
    no_apply: bool = False  # show the diff, write nothing
    patch: bool = False  # print a patch for `git apply`, write nothing
    commit: bool = False
    allow_dirty: bool = False
    own_paths: set[str] = field(default_factory=set)  # files llmdev itself changed earlier in this run


@dataclass
class ApplyResult:
    applied: bool
    entry: JournalEntry | None = None
    commit: str | None = None


def dirty_paths(repo: "Repository", paths: Sequence[str]) -> list[str]:
    """Which of `paths` have uncommitted changes (staged, unstaged, or untracked)."""
    from llmdev.repo.files import uncommitted_paths

    existing = [p for p in paths if (repo.root / p).exists()]
    if not existing:
        return []
    dirty = uncommitted_paths(repo, existing)
    return [p for p in existing if p in dirty]


def refuse_dirty(repo: "Repository", paths: Sequence[str], options: ApplyOptions) -> None:
    """Stop before touching files whose uncommitted changes would mix with the model's."""
    if options.allow_dirty:
        return
    dirty = [p for p in dirty_paths(repo, paths) if p not in options.own_paths]
    if dirty:
        raise UsageError(
            f"{', '.join(dirty)} {'has' if len(dirty) == 1 else 'have'} uncommitted changes; nothing was written",
            "commit or stash them first, or pass --allow-dirty",
        )


def show_diff(changes: Sequence[FileChange]) -> None:
    console.print_renderable(coloured_diff(changes))
    for path, added, removed in diff_stats(changes):
        console.info(f"  {path}: +{added} -{removed}")


def print_patch(changes: Sequence[FileChange]) -> None:
    """The changes as a patch on stdout, byte for byte (fenced under GitHub Actions when a line of
    the model's text could act as a workflow command)."""
    from llmdev.workflow_commands import fence_lines, needs_fence

    data = patch_bytes(changes)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        console.print_text(data.decode("utf-8", "replace"))
        return
    text = data.decode("utf-8", "surrogateescape")
    start, end = fence_lines(text) if needs_fence(text) else ("", "")
    sys.stdout.flush()
    buffer.write(start.encode() + data + end.encode())
    buffer.flush()


def confirm_in_terminal(question: str) -> bool:
    """Ask on the terminal; without one, stop with an error saying how to apply anyway."""
    if not sys.stdin.isatty():
        from llmdev.errors import LlmdevError

        raise LlmdevError("not applied: stdin is not a terminal, so llmdev cannot ask", "run again with --yes to write the changes")
    import typer

    return typer.confirm(question, default=False, err=True)


def commit_changes(repo: "Repository", paths: Sequence[str], message: str) -> str:
    """Commit exactly `paths` (whatever else is staged stays staged) and return the commit id."""
    from llmdev.repo.files import literal_pathspecs

    repo.git("add", *literal_pathspecs(paths))
    repo.git("commit", "--quiet", "-m", message, *literal_pathspecs(paths))
    return (repo.head_sha() or "")[:12]


def review_and_apply(
    repo: "Repository",
    changes: Sequence[FileChange],
    options: ApplyOptions,
    *,
    summary: str,
    command: str,
    commit_message: str | None = None,
    confirm: Confirm | None = None,
    undo_hint: str = "`llmdev undo`",
) -> ApplyResult:
    """Show, confirm and write `changes`; nothing is written unless every file can be.
    `confirm` asks the user (default: on the terminal); `options.yes` skips it."""
    if not changes:
        console.info("the model's edits change nothing")
        return ApplyResult(False)
    if options.patch:
        print_patch(changes)
        return ApplyResult(False)
    show_diff(changes)
    if options.no_apply:
        console.info("dry run: nothing was written")
        return ApplyResult(False)
    refuse_dirty(repo, [c.path for c in changes], options)
    ask = confirm or confirm_in_terminal
    if not (options.yes or ask(f"Apply these changes to {len(changes)} file(s)?")):
        return ApplyResult(False)
    write_changes(repo.root, changes)
    entry = record_change(repo.git_dir, changes, summary, command)
    console.success(f"wrote {len(changes)} file(s); {undo_hint} puts them back")
    result = ApplyResult(True, entry)
    if options.commit:
        result.commit = commit_changes(repo, [c.path for c in changes], commit_message or summary)
        set_commit(entry, result.commit)
        console.success(f"committed {result.commit}")
    return result
