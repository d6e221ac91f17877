"""Commits from one `git log` pass, and commit messages without their trailers."""

from __future__ import annotations

import time

from llmdev.evaluation.history import clean_message, recent_subjects, walk
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History


def test_walk_lists_commits_newest_first_with_line_counts(history: History) -> None:
    commits = list(walk(open_repository(history.root)))
    assert [c.sha for c in commits] == [history.feature, history.fix, history.docs, history.buggy, history.initial]
    fix = commits[1]
    assert fix.parent == history.docs and fix.subject == "Fix off-by-one in average"
    assert {f.path: (f.added, f.removed) for f in fix.files} == {"stats.py": (1, 1), "tests/test_stats.py": (5, 0)}
    assert commits[-1].parent is None and fix.changed_lines() == 7


def test_walk_since_a_time_after_everything_finds_nothing(history: History) -> None:
    assert list(walk(open_repository(history.root), since=time.time() + 3600)) == []


def test_clean_message_drops_trailers_and_pull_request_numbers() -> None:
    message = "Fix the parser (#123)\n\nIt broke on tabs.\n\nCloses #99\nSigned-off-by: A <a@b.c>\n"
    assert clean_message(message) == "Fix the parser\n\nIt broke on tabs."
    assert clean_message("fix: handle tabs") == "fix: handle tabs"  # a one-line subject is never a trailer


def test_recent_subjects_are_those_before_a_commit(history: History) -> None:
    repo = open_repository(history.root)
    assert recent_subjects(repo, history.docs).splitlines() == ["Describe the helpers in the README", "Add average and spread helpers", "initial"]
