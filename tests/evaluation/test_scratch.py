"""The private checkout: any commit, without touching the user's work tree."""

from __future__ import annotations

from llmdev.evaluation.scratch import ScratchCheckout
from llmdev.repo.diffs import staged_diff
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import STATS_V2, History


def test_at_checks_out_a_commit_elsewhere(history: History) -> None:
    history.repo.write("stats.py", "# my unsaved work\n")
    scratch = ScratchCheckout(open_repository(history.root))
    repo = scratch.at(history.buggy)
    assert repo.root != history.root and (repo.root / "stats.py").read_text() == STATS_V2
    assert not (repo.root / "cli.py").exists()
    assert (scratch.at(history.feature).root / "cli.py").exists()
    assert (history.root / "stats.py").read_text() == "# my unsaved work\n"


def test_the_clone_is_reused_and_sees_later_commits(history: History) -> None:
    ScratchCheckout(open_repository(history.root)).at(history.initial)
    history.repo.write("new.py", "x = 1\n")
    later = history.repo.commit("Add new")
    repo = ScratchCheckout(open_repository(history.root)).at(later)
    assert (repo.root / "new.py").read_text() == "x = 1\n"


def test_staged_shows_a_commit_as_it_was_before_it_was_made(history: History) -> None:
    scratch = ScratchCheckout(open_repository(history.root))
    repo = scratch.staged(history.fix)
    diffs = staged_diff(repo)
    assert sorted(d.path for d in diffs) == ["stats.py", "tests/test_stats.py"]
    assert repo.head_sha() == history.docs
    assert (scratch.at(history.fix).root / "tests" / "test_stats.py").exists()
    assert staged_diff(scratch.at(history.fix)) == []
