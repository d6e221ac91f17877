"""Files the model is told about but not shown: the best-ranked for the question (else the last
one), centred on the files in context, a line each. Numbered in `/context`, so `/add 2` takes one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.context.outline import PROMPT_LINES, MapLine, fit_lines, render_lines
from llmdev.errors import LlmdevError
from llmdev.prompting import render

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession

SHARE = 16  # the list takes at most 1/16 of the window left after the answer


def suggestion_query(session: "ChatSession", question: str | None) -> str:
    if question is not None:
        return question
    return session.turns[-1].question if session.turns else ""


def suggested_files(session: "ChatSession", question: str | None = None) -> list[MapLine]:
    """The next best files for `question` (None: the last question) not in context; remembered
    in `session.suggested` for `/add NUMBER`; cached until the context changes."""
    query = suggestion_query(session, question)
    key = f"suggested:{','.join(session.files)}\0{query}"
    lines: list[MapLine] = session.cached(key, lambda: _ranked(session, query))  # type: ignore[assignment]
    session.suggested = lines
    return lines


def _ranked(session: "ChatSession", query: str) -> list[MapLine]:
    try:
        from llmdev.code.index import load_index
        from llmdev.code.rank import rank_files
        from llmdev.context.outline import map_lines
        from llmdev.repo.files import text_reader

        index = load_index(session.repo, show_progress=False, settings=session.settings)
        ranking = rank_files(index, query, focus=session.files, read=text_reader(session.repo))
        return map_lines(index, ranking.scores, ranking.term_weights, limit=PROMPT_LINES, exclude=set(session.files))
    except (ImportError, LlmdevError):
        return []  # no index yet, or a repository it cannot read: no list


def suggestion_block(session: "ChatSession", question: str | None, tokens: int) -> tuple[str, int]:
    """The prompt's part naming the suggested files, within `tokens` ('' when none fit), and how many it names."""
    lines = fit_lines(suggested_files(session, question), tokens)
    if not lines:
        return "", 0
    return render("chat", "suggestions", session.repo.root, files=render_lines(lines)) or "", len(lines)


def suggestion_by_number(session: "ChatSession", word: str) -> str | None:
    """The path `/add NUMBER` means: the numbered suggestion `/context` shows, if there is one."""
    if not word.isdigit():
        return None
    lines = session.suggested or suggested_files(session)
    number = int(word)
    return lines[number - 1].path if 1 <= number <= len(lines) else None
