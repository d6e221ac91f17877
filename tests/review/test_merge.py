"""Placing findings on changed lines, merging duplicates, stable fingerprints."""

from __future__ import annotations

from llmdev.repo.diff_types import DiffLine, FileDiff, Hunk
from llmdev.review.findings import Finding
from llmdev.review.merge import assign_fingerprints, changed_lines, dedupe, off_diff_note, place


def _diff(path: str = "src/app.py", shift: int = 0) -> FileDiff:
    lines = [
        DiffLine(" ", "def run(data):", 10 + shift, 10 + shift),
        DiffLine("-", "    return parse(data)", 11 + shift, None),
        DiffLine("+", "    return eval(data)", None, 11 + shift),
        DiffLine(" ", "", 12 + shift, 12 + shift),
    ]
    deletion = Hunk(40 + shift, 2, 39 + shift, 0, "", [DiffLine("-", "old()", 40 + shift, None), DiffLine("-", "older()", 41 + shift, None)])
    return FileDiff(path, path, "modified", hunks=[Hunk(10 + shift, 3, 10 + shift, 3, "", lines), deletion])


def _finding(line: int, title: str = "eval on input", path: str = "src/app.py", **kw: object) -> Finding:
    return Finding(path, line, int(kw.get("end_line", line)), str(kw.get("severity", "high")), "security", title, str(kw.get("message", "m")))


def test_findings_on_added_lines_are_inline_others_go_to_the_summary() -> None:
    changed = changed_lines([_diff()])
    inline, off = place([_finding(11), _finding(10), _finding(5, end_line=10), _finding(9, end_line=12), _finding(39)], changed)
    assert [(f.line, f.end_line) for f in inline] == [(11, 11), (9, 12), (39, 39)]  # 39: where lines were deleted
    assert [f.line for f in off] == [10, 5]
    assert off_diff_note(off).startswith("Noted outside the changed lines:\n- src/app.py:")


def test_paths_are_matched_loosely_but_unknown_files_are_off_diff() -> None:
    changed = changed_lines([_diff()])
    inline, off = place([_finding(11, path="b/src/app.py"), _finding(11, path="app.py"), _finding(11, path="other.py")], changed)
    assert [f.path for f in inline] == ["src/app.py", "src/app.py"]
    assert [f.path for f in off] == ["other.py"]


def test_duplicates_on_overlapping_lines_merge_and_keep_the_worse_severity() -> None:
    kept = dedupe([
        _finding(11, "Eval on user input", severity="medium", message="first wording"),
        _finding(10, "eval on user input!", severity="critical", end_line=11, message="second wording"),
        _finding(11, "Unrelated naming problem", message="names"),
        _finding(30, "Eval on user input", message="first wording"),
    ])
    assert [(f.title, f.severity, f.line, f.end_line) for f in kept] == [
        ("eval on user input!", "critical", 10, 11),
        ("Unrelated naming problem", "high", 11, 11),
        ("Eval on user input", "high", 30, 30),
    ]


def test_fingerprints_survive_lines_moving() -> None:
    before, after = _finding(11), _finding(111)
    assign_fingerprints([before], changed_lines([_diff()]))
    assign_fingerprints([after], changed_lines([_diff(shift=100)]))
    assert before.fingerprint and before.fingerprint == after.fingerprint
