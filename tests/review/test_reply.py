"""Parsing the model's structured review reply."""

from __future__ import annotations

import json

import pytest

from llmdev.review.reply import ReplyError, parse_reply, reply_schema
from tests.review.support import finding, reply


def test_a_valid_reply_becomes_findings_and_summary() -> None:
    parsed = parse_reply(reply(finding("a.py", 3, "medium", "Off by one", end_line=4, suggestion="use <="), summary="Fine."))
    assert parsed.summary == "Fine."
    [only] = parsed.findings
    assert (only.path, only.line, only.end_line, only.severity, only.title, only.suggestion) == ("a.py", 3, 4, "medium", "Off by one", "use <=")


def test_a_fenced_reply_is_accepted() -> None:
    text = "```json\n" + reply(finding("a.py", 1)) + "\n```"
    assert len(parse_reply(text).findings) == 1


def test_small_deviations_are_normalised() -> None:
    item = finding("./a.py", 2, "HIGH")
    item["line"] = "2"
    del item["end_line"]
    [parsed] = parse_reply(json.dumps({"findings": [item], "summary": ""})).findings
    assert (parsed.path, parsed.line, parsed.end_line, parsed.severity) == ("a.py", 2, 2, "high")


def test_end_line_before_line_is_raised_to_line() -> None:
    [parsed] = parse_reply(reply(finding("a.py", 9, end_line=3))).findings
    assert parsed.end_line == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json at all", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({"summary": "x"}), "findings: expected an array"),
        (json.dumps({"findings": []}), "summary: expected a string"),
        (reply(finding("a.py", 0)), "findings[0].line: expected a line number"),
        (reply(finding("a.py", 1, "urgent")), "findings[0].severity: expected one of"),
        (reply(finding("a.py", 1, category="vibes")), "findings[0].category: expected one of"),
        (reply(finding("", 1)), "findings[0].path: expected a non-empty string"),
    ],
)
def test_invalid_replies_say_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(ReplyError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        parse_reply(text)


def test_the_schema_is_strict_mode_compatible() -> None:
    schema = reply_schema()
    item = schema["properties"]["findings"]["items"]
    assert schema["additionalProperties"] is False and item["additionalProperties"] is False
    assert set(item["required"]) == set(item["properties"])  # OpenAI strict mode: every property required
    assert item["properties"]["suggestion"]["type"] == ["string", "null"]
