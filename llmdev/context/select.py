"""Context for a task: the files and symbols that go into a prompt, best first, within a token budget."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from llmdev.context.snippets import Snippet, file_snippets
from llmdev.tokens import CHARS_PER_TOKEN, estimate_tokens, fill_budget

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.repo.discovery import Repository

CANDIDATE_FILES = 25
CANDIDATE_LIST = 30  # ranked files beyond the budget that --json lists, for a user or model to ask for
FENCE = "```"
DATA_FENCE_CHARS = 76  # `<data id="…" kind="code" path="">`, `</data id="…">`, newlines


@dataclass
class SymbolRef:
    name: str
    kind: str
    line: int
    end_line: int


@dataclass
class RankedFile:
    path: str
    score: float
    symbols: list[SymbolRef] = field(default_factory=list)


@dataclass
class ContextSelection:
    query: str
    budget: int
    tokens: int
    files: list[RankedFile] = field(default_factory=list)
    # The next best files, not in `files`, best first: (path, score).
    candidates: list[tuple[str, float]] = field(default_factory=list)
    # What render_context shows for each (path, line): the code lines and the scope label.
    snippets: dict[tuple[str, int], Snippet] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        """Exactly the documented `llmdev context --json` shape."""
        return {
            "query": self.query,
            "budget": self.budget,
            "tokens": self.tokens,
            "files": [
                {"path": f.path, "score": round(f.score, 4), "symbols": [asdict(s) for s in f.symbols]} for f in self.files
            ],
            "candidates": [{"path": path, "score": round(score, 4)} for path, score in self.candidates],
        }


def select_context(
    repo: "Repository", query: str, *, budget: int, focus: Sequence[str] = (), index: "CodeIndex | None" = None
) -> ContextSelection:
    """The most relevant code for `query`, as whole definitions, filling at most `budget` tokens."""
    from llmdev.code.index import load_index
    from llmdev.code.rank import rank_files

    index = index or load_index(repo, show_progress=False)
    ranking = rank_files(index, query, focus=focus)
    candidates = ranking.scores[:CANDIDATE_FILES]
    index.preload((path for path, _ in candidates), full=False)
    pattern = _term_pattern(ranking.term_weights)
    pool: list[tuple[float, Snippet]] = []
    for path, score in candidates:
        for snippet in file_snippets(repo, index, path, pattern, ranking.term_weights, max_tokens=max(budget // 3, 120)):
            pool.append((score * (0.15 + snippet.relevance), snippet))
    pool.sort(key=lambda item: -item[0])
    chosen = fill_budget(
        (snippet for _, snippet in pool),
        math.floor(budget * CHARS_PER_TOKEN),
        path=lambda s: s.path,
        cost=lambda s: len(s.render()),
        header_cost=lambda p: len(file_header(p)) + len(FILE_FOOTER) + data_fence_cost(p),
    )
    selection = _selection(query, budget, candidates, chosen)
    shown = {f.path for f in selection.files}
    selection.candidates = [(path, score) for path, score in ranking.scores if path not in shown][:CANDIDATE_LIST]
    selection.tokens = estimate_tokens(render_context(repo, selection))
    return selection


def _term_pattern(weights: dict[str, float]) -> re.Pattern[str] | None:
    words = sorted((w for w in weights if len(w) > 2), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def _selection(query: str, budget: int, candidates: list[tuple[str, float]], chosen: list[Snippet]) -> ContextSelection:
    by_path: dict[str, list[Snippet]] = {}
    for snippet in chosen:
        by_path.setdefault(snippet.path, []).append(snippet)
    selection = ContextSelection(query, budget, 0)
    for path, score in candidates:
        if path in by_path:
            snippets = sorted(by_path[path], key=lambda s: s.line)
            symbols = [SymbolRef(s.name, s.kind, s.line, s.end_line) for s in snippets]
            selection.files.append(RankedFile(path, score, symbols))
            selection.snippets.update({(path, s.line): s for s in snippets})
    return selection


def data_fence_cost(path: str) -> int:
    """Characters the data fence around a file's code adds (see llmdev.provenance)."""
    return len(path) + DATA_FENCE_CHARS


def file_header(path: str) -> str:
    return f"{path}\n{FENCE}\n"


FILE_FOOTER = f"{FENCE}\n\n"


def render_context(repo: "Repository", selection: ContextSelection) -> str:
    """The prompt text: for each file, its chosen definitions' code, marked with their lines, fenced
    as data labelled with the file's path."""
    from llmdev.provenance import fence

    parts: list[str] = []
    for ranked in selection.files:
        body = [file_header(ranked.path)]
        for symbol in ranked.symbols:
            snippet = selection.snippets.get((ranked.path, symbol.line))
            if snippet is None:
                snippet = Snippet.load(repo, ranked.path, symbol.name, symbol.kind, symbol.line, symbol.end_line)
            body.append(snippet.render())
        body.append(FILE_FOOTER)
        parts.append(fence("code", "".join(body), ranked.path) + "\n\n")
    return "".join(parts)
