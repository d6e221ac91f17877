"""Findings of several models grouped by place: same file, overlapping lines."""

from __future__ import annotations

from llmdev.compare.agreement import agree, agreement
from llmdev.review.findings import Finding


def _f(path: str, line: int, end: int | None = None, title: str = "t") -> Finding:
    return Finding(path, line, end or line, "high", "correctness", title, "m")


def test_overlapping_lines_in_the_same_file_agree() -> None:
    groups = agree({
        "a": [_f("x.py", 10, 12), _f("x.py", 40), _f("y.py", 10)],
        "b": [_f("x.py", 12, 15), _f("x.py", 41), _f("z.py", 1)],
    })
    assert [(g.path, g.line, g.end_line, g.models) for g in groups] == [
        ("x.py", 10, 15, ["a", "b"]), ("x.py", 40, 40, ["a"]), ("x.py", 41, 41, ["b"]), ("y.py", 10, 10, ["a"]), ("z.py", 1, 1, ["b"]),
    ]


def test_models_are_listed_in_the_order_named_and_one_model_twice_is_not_agreement() -> None:
    groups = agree({"b": [_f("x.py", 5)], "a": [_f("x.py", 5, 6), _f("x.py", 6)]})
    (group,) = groups
    assert group.models == ["b", "a"] and len(group.by_model["a"]) == 2
    alone = agree({"a": [_f("x.py", 5), _f("x.py", 5, 7)]})
    assert not alone[0].agreed


def test_agreement_splits_shared_and_unique_places() -> None:
    found = agreement({"a": [_f("x.py", 1), _f("x.py", 9)], "b": [_f("x.py", 1)], "c": []})
    assert [g.line for g in found.agreed] == [1]
    assert {m: [g.line for g in gs] for m, gs in found.unique.items()} == {"a": [9], "b": [], "c": []}
    assert found.as_json()["agreed"][0]["models"] == ["a", "b"]
