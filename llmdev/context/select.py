"""Context for a task: the files and symbols that go into a prompt, best first, within a token budget."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from llmdev.context.outline import PROMPT_LINES, MapLine, fit_lines, list_reserve, map_lines, render_lines
from llmdev.context.snippets import Snippet, file_snippets
from llmdev.tokens import CHARS_PER_TOKEN, estimate_tokens, fill_budget

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.repo.discovery import Repository

CANDIDATE_FILES = 25
CANDIDATE_LIST = 30  # ranked files beyond the budget that --json lists, for a user or model to ask for
FENCE = "```"
DATA_FENCE_CHARS = 76  # `<data id="…" kind="code" path="">`, `</data id="…">`, newlines
PICKED_BOOST = 2.0  # files a locator picked score this many times the best lexical score



class Locator(Protocol):
    """Picks the files a task needs from the map of the `map_files` best-ranked ones (model-assisted
    localisation, llmdev.context.locate): paths, best first."""

    map_files: int

    def __call__(self, query: str, lines: list[MapLine]) -> list[str]: ...


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
    # The best-ranked files (shown or not) with their top symbols, best first: what lists of
    # files not shown are made from.
    outline: list[MapLine] = field(default_factory=list, repr=False)
    # The next best files not in `files` that the prompt lists (path and top symbols), within the budget.
    next_files: list[MapLine] = field(default_factory=list)

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
    repo: "Repository",
    query: str,
    *,
    budget: int,
    focus: Sequence[str] = (),
    index: "CodeIndex | None" = None,
    locate: Locator | None = None,
) -> ContextSelection:
    """The most relevant code for `query`, as whole definitions, and a list of the next best files,
    filling at most `budget` tokens together. Files `locate` picks from its map go first."""
    from llmdev.code.index import load_index
    from llmdev.code.rank import rank_files
    from llmdev.repo.files import text_reader

    index = index or load_index(repo, show_progress=False)
    read = text_reader(repo)  # the ranking's best stretches and the snippets read the same files
    ranking = rank_files(index, query, focus=focus, read=read)
    scores = ranking.scores
    if locate is not None:
        offered = map_lines(index, scores, ranking.term_weights, limit=locate.map_files)
        allowed = {line.path for line in offered}  # a pick from outside the map is ignored
        scores = picked_first(scores, [path for path in locate(query, offered) if path in allowed])
    candidates = scores[:CANDIDATE_FILES]
    index.preload((path for path, _ in candidates), full=False)
    outline = map_lines(index, scores, ranking.term_weights, limit=CANDIDATE_FILES + PROMPT_LINES)
    pattern = _term_pattern(ranking.term_weights)
    pool: list[tuple[float, Snippet]] = []
    for path, score in candidates:
        for snippet in file_snippets(repo, index, path, pattern, ranking.term_weights, max_tokens=max(budget // 3, 120), read=read):
            pool.append((score * (0.15 + snippet.relevance), snippet))
    pool.sort(key=lambda item: -item[0])
    chosen = fill_budget(
        (snippet for _, snippet in pool),
        math.floor((budget - list_reserve(outline, budget)) * CHARS_PER_TOKEN),
        path=lambda s: s.path,
        cost=lambda s: len(s.render()),
        header_cost=lambda p: len(file_header(p)) + len(FILE_FOOTER) + data_fence_cost(p),
    )
    selection = _selection(query, budget, candidates, chosen)
    shown = {f.path for f in selection.files}
    selection.candidates = [(path, score) for path, score in scores if path not in shown][:CANDIDATE_LIST]
    selection.outline = outline
    code_tokens = estimate_tokens(render_context(repo, selection))
    selection.next_files = next_files(outline, shown, budget - code_tokens)
    selection.tokens = code_tokens + estimate_tokens(render_next_files(selection))
    return selection


def picked_first(scores: list[tuple[str, float]], picked: Sequence[str]) -> list[tuple[str, float]]:
    """`scores` with the picked files (those it holds) moved to the front, in the order picked."""
    known = dict(scores)
    chosen = [path for path in dict.fromkeys(picked) if path in known]
    if not chosen:
        return scores
    top = max(score for _, score in scores) or 1.0
    front = [(path, top * PICKED_BOOST - rank * 1e-6) for rank, path in enumerate(chosen)]
    return front + [(path, score) for path, score in scores if path not in chosen]


def next_files(outline: Sequence[MapLine], shown: set[str], tokens: int) -> list[MapLine]:
    """The best files of `outline` not shown, as many as fit in `tokens` (at most PROMPT_LINES)."""
    return fit_lines([line for line in outline if line.path not in shown][:PROMPT_LINES], tokens)


def render_next_files(selection: ContextSelection) -> str:
    """The files not shown, one fenced line each: path and top symbols ('' when none)."""
    return render_lines(selection.next_files)


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
