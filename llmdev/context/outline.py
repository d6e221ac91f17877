"""The next best files as a compact map: one line per file, its path and its main symbols.

A prompt names with it the files it does not show (breadth before depth: the model and the user
can ask for them), and model-assisted localisation lets the model pick from it. Paths and symbol
names come from the repository, so every line is fenced as data labelled with its path, which the
privacy guard reads like any other piece of context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Sequence

from llmdev.code.terms import split_identifier
from llmdev.tokens import CHARS_PER_TOKEN, estimate_tokens

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex

MAX_SYMBOLS = 4
PROMPT_LINES = 12  # the most files a prompt lists beyond those it shows
LIST_SHARE = 8  # the list takes at most 1/8 of a context budget
NAME_BONUS = 2.0


@dataclass(frozen=True)
class MapLine:
    """A file that is not shown, with the names a reader would look for in it."""

    path: str
    score: float
    symbols: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.path}: {', '.join(self.symbols)}" if self.symbols else self.path


def top_symbols(index: "CodeIndex", path: str, weights: dict[str, float]) -> tuple[str, ...]:
    """The file's definitions that match the task's terms, then the most referenced ones."""
    summary = index.summary

    def weight(name: str) -> float:
        named = sum(weights.get(piece, 0.0) for piece in split_identifier(name))
        private = 0.5 if name.startswith("_") else 0.0
        return NAME_BONUS * named + math.log2(2 + summary.users(name)) - private

    # A name's weight is the same wherever it is defined, so each name is weighed once and
    # ranked by its first definition: the order sorting every definition would give.
    first_line: dict[str, int] = {}
    for tag in index.definition_tags(path):
        first_line[tag.name] = min(tag.line, first_line.get(tag.name, tag.line))
    return tuple(sorted(first_line, key=lambda name: (-weight(name), first_line[name]))[:MAX_SYMBOLS])


def map_lines(
    index: "CodeIndex",
    scores: Sequence[tuple[str, float]],
    weights: dict[str, float],
    *,
    limit: int,
    exclude: Collection[str] = (),
) -> list[MapLine]:
    """The first `limit` ranked files not in `exclude`, each with its top symbols."""
    chosen = [(path, score) for path, score in scores if path not in exclude][:limit]
    index.preload((path for path, _ in chosen), full=False)
    # Who references each defined name is read from the index file: all of them in one go.
    index.summary.prefetch_users(tag.name for path, _ in chosen for tag in index.definition_tags(path))
    return [MapLine(path, score, top_symbols(index, path, weights)) for path, score in chosen]


def render_lines(lines: Sequence[MapLine]) -> str:
    """The lines, each fenced as map data labelled with its path ('' for none)."""
    from llmdev.provenance import fence_rows

    return fence_rows("map", [(line.path, line.text()) for line in lines])


def lines_cost(lines: Sequence[MapLine]) -> int:
    """Tokens the rendered lines take in a prompt."""
    return estimate_tokens(render_lines(lines)) if lines else 0


def fit_lines(lines: Sequence[MapLine], tokens: int) -> list[MapLine]:
    """The leading lines whose rendering fits in `tokens`."""
    from llmdev.provenance import fence

    room = math.floor(max(tokens, 0) * CHARS_PER_TOKEN)
    fitted: list[MapLine] = []
    used = -1  # fences are joined by newlines: n lines cost n - 1 of them
    for line in lines:
        price = len(fence("map", line.text(), line.path)) + 1
        if used + price > room:
            break
        used += price
        fitted.append(line)
    return fitted


def list_reserve(lines: Sequence[MapLine], budget: int) -> int:
    """Tokens to keep free in a `budget` for a list like `lines`: their cost, at most a share of it."""
    return min(budget // LIST_SHARE, lines_cost(lines[:PROMPT_LINES]))
