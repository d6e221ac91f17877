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


def test_a_new_clone_starts_from_the_repository_code_index(history: History) -> None:
    from llmdev.code.index import load_index

    source = open_repository(history.root)
    assert load_index(source, show_progress=False).stats.parsed_files > 0
    for slot in (0, 1):
        clone = ScratchCheckout(source, slot=slot).at(history.repo.git("rev-parse", "HEAD").strip())
        stats = load_index(clone, show_progress=False).stats
        assert stats.files > 0 and stats.parsed_files == 0  # every file came from the copied store
        assert stats.store != load_index(source, show_progress=False).stats.store  # a copy, not the same file


def test_without_a_repository_index_the_clone_indexes_itself(history: History) -> None:
    from llmdev.code.index import load_index

    clone = ScratchCheckout(open_repository(history.root), slot=2).at(history.buggy)
    assert load_index(clone, show_progress=False).stats.parsed_files > 0
