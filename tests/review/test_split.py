"""Fitting a change into the model's window without cutting it silently."""

from __future__ import annotations

from llmdev.review.split import FileUnit, HunkPiece, plan_batches


def _piece(diff_chars: int, context_chars: int = 0, first: int = 1) -> HunkPiece:
    return HunkPiece("x" * diff_chars, ("c" * context_chars,) if context_chars else (), first, first + 9)


def _unit(path: str, *pieces: HunkPiece) -> FileUnit:
    return FileUnit(path, f"### File: {path} (modified)", list(pieces))


def test_a_small_change_is_one_request_with_its_context() -> None:
    plan = plan_batches([_unit("a.py", _piece(350, 350)), _unit("b.py", _piece(350))], budget=1000, max_requests=5)
    assert len(plan.batches) == 1
    assert plan.batches[0].paths() == ["a.py", "b.py"]
    assert all(u.with_context for u in plan.batches[0].units)
    assert plan.skipped == [] and plan.notes == []


def test_files_are_grouped_into_several_requests_in_path_order() -> None:
    units = [_unit(name, _piece(2100)) for name in ("c.py", "a.py", "b.py")]  # ~600 tokens each
    plan = plan_batches(units, budget=1000, max_requests=5)
    assert [b.paths() for b in plan.batches] == [["a.py"], ["b.py"], ["c.py"]]
    assert all(b.tokens() <= 1000 for b in plan.batches)


def test_context_is_dropped_before_a_file_is_split() -> None:
    plan = plan_batches([_unit("a.py", _piece(2100, 3500))], budget=1000, max_requests=5)
    [batch] = plan.batches
    assert not batch.units[0].with_context
    assert plan.notes == ["a.py: repository context left out to fit the model's window"]


def test_a_file_too_big_for_one_request_is_split_by_hunks() -> None:
    unit = _unit("big.py", _piece(2100, first=1), _piece(2100, first=50), _piece(2100, first=100))
    plan = plan_batches([unit], budget=1000, max_requests=5)
    assert len(plan.batches) == 3
    assert [b.units[0].part for b in plan.batches] == [(1, 3), (2, 3), (3, 3)]
    assert plan.skipped == []
    assert "big.py: split over 3 requests" in plan.notes[-1]


def test_a_hunk_larger_than_a_request_is_skipped_with_a_reason() -> None:
    unit = _unit("huge.py", _piece(350, first=1), _piece(7000, first=200))
    plan = plan_batches([unit], budget=1000, max_requests=5)
    assert [b.paths() for b in plan.batches] == [["huge.py"]]
    [skip] = plan.skipped
    assert skip.path == "huge.py" and "lines 200-209 not reviewed" in skip.reason


def test_requests_over_the_limit_are_skipped_not_sent() -> None:
    units = [_unit(f"f{i}.py", _piece(2100)) for i in range(4)]
    plan = plan_batches(units, budget=1000, max_requests=2)
    assert len(plan.batches) == 2
    assert [s.path for s in plan.skipped] == ["f2.py", "f3.py"]
    assert "over the limit of 2 ([review] max_requests)" in plan.skipped[0].reason
