"""Slash commands about what the model sees: /add, /drop, /context, /map."""

from __future__ import annotations

import fnmatch
import shlex
from typing import TYPE_CHECKING

from llmdev import console
from llmdev.chat.budget import compact
from llmdev.chat.slash import slash
from llmdev.errors import UsageError
from llmdev.tokens import estimate_tokens

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession
    from llmdev.repo.files import FileListing

GLOB_CHARS = frozenset("*?[")


def repo_listing(session: "ChatSession", fresh: bool = False) -> "FileListing":
    """The files llmdev may read (cached for completion; `fresh` lists them again)."""
    from llmdev.repo.files import list_files

    if fresh:
        session.forget("listing")
    return session.cached("listing", lambda: list_files(session.repo, settings=session.settings))  # type: ignore[return-value]


def split_arguments(argument: str) -> list[str]:
    try:
        return shlex.split(argument)
    except ValueError as exc:
        raise UsageError(f"cannot read the arguments: {exc}", "quote paths with spaces") from None


def resolve_paths(session: "ChatSession", pattern: str, known: list[str]) -> list[str]:
    """Repository paths matching `pattern`: a repository path, a path from the current directory,
    a directory, or a glob."""
    if any(c in GLOB_CHARS for c in pattern):
        return [p for p in known if fnmatch.fnmatchcase(p, pattern)]
    candidates = {pattern.strip("/")}
    try:
        candidates.add(session.repo.relative(pattern))
    except UsageError:
        pass
    exact = [p for p in known if p in candidates]
    if exact:
        return exact
    return [p for p in known if any(c and p.startswith(c + "/") for c in candidates)]


@slash("add", "/add PATH|NUMBER...", "put files (paths, directories, globs, or numbers of the files /context suggests) in the context", "suggested-files")
def add(session: "ChatSession", argument: str) -> None:
    patterns = split_arguments(argument)
    if not patterns:
        raise UsageError("/add needs at least one path", "e.g. /add src/app.py 'tests/*.py', or /add 2 for the second file /context suggests")
    add_paths(session, [_numbered(session, pattern) for pattern in patterns])


def _numbered(session: "ChatSession", pattern: str) -> str:
    """A number names a suggested file (see /context); `./3` is the file called 3."""
    from llmdev.chat.suggestions import suggestion_by_number

    if not pattern.isdigit():
        return pattern
    path = suggestion_by_number(session, pattern)
    if path is None:
        count = len(session.suggested)
        raise UsageError(f"there is no suggested file number {pattern} ({count} suggested)", f"/context lists them; for a file called {pattern}, write ./{pattern}")
    return path


def add_paths(session: "ChatSession", patterns: list[str]) -> None:
    """Put the files each pattern names in context; say why when one names none."""
    listing = repo_listing(session, fresh=True)
    known = listing.paths()
    skipped = {s.path: s.reason for s in listing.skipped}
    for pattern in patterns:
        matches = resolve_paths(session, pattern, known)
        if not matches:
            reason = skipped.get(pattern.strip("/"))
            why = f"llmdev skips it ({reason})" if reason else "no such file in the repository"
            console.warning(f"{pattern}: {why}")
        for path in matches:
            if path in session.files:
                console.info(f"{path} is already in context")
            else:
                session.files.append(path)
                console.success(f"added {path}")
    session.forget()


@slash("drop", "/drop [PATH...]", "take files out of the context (all of them without a path)", "context-files")
def drop(session: "ChatSession", argument: str) -> None:
    patterns = split_arguments(argument)
    if not patterns:
        count = len(session.files)
        session.files.clear()
        console.success(f"dropped {count} file{'s' if count != 1 else ''}")
    for pattern in patterns:
        matches = resolve_paths(session, pattern, list(session.files))
        if not matches:
            console.warning(f"{pattern} is not in context")
        for path in matches:
            session.files.remove(path)
            console.success(f"dropped {path}")
    session.forget()


@slash("context", "/context", "show what the next prompt will contain and its size")
def context(session: "ChatSession", argument: str) -> None:
    from llmdev.chat.conversation import plan_prompt

    plan = plan_prompt(session, None)
    table = console.table("part", "tokens", title=f"next prompt to {session.model_ref()}")
    for part in plan.parts:
        table.add_row(part.label, f"{part.tokens:,}")
    table.add_row("answer (kept free)", f"{plan.reserved:,}")
    console.print_renderable(table)
    known = "" if session.known_window() else " (the server does not say; assumed)"
    console.print_out(
        f"~{plan.tokens:,} tokens + your question, of a {plan.window:,}-token window{known}; "
        f"{len(session.turns) - plan.dropped_turns} of {len(session.turns)} turns fit\n"
    )
    for path in plan.unreadable:
        console.warning(f"{path} cannot be read: it is missing, binary or not UTF-8")
    show_suggestions(session)


def show_suggestions(session: "ChatSession") -> None:
    """The files the model is told about but not shown, numbered for /add."""
    if not session.suggested:
        return
    table = console.table("#", "file", "symbols", title="other files the model is told about (/add NUMBER adds one)")
    for number, line in enumerate(session.suggested, 1):
        table.add_row(str(number), console.plain(line.path), console.plain(", ".join(line.symbols)))
    console.print_renderable(table)


@slash("map", "/map", "show the repository map the model sees")
def repository_map(session: "ChatSession", argument: str) -> None:
    try:
        from llmdev.code.index import load_index
        from llmdev.context.repomap import render_map
    except ImportError:
        raise UsageError("the repository map is not available in this installation", "reinstall llmdev") from None
    budget = session.settings.chat.map_tokens or 1024
    index = load_index(session.repo, show_progress=False, settings=session.settings)
    text = render_map(session.repo, budget=budget, focus=list(session.files), index=index)
    if not text.strip():
        console.info("the repository map is empty: no files with symbols llmdev can parse")
        return
    console.print_text(text.rstrip("\n") + "\n")
    console.detail(f"~{compact(estimate_tokens(text))} tokens")
