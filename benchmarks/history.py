"""One signal of issue 14, measured: what past commits that touched a file said, as a field of the file.

`bm25+history(W)` ranks by strong-BM25(path + text) + W * BM25(history), where a file's history
is the messages of the commits before the checkout that modified it (the newest HISTORY_SCAN
commits of the checked-out HEAD; the fix commit itself is never among them, since the checkout
is its parent). Both fields use the same terms (lexical.identifier_terms) and k1 1.2, b 0.75.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from lexical import Bm25, identifier_terms, score_all

HISTORY_SCAN = 3000


def file_histories(work: Path, scan: int = HISTORY_SCAN) -> dict[str, Counter[str]]:
    """Terms of the messages of the commits (newest `scan` of HEAD, merges out) that touched each file."""
    log = subprocess.run(
        ["git", "log", "--no-merges", f"-n{scan}", "--format=%x1e%B%x1f", "--name-only", "--no-renames", "HEAD"],
        cwd=work, capture_output=True, text=True, check=True, errors="replace",
    ).stdout
    histories: dict[str, Counter[str]] = {}
    for record in log.split("\x1e")[1:]:
        message, _, paths = record.partition("\x1f")
        terms = Counter(identifier_terms(message))
        for path in paths.split():
            histories.setdefault(path, Counter()).update(terms)
    return histories


class HistoryField:
    """Each file's history terms for the checkout's HEAD, read once per HEAD and shared by every weight."""

    def __init__(self) -> None:
        self.head: tuple[Path, str] | None = None
        self.docs: dict[str, tuple[Counter[str], int]] = {}

    def at(self, work: Path) -> dict[str, tuple[Counter[str], int]]:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True).stdout.strip()
        if self.head != (work, head):
            self.docs = {path: (counts, sum(counts.values())) for path, counts in file_histories(work).items()}
            self.head = (work, head)
        return self.docs


class HistoryBm25:
    """Strong BM25 plus `weight` times a BM25 over each file's commit messages."""

    def __init__(self, text: Bm25, history: HistoryField, weight: float) -> None:
        self.text = text
        self.history = history
        self.weight = weight

    def rank(self, work: Path, files: list[str], query: str) -> list[str]:
        terms = list(dict.fromkeys(identifier_terms(query)))
        text = score_all({path: self.text.terms(work, path) for path in files}, terms)
        docs = self.history.at(work)
        empty: tuple[Counter[str], int] = (Counter(), 0)
        history = score_all({path: docs.get(path, empty) for path in files}, terms)
        combined = {path: text.get(path, 0.0) + self.weight * history.get(path, 0.0) for path in set(text) | set(history)}
        return [path for path, _ in sorted(combined.items(), key=lambda item: (-item[1], item[0]))]
