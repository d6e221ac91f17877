"""Scores: word overlap and scope of commit messages, findings against later-fixed lines."""

from __future__ import annotations

import pytest

from llmdev.evaluation.scoring import overlap, score_message, score_review, scope_of
from llmdev.review.findings import Finding


def test_overlap_is_f1_of_content_words() -> None:
    assert overlap("Fix the average", "fix average") == 1.0
    assert overlap("Add spread helper", "Fix average bug") == 0.0
    assert overlap("Fix average rounding", "Fix average") == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("subject", "scope"),
    [("feat(cli): add x", "feat(cli)"), ("fix: y", "fix"), ("parser: handle tabs", "parser"), ("Fix the parser", None),
     ("Fix: note that", "fix")],
)
def test_scope_of(subject: str, scope: str | None) -> None:
    assert scope_of(subject) == scope


def test_a_message_scores_its_scope_when_the_real_one_names_one() -> None:
    right = score_message("feat(cli): print the average", "feat(cli): print the average of the arguments")
    wrong = score_message("Print the average", "feat(cli): print the average of the arguments")
    assert right.scope == "feat(cli)" and right.generated_scope == "feat(cli)"
    assert right.score == pytest.approx(0.7 * right.overlap + 0.3)
    assert wrong.score == pytest.approx(0.7 * wrong.overlap) and wrong.generated_scope is None
    plain = score_message("Fix average", "Fix off-by-one in average")
    assert plain.scope is None and plain.score == plain.overlap


def _finding(path: str, line: int, end: int | None = None) -> Finding:
    return Finding(path, line, end or line, "high", "correctness", "t", "m")


def test_review_score_counts_places_a_finding_points_at() -> None:
    targets = [["a.py", 10], ["a.py", 11], ["a.py", 30], ["b.py", 5]]
    scored = score_review([_finding("a.py", 12), _finding("a.py", 50), _finding("c.py", 5)], targets, slack=2)
    assert scored.places == ["a.py:10-11", "a.py:30-30", "b.py:5-5"]
    assert scored.hit == ["a.py:10-11"] and scored.score == pytest.approx(1 / 3)
    assert (scored.findings, scored.on_target) == (3, 1)
    assert score_review([_finding("a.py", 14)], targets, slack=2).score == 0.0
    assert score_review([_finding("a.py", 1, 40)], targets, slack=0).hit == ["a.py:10-11", "a.py:30-30"]
