from __future__ import annotations

import warnings

from llmdev.repo.diff_types import FileDiff, Hunk
from llmdev.review.findings import SkippedFile
from llmdev.review.plan import select_files


def changed(path: str) -> FileDiff:
    return FileDiff(path, path, "modified", hunks=[Hunk(1, 1, 1, 1, "")])


def test_exclude_patterns_are_gitignore_style() -> None:
    diffs = [changed(p) for p in ("app.py", "poetry.lock", "keep.lock", "migrations/0001.py", "src/migrations/0002.py")]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # the pathspec API in use is not a deprecated one
        send, empty, skipped = select_files(diffs, ["*.lock", "!keep.lock", "/migrations/"])
    assert [d.path for d in send] == ["app.py", "keep.lock", "src/migrations/0002.py"] and empty == []
    assert skipped == [SkippedFile("poetry.lock", "excluded by [review] exclude"), SkippedFile("migrations/0001.py", "excluded by [review] exclude")]


def test_no_patterns_exclude_nothing() -> None:
    send, _, skipped = select_files([changed("a.lock")], [])
    assert [d.path for d in send] == ["a.lock"] and skipped == []
