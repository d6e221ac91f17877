"""What Tab offers: slash commands, their arguments (paths, models), and symbol names from the index."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Iterable, Iterator

from llmdev.chat.slash import commands, find
from llmdev.errors import LlmdevError, UsageError

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document

    from llmdev.chat.session import ChatSession

MAX_CANDIDATES = 50
MIN_SYMBOL_PREFIX = 2
WORD_AT_END = re.compile(r"[\w./\-]+$")


@dataclass(frozen=True)
class Candidate:
    text: str  # replaces the last `replace` characters before the cursor
    replace: int
    meta: str = ""


def candidates(session: "ChatSession", before_cursor: str) -> list[Candidate]:
    """Completions for the text left of the cursor, best first."""
    if before_cursor.startswith("/") and " " not in before_cursor:
        return command_names(before_cursor)
    if before_cursor.startswith("/"):
        name, _, rest = before_cursor[1:].partition(" ")
        try:
            kind = find(name.lower()).argument
        except UsageError:
            return []
        word = rest.rsplit(" ", 1)[-1]
        if kind == "repo-files":
            return path_candidates(word, repo_paths(session), exclude=set(session.files))
        if kind == "suggested-files":
            return suggested_candidates(session, word)
        if kind == "context-files":
            return path_candidates(word, session.files)
        if kind == "models":
            return [Candidate(m, len(word)) for m in model_names(session) if m.startswith(word)]
        if kind == "none":
            return []
    return text_candidates(session, before_cursor)


def command_names(typed: str) -> list[Candidate]:
    found = []
    for command in commands().values():
        text = "/" + command.name + (" " if command.argument != "none" else "")
        if text.startswith(typed.lower()):
            found.append(Candidate(text, len(typed), command.summary))
    return found


def path_candidates(word: str, paths: Iterable[str], exclude: Collection[str] = ()) -> list[Candidate]:
    """Paths starting with `word`, then paths whose file name starts with it."""
    paths = [p for p in paths if p not in exclude]
    leading = [p for p in paths if p.startswith(word)]
    by_name = [p for p in paths if "/" not in word and p not in leading and p.rsplit("/", 1)[-1].startswith(word)]
    return [Candidate(p, len(word)) for p in (leading + by_name)[:MAX_CANDIDATES]]


def suggested_candidates(session: "ChatSession", word: str) -> list[Candidate]:
    """/add's argument: the files suggested to the model first (a number completes to its path), then the others."""
    from llmdev.chat.suggestions import suggested_files

    suggested = suggested_files(session)
    meta = {line.path: f"#{n} {', '.join(line.symbols)}".strip() for n, line in enumerate(suggested, 1)}
    if word.isdigit():
        number = int(word)
        return [Candidate(suggested[number - 1].path, len(word), meta[suggested[number - 1].path])] if 1 <= number <= len(suggested) else []
    paths = list(meta) + [p for p in repo_paths(session) if p not in meta]
    return [Candidate(c.text, c.replace, meta.get(c.text, "")) for c in path_candidates(word, paths, exclude=set(session.files))]


def text_candidates(session: "ChatSession", before_cursor: str) -> list[Candidate]:
    """In a question: a path when the word looks like one, else a symbol defined in the repository."""
    match = WORD_AT_END.search(before_cursor)
    word = match.group(0) if match else ""
    if "/" in word or "." in word:
        return path_candidates(word, repo_paths(session))
    if len(word) < MIN_SYMBOL_PREFIX:
        return []
    table = symbols(session)
    exact = sorted(name for name in table if name.startswith(word))
    folded = sorted(name for name in table if name.lower().startswith(word.lower()) and name not in exact)
    return [Candidate(name, len(word), table[name]) for name in (exact + folded)[:MAX_CANDIDATES]]


def repo_paths(session: "ChatSession") -> list[str]:
    from llmdev.chat.slash_context import repo_listing

    try:
        return repo_listing(session).paths()
    except LlmdevError:
        return []


def model_names(session: "ChatSession") -> list[str]:
    """Aliases, what they point at, and the current model."""
    settings = session.settings
    names = set(settings.aliases) | set(settings.aliases.values()) | {str(session.model_ref())}
    return sorted(names)


def symbols(session: "ChatSession") -> dict[str, str]:
    """Name -> "kind in path" of every definition in the index (built once per session)."""
    return session.cached("symbols", lambda: _index_symbols(session))  # type: ignore[return-value]


def _index_symbols(session: "ChatSession") -> dict[str, str]:
    try:
        from llmdev.code.index import load_index

        index = load_index(session.repo, show_progress=False, settings=session.settings)
    except (ImportError, LlmdevError):
        return {}
    table: dict[str, str] = {}
    for path, tag in index.stored_definitions():
        table.setdefault(tag.name, f"{tag.kind} in {path}")
    return table


def prompt_toolkit_completer(session: "ChatSession") -> "Completer":
    """A prompt-toolkit Completer over `candidates` (prompt-toolkit is imported only here)."""
    from prompt_toolkit.completion import Completer, Completion

    class ChatCompleter(Completer):
        def get_completions(self, document: "Document", complete_event: "CompleteEvent") -> Iterator[Completion]:
            for found in candidates(session, document.text_before_cursor):
                yield Completion(found.text, start_position=-found.replace, display_meta=found.meta)

    return ChatCompleter()
