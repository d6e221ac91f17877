"""Rank a repository's files for a task: lexical relevance, names, paths, then the code graph.

1. Seeds: BM25 over each file's identifiers and words (split on snake/camel case), plus matches
   of the task's words against defined names and path components, plus BM25 over the messages
   of the past commits that modified each file (history.py), plus files the task names and
   focus files.
2. Personalised PageRank from those seeds over the reference/definition graph (local push),
   so files that define what the seeds use, or use what they define, rise too.
3. Similar past fixes: the files modified by the past commits whose messages are most like the
   task (history.py), blended into the result, each side scaled to its best.
4. Best stretches, when the caller can read files: the few best files are cut into overlapping
   stretches of lines, and each file's best stretch by BM25 over the task's terms is blended in,
   so a file with one passage about the task rises above a long one that mentions its words
   everywhere (the segments of BRTracer).
5. Recency, only for a task whose first line names a linter, type checker or style check ("Fix
   CS/WS issues", "fix mypy findings"): such a task says what flagged the code, not where it is,
   and the flagged code is mostly what changed last, so files are blended in by how few commits
   ago they changed (uncommitted work first).
"""

from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Hashable, Sequence, TypeVar

from llmdev.code.languages import is_test_path
from llmdev.code.terms import names_a_checker, path_mentions, query_identifiers, query_terms, split_identifier, terms_of_word, word_count

if TYPE_CHECKING:
    from llmdev.code.history import History
    from llmdev.code.index import CodeIndex
    from llmdev.code.summary import Summary

K = TypeVar("K", bound=Hashable)
TextReader = Callable[[str], "str | None"]  # a listed file's text, or None when it cannot be read

BM25_K1 = 1.2
BM25_B = 0.75
NAME_WEIGHT = 0.6
PATH_WEIGHT = 0.4
HISTORY_WEIGHT = 0.25  # chosen on the tuning set of benchmarks/retrieval.py (docs/benchmarks.md)
MENTION_BOOST = 2.0
FOCUS_BOOST = 1.5
GRAPH_WEIGHT = 0.15  # chosen on the tuning set (docs/benchmarks.md); 0.35 before issue 14
# Similar past fixes (issue 14), as registered before the heldout2 run (docs/benchmarks.md): final
# score = the other signals' score / its best + SIMILAR_WEIGHT x similar-fix score / its best, where
# a file's similar-fix score sums the whole similarity of each of the SIMILAR_COMMITS most similar
# past commits that modified it.
SIMILAR_WEIGHT = 0.5
SIMILAR_COMMITS = 10
# Best stretches (issue 14), chosen on the tuning and spent sets before the heldout4 run
# (docs/benchmarks.md): the SEGMENT_FILES best files are cut into stretches of SEGMENT_LINES lines,
# each overlapping the next by half; final score = the score so far / its best + SEGMENT_WEIGHT x
# the file's best stretch score / the best of those.
SEGMENT_WEIGHT = 0.5
SEGMENT_FILES = 10
SEGMENT_LINES = 50
# Checker tasks (terms.names_a_checker), chosen on the tuning and spent sets before the heldout7 run
# (docs/benchmarks.md): final score = the score so far / its best + RECENT_WEIGHT x 1 / (1 + k /
# RECENT_SCALE), k = how many newer commits there are than the file's last change, within the
# newest RECENT_COMMITS.
RECENT_WEIGHT = 1.0
RECENT_SCALE = 3
RECENT_COMMITS = 200
TEST_FACTOR = 0.6
SEEDS = 40
ALPHA = 0.2  # restart probability of the personalised PageRank
PUSH_EPSILON = 4e-4
MAX_PUSHES = 4_000


@dataclass
class Ranking:
    """Files best first, with the query's terms and the names that matched, for symbol choice."""

    scores: list[tuple[str, float]]
    terms: list[str]
    identifiers: set[str]
    term_weights: dict[str, float] = field(default_factory=dict)


