"""The repo map: the most relevant definitions' signatures, bodies elided, filling a token budget."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from llmdev.code.terms import split_identifier
from llmdev.tokens import CHARS_PER_TOKEN, fill_budget

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.repo.discovery import Repository

MAP_FILES = 400
CHUNK_FILES = 20
# Stop reading files once there is this many times more text on offer than the budget holds.
ENOUGH_CHOICE = 4
NAME_BONUS = 2.0


@dataclass
class MapEntry:
    path: str
    line: int
    text: str  # rendered lines, each ending in a newline
    priority: float


def render_map(
    repo: "Repository",
    *,
    budget: int,
    paths: Sequence[str] = (),
    focus: Sequence[str] = (),
    query: str = "",
    index: "CodeIndex | None" = None,
) -> str:
    """Files best first, each with its definitions' signatures; as close to `budget` tokens as fits."""
    from llmdev.code.index import load_index
    from llmdev.code.rank import rank_files
    from llmdev.repo.files import text_reader

    index = index or load_index(repo, show_progress=False)
    ranking = rank_files(index, query, focus=focus, read=text_reader(repo))
    ranked = [(p, s) for p, s in ranking.scores if _within(p, paths)]
    ranked += [(p, 0.0) for p in index.files() if _within(p, paths) and p not in dict(ranked)]
    char_budget = math.floor(budget * CHARS_PER_TOKEN)
    entries: list[MapEntry] = []
    offered = 0
    for start in range(0, min(len(ranked), MAP_FILES), CHUNK_FILES):
        chunk = ranked[start : start + CHUNK_FILES]
        index.preload((p for p, _ in chunk), full=False)
        for position, (path, score) in enumerate(chunk, start):
            found = _file_entries(index, path, score, position, ranking.term_weights)
            entries.extend(found)
            offered += sum(len(e.text) for e in found) + len(path) + 2
        if offered >= ENOUGH_CHOICE * char_budget:
            break
    chosen = fill_budget(
        sorted(entries, key=lambda e: -e.priority),
        char_budget,
        path=lambda e: e.path,
        cost=lambda e: len(e.text),
        header_cost=lambda p: len(p) + 2,  # the file's name line
    )
    return _render(chosen)


def _within(path: str, prefixes: Sequence[str]) -> bool:
    if not prefixes:
        return True
    return any(path == p.strip("/") or path.startswith(p.strip("/") + "/") or p.strip("/") in ("", ".") for p in prefixes)


def _file_entries(index: "CodeIndex", path: str, score: float, position: int, weights: dict[str, float]) -> list[MapEntry]:
    """One entry per definition; a file without definitions is listed by name alone."""
    # Rank order matters more than raw score gaps, so blend the score with the position.
    file_weight = score + 1.0 / (position + 2)
    summary = index.summary
    entries = [MapEntry(path, 0, "", file_weight * 0.5)]
    tags = index.definition_tags(path)
    summary.prefetch_users(tag.name for tag in tags)
    for tag in tags:
        used_by = summary.users(tag.name)
        named = sum(weights.get(p, 0.0) for p in split_identifier(tag.name))
        weight = math.log2(2 + used_by) + NAME_BONUS * named - (0.5 if tag.name.startswith("_") else 0.0)
        text = "".join(f"│{line}\n" for line in tag.signature.splitlines())
        entries.append(MapEntry(path, tag.line, text, file_weight * max(weight, 0.1) / 4))
    return entries


def _render(entries: list[MapEntry]) -> str:
    order: dict[str, float] = {}
    grouped: dict[str, list[MapEntry]] = {}
    for entry in entries:
        order[entry.path] = max(order.get(entry.path, 0.0), entry.priority)
        grouped.setdefault(entry.path, []).append(entry)
    parts = []
    for path in sorted(grouped, key=lambda p: -order[p]):
        parts.append(f"{path}:\n")
        parts.extend(e.text for e in sorted(grouped[path], key=lambda e: e.line))
    return "".join(parts)
