"""Parsing files for the index: the progress bar of a long cold index."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import pytest

from llmdev import console
from llmdev.code import build


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


def test_the_indexing_bar_appears_after_a_second_with_the_work_already_done(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(build.time, "monotonic", clock.monotonic)
    opened: list[dict[str, Any]] = []
    advanced: list[float] = []

    class Handle:
        def advance(self, amount: float = 1) -> None:
            advanced.append(amount)

    @contextmanager
    def progress(description: str, total: float | None = None, **options: Any) -> Iterator[Handle]:
        opened.append({"description": description, "total": total, **options})
        yield Handle()

    monkeypatch.setattr(console, "progress", progress)
    with build._maybe_progress(True, 900) as bar:
        clock.now += 0.5
        bar.advance(300)
        assert opened == []  # half a second in: nothing shown
        clock.now += 0.6
        bar.advance(300)
        bar.advance(300)
    assert opened == [{"description": "indexing", "total": 900, "unit": "files", "completed": 600}]
    assert advanced == [300]


def test_no_bar_when_progress_is_not_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "progress", lambda *a, **k: pytest.fail("no bar expected"))
    with build._maybe_progress(False, 900) as bar:
        bar.advance(900)