def rank_files(index: "CodeIndex", query: str, *, focus: Sequence[str] = (), read: TextReader | None = None) -> Ranking:
    """All files with a score above zero, best first; with no query and no focus, by centrality.
    With `read`, the best files' best stretches count too (read is called for at most SEGMENT_FILES files)."""
    summary = index.summary
    terms = query_terms(query)
    summary.prepare(terms)
    identifiers = query_identifiers(query)
    weights = term_idf(summary, terms)
    positions = summary.index_of()
    history = index.history() if terms else None
    seeds = combine_scaled(
        (bm25(summary, weights), 1.0),
        (name_scores(summary, terms, weights, identifiers), NAME_WEIGHT),
        (path_scores(summary, terms), PATH_WEIGHT),
        (history_scores(summary, history, terms, positions), HISTORY_WEIGHT),
    )
    for path in _mentioned(summary.paths, query):
        seeds[positions[path]] = seeds.get(positions[path], 0.0) + MENTION_BOOST
    for path in focus:
        if path in positions:
            seeds[positions[path]] = seeds.get(positions[path], 0.0) + FOCUS_BOOST
    recent = recent_scores(summary, index.history(), index.changes()) if RECENT_WEIGHT and names_a_checker(query) else {}
    if not seeds:
        centrality, shown = summary.centrality, _below(summary.centrality, recent)
        ranked = sorted(range(len(shown)), key=lambda i: (-shown[i], -centrality[i], summary.paths[i]))
        return Ranking([(summary.paths[i], shown[i]) for i in ranked if i not in summary.hidden], terms, identifiers, weights)
    wants_tests = any(t.startswith("test") for t in terms)
    similar = similar_fix_scores(summary, history, terms, positions) if SIMILAR_WEIGHT else {}
    scores = _blend(summary, seeds, similar, wants_tests)
    if read is not None and SEGMENT_WEIGHT and weights:
        scores = with_best_stretches(summary, scores, weights, read)
    if recent:
        scores = combine_scaled((scores, 1.0), (recent, RECENT_WEIGHT))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], summary.paths[item[0]]))
    return Ranking([(summary.paths[i], s) for i, s in ranked if s > 0 and i not in summary.hidden], terms, identifiers, weights)


def term_idf(summary: "Summary", terms: list[str]) -> dict[str, float]:
    total = len(summary.paths) or 1
    weights = {}
    for term in terms:
        df = len(summary.postings.get(term, b"")) // 8
        if df:
            weights[term] = math.log(1 + (total - df + 0.5) / (df + 0.5))
    return weights


def bm25(summary: "Summary", weights: dict[str, float]) -> dict[int, float]:
    lengths = summary.lengths
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    scores: dict[int, float] = {}
    for term, idf in weights.items():
        for i, count in summary.postings_of(term):
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[i] / (average or 1.0))
            scores[i] = scores.get(i, 0.0) + idf * count * (BM25_K1 + 1) / (count + norm)
    return scores


def name_scores(summary: "Summary", terms: list[str], weights: dict[str, float], identifiers: set[str]) -> dict[int, float]:
    """Files defining names made of the task's words; a name written exactly in the task counts most."""
    wanted = set(terms)
    exact = {i.lower() for i in identifiers}
    best: dict[int, float] = {}
    scores: dict[str, float] = {}
    for name in {name for term in terms for name in summary.name_parts.get(term, ())}:
        pieces = set(split_identifier(name)) or {name.lower()}
        matched = pieces & wanted
        coverage = len(matched) / len(pieces)
        if coverage < 0.5 and len(matched) < 2:
            continue
        score = coverage * coverage * sum(weights.get(p, 0.0) for p in matched)
        if name.lower() in exact and (len(pieces) > 1 or len(name) > 5):
            score *= 2.0
        scores[name] = score
    summary.definers.prefetch(scores)  # only the names that count: each costs a bucket read
    for name, score in scores.items():
        for i in summary.definers.get(name, ()):
            if score > best.get(i, 0.0):
                best[i] = score
    return best


