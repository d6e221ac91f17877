"""Blame on a fix's parent names the commit that wrote each line the fix changed."""

from __future__ import annotations

from llmdev.evaluation.blame import BlamedLine, blame_lines, line_ranges
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History


def test_line_ranges() -> None:
    assert line_ranges([9, 3, 4, 5, 4]) == [(3, 5), (9, 9)]
    assert line_ranges([]) == []


def test_blame_finds_the_commit_that_wrote_the_bug(history: History) -> None:
    repo = open_repository(history.root)
    line = history.bug_line()
    assert blame_lines(repo, history.docs, "stats.py", [line, 1]) == [
        BlamedLine(history.initial, "stats.py", 1),
        BlamedLine(history.buggy, "stats.py", line),
    ]


def test_blame_follows_a_rename(history: History) -> None:
    history.repo.git("mv", "stats.py", "numbers.py")
    renamed = history.repo.commit("Rename stats to numbers")
    (found,) = blame_lines(open_repository(history.root), renamed, "numbers.py", [history.bug_line() - 1])
    assert found == BlamedLine(history.buggy, "stats.py", history.bug_line() - 1)


def test_blame_of_a_missing_file_is_empty(history: History) -> None:
    assert blame_lines(open_repository(history.root), history.docs, "nope.py", [1]) == []
