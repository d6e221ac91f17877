"""One more signal of issue 14, measured: files that similar past fixes changed (BugLocator's SimiScore).

The past commits (the newest SCAN non-merge commits of the checked-out HEAD; the fix commit
itself is never among them, since the checkout is its parent) are documents: BM25 (the strong
baseline's terms, k1 1.2, b 0.75) ranks their messages against the task. The `top` most similar
commits each give every file they modified their similarity, divided by the number of files the
commit modified when `split` is set. A file's score is the sum over those commits.

This differs from benchmarks/history.py, where all messages of a file form one bag of words: here
a commit counts only when its own message is like the task, and a commit touching many files
spreads its weight thinly when split.

Two rankers use it (benchmarks/retrieval.py, `--similar-weight`):
  bm25+sim    strong BM25 + W x the similar-fixes score (both raw BM25 sums, like bm25+hist)
  llmdev+sim  llmdev's scores scaled to its best + W x the similar-fixes scores scaled to their best
"""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lexical import Bm25, identifier_terms, score_all

from llmdev.code.rank import combine_scaled

SCAN = 3000


@dataclass(frozen=True)
class Commit:
    terms: Counter[str]
    length: int
    paths: tuple[str, ...]


def past_commits(work: Path, scan: int = SCAN) -> list[Commit]:
    """The newest `scan` non-merge commits of HEAD: their message terms and the paths they modified."""
    log = subprocess.run(
        ["git", "log", "--no-merges", f"-n{scan}", "--format=%x1e%B%x1f", "--name-only", "--no-renames", "HEAD"],
        cwd=work, capture_output=True, text=True, check=True, errors="replace",
    ).stdout
    commits = []
    for record in log.split("\x1e")[1:]:
        message, _, paths = record.partition("\x1f")
        terms = Counter(identifier_terms(message))
        commits.append(Commit(terms, sum(terms.values()), tuple(paths.split())))
    return commits


class CommitLog:
    """The past commits of the checkout's HEAD, read once per HEAD and shared by every ranker."""

    def __init__(self) -> None:
        self.head: tuple[Path, str] | None = None
        self.commits: list[Commit] = []

    def at(self, work: Path) -> list[Commit]:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True).stdout.strip()
        if self.head != (work, head):
            self.commits = past_commits(work)
            self.head = (work, head)
        return self.commits


def similar_fix_scores(commits: list[Commit], query: str, top: int, split: bool) -> dict[str, float]:
    """Each path's summed similarity over the `top` commits whose messages are most like `query`."""
    terms = list(dict.fromkeys(identifier_terms(query)))
    docs = {str(number): (commit.terms, commit.length) for number, commit in enumerate(commits)}
    similar = sorted(score_all(docs, terms).items(), key=lambda item: (-item[1], int(item[0])))[:top]
    scores: dict[str, float] = {}
    for number, similarity in similar:
        paths = commits[int(number)].paths
        share = similarity / len(paths) if split and paths else similarity
        for path in paths:
            scores[path] = scores.get(path, 0.0) + share
    return scores


@dataclass(frozen=True)
class SimilarFixes:
    """How the signal is taken: blend weight, number of similar commits, split by commit size or not."""

    weight: float
    top: int
    split: bool

    def label(self) -> str:
        return f"sim({self.weight:g},{self.top}{',split' if self.split else ''})"


def ordered(scores: dict[str, float]) -> list[str]:
    return [path for path, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))]


def bm25_with_similar(text: Bm25, log: CommitLog, how: SimilarFixes) -> Callable[[Path, list[str], str], list[str]]:
    """A ranker: strong BM25 over `files` plus weight x the similar-fixes score of each of them."""

    def rank(work: Path, files: list[str], query: str) -> list[str]:
        terms = list(dict.fromkeys(identifier_terms(query)))
        lexical = score_all({path: text.terms(work, path) for path in files}, terms)
        similar = similar_fix_scores(log.at(work), query, how.top, how.split)
        listed = set(files)
        combined = dict(lexical)
        for path, score in similar.items():
            if path in listed and how.weight * score > 0:
                combined[path] = combined.get(path, 0.0) + how.weight * score
        return ordered(combined)

    return rank


class ScoredRanker(Protocol):
    def scored(self, work: Path, query: str) -> dict[str, float]: ...


def llmdev_with_similar(llmdev: ScoredRanker, log: CommitLog, how: SimilarFixes) -> Callable[[Path, list[str], str], list[str]]:
    """A ranker: llmdev's scores and weight x the similar-fixes scores of `files`, each scaled to its best."""

    def rank(work: Path, files: list[str], query: str) -> list[str]:
        listed = set(files)
        similar = {path: score for path, score in similar_fix_scores(log.at(work), query, how.top, how.split).items() if path in listed}
        return ordered(blend_scaled(llmdev.scored(work, query), similar, how.weight))

    return rank


def blend_scaled(first: dict[str, float], second: dict[str, float], weight: float) -> dict[str, float]:
    """first / max(first) + weight x second / max(second), as llmdev's ranking blends its signals."""
    return combine_scaled((first, 1.0), (second, weight))