def path_scores(summary: "Summary", terms: list[str]) -> dict[int, float]:
    total = len(summary.paths) or 1
    scores: dict[int, float] = {}
    for term in terms:
        files = summary.path_parts.get(term, ())
        if not files:
            continue
        idf = math.log(1 + (total - len(files) + 0.5) / (len(files) + 0.5))
        for i in files:
            scores[i] = scores.get(i, 0.0) + idf
    return scores


def history_scores(summary: "Summary", history: "History | None", terms: list[str], positions: dict[str, int]) -> dict[int, float]:
    """BM25 over each listed file's past commit messages; files without history count as empty."""
    if history is None or not terms:
        return {}
    hidden = summary.hidden
    listed = {j: i for j, i in enumerate(map(positions.get, history.paths)) if i is not None and i not in hidden}
    total = len(summary.paths) or 1
    average = (sum(map(history.lengths.__getitem__, listed)) / total) or 1.0
    scores: dict[int, float] = {}
    for term in terms:
        having = [(j, count) for j, count in history.postings_of(term) if j in listed]
        idf = math.log(1 + (total - len(having) + 0.5) / (len(having) + 0.5))
        for j, count in having:
            norm = BM25_K1 * (1 - BM25_B + BM25_B * history.lengths[j] / average)
            i = listed[j]
            scores[i] = scores.get(i, 0.0) + idf * count * (BM25_K1 + 1) / (count + norm)
    return scores


def similar_fix_scores(summary: "Summary", history: "History | None", terms: list[str], positions: dict[str, int]) -> dict[int, float]:
    """Files that the past commits most like the task modified (BugLocator's SimiScore): BM25 ranks
    the commit messages against the task; each listed file modified by one of the SIMILAR_COMMITS
    best commits gets that commit's whole score, summed over them."""
    if history is None or not terms or not history.commit_lengths:
        return {}
    lengths = history.commit_lengths
    total = len(lengths)
    average = (sum(lengths) / total) or 1.0
    similarity: dict[int, float] = {}
    for term in terms:
        having = history.commits_of(term)
        idf = math.log(1 + (total - len(having) + 0.5) / (len(having) + 0.5))
        for commit, count in having:
            norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[commit] / average)
            similarity[commit] = similarity.get(commit, 0.0) + idf * count * (BM25_K1 + 1) / (count + norm)
    best = heapq.nsmallest(SIMILAR_COMMITS, similarity.items(), key=lambda item: (-item[1], -item[0]))  # ties: newest first
    hidden = summary.hidden
    scores: dict[int, float] = {}
    for commit, score in best:
        for j in history.paths_of_commit(commit):
            i = positions.get(history.paths[j])
            if i is not None and i not in hidden:
                scores[i] = scores.get(i, 0.0) + score
    return scores


def recent_scores(summary: "Summary", history: "History | None", changes: "set[str]") -> dict[int, float]:
    """How recently each listed file changed: 1 / (1 + k / RECENT_SCALE), k the number of newer
    commits among the newest RECENT_COMMITS; uncommitted changes count as the newest commit, ahead of
    HEAD. Tests count TEST_FACTOR as much: a checker's findings are fixed in code first."""
    positions, hidden = summary.index_of(), summary.hidden
    in_progress = [path for path in sorted(changes) if (i := positions.get(path)) is not None and i not in hidden]
    newest: list[list[str]] = [in_progress] if in_progress else []
    if history is not None:
        last = len(history.commit_paths) - 1
        newest += [[history.paths[j] for j in history.paths_of_commit(last - k)] for k in range(min(RECENT_COMMITS, last + 1))]
    scores: dict[int, float] = {}
    for k, paths in enumerate(newest[:RECENT_COMMITS]):
        for i in map(positions.get, paths):
            if i is not None and i not in hidden and i not in scores:
                scores[i] = (TEST_FACTOR if is_test_path(summary.paths[i]) else 1.0) / (1 + k / RECENT_SCALE)
    return scores


def _below(centrality: list[float], recent: dict[int, float]) -> list[float]:
    """Each file's score when no word of the task matched: its recency where it has one, and
    otherwise its centrality scaled under the least recency, so recent files come first."""
    if not recent:
        return centrality
    floor = min(recent.values()) / 2 / (max(centrality, default=0.0) or 1.0)
    return [recent[i] if i in recent else c * floor for i, c in enumerate(centrality)]


