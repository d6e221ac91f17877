"""Severities, thresholds and the exact JSON shape of a result."""

from __future__ import annotations

import dataclasses

from llmdev.review.findings import Finding, ReviewResult, SkippedFile, at_or_above, fingerprint_of, make_unique


def _finding(severity: str = "high", line: int = 1) -> Finding:
    return Finding("a.py", line, line, severity, "correctness", "Title", "Message")


def test_thresholds() -> None:
    assert at_or_above("high", "high") and at_or_above("critical", "high")
    assert not at_or_above("medium", "high")
    assert not at_or_above("critical", "never")


def test_result_json_has_exactly_the_documented_keys() -> None:
    result = ReviewResult([_finding()], "sum", ["a.py"], [SkippedFile("b.bin", "binary file")], "ollama/x")
    data = result.as_json()
    assert list(data) == ["findings", "summary", "reviewed_files", "skipped_files", "partial", "model", "usage"]
    assert list(data["findings"][0]) == ["path", "line", "end_line", "severity", "category", "title", "message", "suggestion"]
    assert data["partial"] is True
    assert data["skipped_files"] == [{"path": "b.bin", "reason": "binary file"}]
    assert data["usage"] == {"input_tokens": 0, "output_tokens": 0}


def test_failing_and_worst() -> None:
    result = ReviewResult([_finding("low"), _finding("critical", 2)], "", [], [], "m")
    assert result.worst() == "critical"
    assert [f.severity for f in result.failing("medium")] == ["critical"]
    assert result.failing("never") == []


def test_fingerprints_ignore_line_numbers_and_whitespace_but_not_content() -> None:
    a = fingerprint_of(_finding(line=3), "  x = eval(data)")
    b = fingerprint_of(_finding(line=40), "x  =  eval(data)")
    c = fingerprint_of(_finding(line=3), "x = eval(other)")
    assert a == b != c


def test_two_findings_on_one_line_have_different_fingerprints() -> None:
    injection = dataclasses.replace(_finding(), title="SQL injection")
    unclosed = dataclasses.replace(_finding(), title="File is never closed")
    flagged = "rows = db.execute(f'select * from t where id={id}')"
    assert fingerprint_of(injection, flagged) != fingerprint_of(unclosed, flagged)
    moved = dataclasses.replace(injection, line=90, end_line=90)
    assert fingerprint_of(moved, flagged) == fingerprint_of(injection, flagged)  # a line move keeps it
    assert fingerprint_of(dataclasses.replace(injection, title="  sql   INJECTION "), flagged) == fingerprint_of(injection, flagged)


def test_repeated_fingerprints_are_numbered_so_each_finding_has_its_own() -> None:
    findings = [dataclasses.replace(_finding(), fingerprint=fp) for fp in ("aa", "bb", "aa", "aa")]
    make_unique(findings)
    assert [f.fingerprint for f in findings] == ["aa", "bb", "aa:2", "aa:3"]
