"""Git's listing of the work tree begun before the CLI is built, for the commands that read the index.

On a large repository `git ls-files -o` walks every directory (about 0.13 s for 36k files), and
before a command reaches its listing Python spends about as long importing Typer and loading the
configuration. Started first, git's walk overlaps that work on another core. A guess that turns
out wrong costs one unused git process: `Repository.git_parallel` takes a begun command only for
the work tree it opened and only while it is fresh.
"""

from __future__ import annotations

import os
from pathlib import Path

# Commands that list the files at once (they load the index before anything slow happens). Not
# review: a remembered review is answered without the index, and git would only compete with it.
LISTING_COMMANDS = frozenset({"context", "map", "index", "explain", "gen"})
VALUE_OPTIONS = frozenset({"-m", "--model"})  # global options that take the next argument
MOVED_GIT_ENV = ("GIT_DIR", "GIT_WORK_TREE")  # git's files are not where the walk up would look
HELP_FLAGS = frozenset({"-h", "--help"})


def start_listing_ahead(args: list[str], cwd: Path | None = None) -> None:
    """Begin the listing when `args` run a command in LISTING_COMMANDS inside a work tree."""
    if _command(args) not in LISTING_COMMANDS or any(name in os.environ for name in MOVED_GIT_ENV):
        return
    if any(arg in HELP_FLAGS for arg in args):
        return  # only the help is printed
    root = work_tree_root(cwd or Path.cwd())
    if root is not None:
        from llmdev.repo.files import start_listing

        start_listing(root)


def _command(args: list[str]) -> str | None:
    """The command `args` name: the first argument that is neither an option nor an option's value."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg.startswith("-"):
            skip = arg in VALUE_OPTIONS
        else:
            return arg
    return None


def work_tree_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git` (a folder, or a worktree's file),
    resolved as `open_repository` resolves the root; None when there is none."""
    try:
        here = start.resolve()
    except OSError:
        return None
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None