def with_best_stretches(summary: "Summary", scores: dict[int, float], weights: dict[str, float], read: TextReader) -> dict[int, float]:
    """`scores` scaled to a best of 1, plus SEGMENT_WEIGHT x each of the SEGMENT_FILES best files'
    best stretch score scaled to the best of those (BM25 over the task's terms, a stretch as a document)."""
    paths, hidden = summary.paths, summary.hidden
    top = heapq.nsmallest(SEGMENT_FILES, (i for i in scores if i not in hidden), key=lambda i: (-scores[i], paths[i]))
    found: dict[int, list[tuple[dict[str, int], int]]] = {}
    for i in top:
        text = read(paths[i])
        if text:
            found[i] = stretches(text, weights)
    lengths = [length for parts in found.values() for _, length in parts]
    average = (sum(lengths) / len(lengths)) if lengths else 0.0
    best: dict[int, float] = {}
    for i, parts in found.items():
        for counts, length in parts:
            norm = BM25_K1 * (1 - BM25_B + BM25_B * length / (average or 1.0))
            value = sum(weights[t] * c * (BM25_K1 + 1) / (c + norm) for t, c in counts.items())
            if value > best.get(i, 0.0):
                best[i] = value
    high, peak = max(best.values(), default=0.0), max(scores.values(), default=0.0)
    if high <= 0 or peak <= 0:
        return scores
    return {i: s / peak + SEGMENT_WEIGHT * best.get(i, 0.0) / high for i, s in scores.items()}


