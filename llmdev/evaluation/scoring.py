"""Scores that need no human: commit messages against the real one, review findings against the
lines a later fix changed."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from llmdev.evaluation.blame import line_ranges

if TYPE_CHECKING:
    from llmdev.review.findings import Finding

WORD = re.compile(r"[a-z0-9_]+(?:[.'][a-z0-9_]+)*")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the this to was were will with "
    "when which so not no do does".split()
)
CONVENTIONAL_TYPES = frozenset("feat fix docs style refactor perf test tests build ci chore revert deps".split())
PREFIX = re.compile(r"^\s*([\w./-]+)(?:\(([^)]+)\))?!?:\s+\S")
SCOPE_WEIGHT = 0.3  # of a commit-message score, when the real message names a scope


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def overlap(generated: str, reference: str) -> float:
    """F1 of the content words the two texts share (0 to 1)."""
    got, want = words(generated), words(reference)
    common = len(got & want)
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def scope_of(subject: str) -> str | None:
    """`fix(parser): x` -> "fix(parser)", `cli: x` -> "cli", a plain subject -> None."""
    match = PREFIX.match(subject)
    if match is None:
        return None
    head, scope = match.group(1).lower(), match.group(2)
    if head in CONVENTIONAL_TYPES:
        return f"{head}({scope.strip().lower()})" if scope else head
    return head


@dataclass
class MessageScore:
    score: float
    overlap: float
    scope: str | None  # what the real message names, if anything
    generated_scope: str | None
    generated: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def score_message(generated: str, reference: str) -> MessageScore:
    """Word overlap, and (when the real subject has one) whether the same scope prefix is named."""
    value = overlap(generated, reference)
    want = scope_of(reference.split("\n", 1)[0])
    got = scope_of(generated.split("\n", 1)[0])
    score = value if want is None else (1 - SCOPE_WEIGHT) * value + SCOPE_WEIGHT * float(got == want)
    return MessageScore(score, value, want, got, generated)


@dataclass
class ReviewScore:
    score: float  # share of the later-fixed places some finding points at
    places: list[str] = field(default_factory=list)  # "path:first-last"
    hit: list[str] = field(default_factory=list)
    findings: int = 0
    on_target: int = 0  # findings pointing at a later-fixed place

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _near(finding: "Finding", path: str, first: int, last: int, slack: int) -> bool:
    end = max(finding.end_line or finding.line, finding.line)
    return finding.path == path and finding.line - slack <= last and end + slack >= first


def score_review(findings: Sequence["Finding"], targets: Sequence[Sequence[Any]], slack: int) -> ReviewScore:
    """`targets` are [path, line] pairs in the reviewed commit; runs of lines count as one place."""
    by_path: dict[str, list[int]] = {}
    for path, line in targets:
        by_path.setdefault(str(path), []).append(int(line))
    places = [(path, first, last) for path, lines in sorted(by_path.items()) for first, last in line_ranges(lines)]
    hit = [p for p in places if any(_near(f, *p, slack) for f in findings)]
    on_target = sum(1 for f in findings if any(_near(f, *p, slack) for p in places))
    score = len(hit) / len(places) if places else 0.0
    labels = [f"{path}:{first}-{last}" for path, first, last in places]
    return ReviewScore(score, labels, [f"{path}:{first}-{last}" for path, first, last in hit], len(findings), on_target)
