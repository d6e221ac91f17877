"""Every output format of a review."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from llmdev.review.findings import Finding, ReviewResult, ReviewUsage, SkippedFile
from llmdev.review.formats import FORMATS, render
from llmdev.review.formats.github import ANNOTATIONS_PER_KIND, append_step_summary, render_github
from llmdev.review.formats.sarif import sarif_log
from llmdev.review.formats.text import render_compact

# The official OASIS SARIF 2.1.0 schema (errata 01), vendored from oasis-tcs/sarif-spec.
SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _finding(line: int, severity: str = "high", category: str = "security", **kw: str) -> Finding:
    return Finding(
        kw.get("path", "src/app.py"), line, line + 1, severity, category, kw.get("title", f"Problem at {line}"),
        kw.get("message", "Line one.\nLine two: 100% sure, a,b"), kw.get("suggestion"), fingerprint=f"fp{line:04d}",
    )


def _result(*findings: Finding, skipped: tuple[SkippedFile, ...] = ()) -> ReviewResult:
    return ReviewResult(
        list(findings), "Summary text.", ["src/app.py", "README.md"], list(skipped), "openai/gpt-4o",
        ReviewUsage(input_tokens=1200, output_tokens=80),
    )


@pytest.fixture
def result() -> ReviewResult:
    return _result(
        _finding(3, "critical", suggestion="Use parse()."),
        _finding(10, "medium", "performance"),
        _finding(20, "info", "style"),
        skipped=(SkippedFile("logo.png", "binary file"),),
    )


def test_every_format_renders(result: ReviewResult) -> None:
    for fmt in FORMATS:
        assert render(result, fmt).strip(), fmt


def test_sarif_is_valid_sarif_2_1_0(result: ReviewResult) -> None:
    log = sarif_log(result, "0.1.0")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif_log(_result(), "0.1.0"))  # no findings


def test_sarif_has_what_github_code_scanning_needs(result: ReviewResult) -> None:
    run = sarif_log(result, "0.1.0")["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"] for r in rules)
    security = next(r for r in rules if r["id"] == "security")
    assert float(security["properties"]["security-severity"]) >= 9.0  # the worst security finding is critical
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"] == "security"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 3, "endLine": 4}
    assert first["level"] == "error" and run["results"][1]["level"] == "warning" and run["results"][2]["level"] == "note"
    assert first["partialFingerprints"] == {"llmdevFinding/v2": "fp0003"}
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "logo.png" in notes[0]["message"]["text"]


def test_github_annotations_escape_their_data(result: ReviewResult) -> None:
    first = render_github(result).splitlines()[0]
    assert first.startswith("::error file=src/app.py,line=3,endLine=4,title=critical%3A Problem at 3 (security)::")
    assert first.endswith("::Line one.%0ALine two: 100%25 sure, a,b%0A%0ASuggestion: Use parse().")


def test_github_annotations_stay_within_the_per_step_limits() -> None:
    many = _result(*[_finding(i, "high") for i in range(1, 30)], *[_finding(100 + i, "low") for i in range(3)])
    lines = render_github(many).splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == ANNOTATIONS_PER_KIND
    assert "20 more error-level findings" in errors[-1]
    assert sum(1 for line in lines if line.startswith("src/app.py:")) == 20  # the rest, as plain log lines
    assert sum(1 for line in lines if line.startswith("::notice")) == 3


def test_a_partial_review_is_announced_in_annotations(result: ReviewResult) -> None:
    assert "::warning title=llmdev%3A partial review::partial review: 1 file(s) not reviewed: logo.png (binary file)" in render_github(result)


def test_the_step_summary_is_appended_and_capped(tmp_path: Path, result: ReviewResult) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    assert append_step_summary(render(result, "markdown"), {"GITHUB_STEP_SUMMARY": str(summary)}) == summary
    text = summary.read_text()
    assert text.startswith("earlier step\n## llmdev review")
    append_step_summary("x" * 2_000_000, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert summary.stat().st_size <= 1024 * 1024
    assert summary.read_text().endswith("see the job log)_\n")
    assert append_step_summary("ignored", {}) is None


def test_rdjsonl_is_one_reviewdog_diagnostic_per_line(result: ReviewResult) -> None:
    rows = [json.loads(line) for line in render(result, "rdjsonl").splitlines()]
    assert len(rows) == 3
    assert rows[0]["location"] == {"path": "src/app.py", "range": {"start": {"line": 3}, "end": {"line": 4}}}
    assert [r["severity"] for r in rows] == ["ERROR", "WARNING", "INFO"]
    assert rows[0]["source"] == {"name": "llmdev"} and rows[0]["code"] == {"value": "security"}


def test_gitlab_code_quality_report(result: ReviewResult) -> None:
    issues = json.loads(render(result, "codequality"))
    assert [i["severity"] for i in issues] == ["blocker", "major", "info"]
    assert issues[0]["location"] == {"path": "src/app.py", "lines": {"begin": 3, "end": 4}}
    assert issues[0]["fingerprint"] == "fp0003"


def test_markdown_is_a_pr_comment(result: ReviewResult) -> None:
    text = render(result, "markdown")
    assert "**3 findings** (1 critical, 1 medium, 1 info) in 2 reviewed files." in text
    assert "> **Partial review:** 1 file(s) were not reviewed" in text
    assert "| 🛑 critical | `src/app.py:3` | Problem at 3 |" in text
    assert "**Suggestion:** Use parse()." in text
    assert "- `logo.png`: binary file" in text


def test_text_and_compact(result: ReviewResult) -> None:
    text = render(result, "text")
    assert " CRITICAL  src/app.py:3-4  security" in text
    assert "→ Use parse()." in text
    assert "Partial review: 1 file(s) not reviewed" in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    compact = render_compact(result).splitlines()
    assert compact[0] == "src/app.py:3-4: critical: Problem at 3 (security)"
    assert compact[-1].startswith("partial review: 1 file(s) not reviewed: logo.png")
    assert render(_result(), "text").startswith("No findings.")
