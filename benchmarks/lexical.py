"""The lexical baselines of benchmarks/retrieval.py: a strong BM25 and, for reference only, the old weak one.

strong (`bm25`): BM25 (k1 1.2, b 0.75) over the file's path and text; every `\\w+` word is kept
whole and also split on snake_case and camelCase (`parseHTTPResponse_v2` gives
`parsehttpresponse_v2`, `parse`, `http`, `response`, `v2`), all lowercased; the query is split the
same way. Its constants are the textbook ones, not tuned on any case.

weak (`bm25-words`): the baseline this benchmark used before issue 14: whole lowercased `\\w+`
words of the text only, no path, no identifier splitting. Kept only to show how far a weak
baseline flatters a ranker.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

K1 = 1.2
B = 0.75
STOP = frozenset("a an and are as at be by for from has have in is it its of on or that the this to was were will with".split())
WORD = re.compile(r"\w+")
# Parts of an identifier: split at lower->Upper and Upper->Upper+lower (HTTPResponse); digits stay on the word before.
CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")


def identifier_terms(text: str) -> list[str]:
    """Lowercased terms of `text`: each `\\w+` word whole, plus its snake/camel parts when it has more than one."""
    terms = []
    for word in WORD.findall(text):
        whole = word.lower()
        if whole not in STOP:
            terms.append(whole)
        parts = [p.lower() for chunk in word.split("_") for p in CAMEL.findall(chunk)]
        if len(parts) > 1:
            terms.extend(p for p in parts if p not in STOP)
    return terms


def plain_words(text: str) -> list[str]:
    """Lowercased whole `\\w+` words, English stop words out (the weak baseline's tokens)."""
    return [w for w in WORD.findall(text.lower()) if w not in STOP]


class Bm25:
    """BM25 over files of one checkout; a file's terms are cached by (path, size, mtime) across cases."""

    def __init__(self, tokenize: Callable[[str], list[str]], with_path: bool) -> None:
        self.tokenize = tokenize
        self.with_path = with_path
        self.cache: dict[tuple[str, int, int], tuple[Counter[str], int]] = {}

    def terms(self, work: Path, path: str) -> tuple[Counter[str], int]:
        stat = (work / path).stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self.cache:
            text = (work / path).read_text(encoding="utf-8", errors="replace")
            counts = Counter(self.tokenize(text) + (self.tokenize(path) if self.with_path else []))
            self.cache[key] = (counts, sum(counts.values()))
        return self.cache[key]

    def rank(self, work: Path, files: Iterable[str], query: str) -> list[str]:
        docs = {path: self.terms(work, path) for path in files}
        return score(docs, list(dict.fromkeys(self.tokenize(query))))


def score(docs: dict[str, tuple[Counter[str], int]], terms: list[str]) -> list[str]:
    """Paths with a positive BM25 score for `terms`, best first (ties by path, so runs repeat)."""
    return [path for path, _ in sorted(score_all(docs, terms).items(), key=lambda item: (-item[1], item[0]))]


def score_all(docs: dict[str, tuple[Counter[str], int]], terms: list[str]) -> dict[str, float]:
    """The BM25 score of each path that has at least one of `terms`."""
    average = sum(length for _, length in docs.values()) / max(len(docs), 1)
    scores: dict[str, float] = {}
    for term in terms:
        having = [path for path, (counts, _) in docs.items() if term in counts]
        idf = math.log(1 + (len(docs) - len(having) + 0.5) / (len(having) + 0.5))
        for path in having:
            counts, length = docs[path]
            tf = counts[term]
            scores[path] = scores.get(path, 0.0) + idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
    return scores


def strong_bm25() -> Bm25:
    return Bm25(identifier_terms, with_path=True)


def weak_bm25() -> Bm25:
    return Bm25(plain_words, with_path=False)