def stretches(text: str, terms: "dict[str, float] | set[str] | list[str]") -> list[tuple[dict[str, int], int]]:
    """Each stretch of SEGMENT_LINES lines, starting every half of that: the counts of `terms` in
    it and its length in words (runs of letters, digits and underscores). Each half is counted
    once and neighbours are added up (terms never span lines); a text of one half or less is one
    stretch. Only the words holding a term as text are cut into terms (a term is always part of
    its word's letters, or `…ie…` for a stem in -y): a long file costs about one search through it."""
    lines = text.splitlines()
    half = max(SEGMENT_LINES // 2, 1)
    wanted = _term_text(tuple(sorted(terms)))
    halves = []
    for start in range(0, len(lines), half):
        chunk = "\n".join(lines[start : start + half])
        halves.append((_term_hits(chunk, terms, wanted) if wanted is not None else {}, word_count(chunk)))
    if len(halves) <= 1:
        return halves
    return [(_added(a, b), m + n) for (a, m), (b, n) in zip(halves, halves[1:])]


_WORD_AFTER = re.compile(r"\w*")
_LONGEST_WORD = 200  # a longer run of word characters gives no term (terms come from at most 64)


def _term_hits(chunk: str, terms: "dict[str, float] | set[str] | list[str]", wanted: "tuple[re.Pattern[str], re.Pattern[str]]") -> dict[str, int]:
    """How often each of `terms` occurs in `chunk`, counted as `term_counts` would: each word that
    holds a term as text is found around it and cut into terms once."""
    counts: dict[str, int] = {}
    done = -1
    lower, any_case = wanted
    # Lowercasing keeps an ASCII text's positions; another text is searched with case ignored.
    for match in lower.finditer(chunk.lower()) if chunk.isascii() else any_case.finditer(chunk):
        at = match.start()
        if at < done:
            continue  # inside a word already counted
        first, low = at, max(0, at - _LONGEST_WORD)
        while first > low and _is_word_character(chunk[first - 1]):
            first -= 1
        after = _WORD_AFTER.match(chunk, match.end())
        done = after.end() if after else match.end()
        if first == low > 0 and _is_word_character(chunk[low - 1]):
            continue  # a run too long to give terms
        for term in terms_of_word(chunk[first:done]):
            if term in terms:
                counts[term] = counts.get(term, 0) + 1
    return counts


def _is_word_character(character: str) -> bool:
    """What `\\w` matches (CPython's own test for it)."""
    return character.isalnum() or character == "_"


@lru_cache(maxsize=64)
def _term_text(terms: tuple[str, ...]) -> "tuple[re.Pattern[str], re.Pattern[str]] | None":
    """Text that any of `terms` can come from: the term itself, and `…ie` for a term in -y (stem
    folds `entries` to `entry`); to search lowercased ASCII text, and any text with case ignored
    (several times slower)."""
    forms = {form for term in terms for form in ((term, term[:-1] + "ie") if term.endswith("y") else (term,))}
    if not forms:
        return None
    either = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    return re.compile(either), re.compile(either, re.IGNORECASE)


def _added(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    total = dict(a)
    for term, count in b.items():
        total[term] = total.get(term, 0) + count
    return total


def _mentioned(paths: list[str], query: str) -> list[str]:
    mentions = path_mentions(query)
    if not mentions:
        return []
    found = []
    for path in paths:
        for mention in mentions:
            if path == mention or path.endswith("/" + mention):
                found.append(path)
                break
    return found


def combine_scaled(*parts: tuple[dict[K, float], float]) -> dict[K, float]:
    """Sum of each part scaled to a maximum of 1, times its weight (an empty or all-zero part adds nothing)."""
    total: dict[K, float] = {}
    for scores, weight in parts:
        top = max(scores.values(), default=0.0)
        if top <= 0:
            continue
        for i, score in scores.items():
            total[i] = total.get(i, 0.0) + weight * score / top
    return total


def _blend(summary: "Summary", seeds: dict[int, float], similar: dict[int, float], wants_tests: bool) -> dict[int, float]:
    """Seed score plus graph score, each scaled to a maximum of 1, then that scaled to a maximum of 1
    plus the similar-fix score scaled to SIMILAR_WEIGHT; test files count less unless asked for."""
    top_seeds = dict(sorted(seeds.items(), key=lambda kv: -kv[1])[:SEEDS])
    graph = personalized_pagerank(summary, top_seeds)
    found = _tests_discounted(summary, combine_scaled((seeds, 1.0), (graph, GRAPH_WEIGHT)), wants_tests)
    scores = combine_scaled((found, 1.0))
    for i, score in _tests_discounted(summary, combine_scaled((similar, SIMILAR_WEIGHT)), wants_tests).items():
        scores[i] = scores.get(i, 0.0) + score
    return scores


def _tests_discounted(summary: "Summary", scores: dict[int, float], wants_tests: bool) -> dict[int, float]:
    """`scores` with test files' scores times TEST_FACTOR, unless the task asks for tests."""
    if not wants_tests:
        for i in scores:
            if is_test_path(summary.paths[i]):
                scores[i] *= TEST_FACTOR
    return scores


def personalized_pagerank(summary: "Summary", seeds: dict[int, float]) -> dict[int, float]:
    """Approximate personalised PageRank by local push (Andersen, Chung, Lang 2006)."""
    total = sum(seeds.values())
    if total <= 0:
        return {}
    residual = [0.0] * len(summary.edges)  # a list: read and written for every link pushed along
    for i, score in seeds.items():
        residual[i] = score / total
    estimate: dict[int, float] = {}
    queue = list(seeds)
    pushes = 0
    links_of: dict[int, tuple[list[int], list[float], float]] = {}
    enqueue = queue.append
    epsilon = PUSH_EPSILON  # a local: read for every link pushed along
    while queue and pushes < MAX_PUSHES:
        node = queue.pop()
        mass = residual[node]
        if mass < epsilon:
            continue
        pushes += 1
        residual[node] = 0.0
        estimate[node] = estimate.get(node, 0.0) + ALPHA * mass
        cached = links_of.get(node)
        if cached is None:
            targets, weights = summary.links(node)
            cached = links_of[node] = (targets, weights, sum(weights))
        targets, weights, weight_sum = cached
        if not targets:
            continue
        spread = (1 - ALPHA) * mass / weight_sum
        for target, weight in zip(targets, weights):
            before = residual[target]
            after = residual[target] = before + spread * weight
            if before < epsilon <= after:
                enqueue(target)
    return estimate
