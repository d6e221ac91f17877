"""Whole-file answers: each file's path, then its whole text in a fence; an ambiguous end is refused."""

from __future__ import annotations

from pathlib import Path

from llmdev.edits.plan import plan_edits
from llmdev.edits.wholefile import parse_whole_files
from tests.edits.scratch import write_files


def test_files_prose_and_commit_message() -> None:
    answer = "I add a flag.\n\napp/cli.py\n\n```python\nimport sys\n\nFLAG = 1\n```\n\n`docs/my notes.md`\n```\n# Notes\n```\n\nCommit message: Add a flag\n"
    parsed = parse_whole_files(answer)
    assert [(b.path, b.replace, b.whole) for b in parsed.blocks] == [
        ("app/cli.py", "import sys\n\nFLAG = 1\n", True),
        ("docs/my notes.md", "# Notes\n", True),
    ]
    assert parsed.prose == "I add a flag." and parsed.commit_message == "Add a flag"


def test_inner_fences_with_a_language_are_content() -> None:
    text = "# Guide\n\n```bash\nmake\n```\n\nDone.\n"
    parsed = parse_whole_files(f"README.md\n```markdown\n{text}```\n")
    assert parsed.problems == [] and parsed.blocks[0].replace == text


def test_a_longer_fence_holds_any_inner_fence() -> None:
    text = "```\nplain\n```\n"
    parsed = parse_whole_files(f"README.md\n````\n{text}````\n")
    assert parsed.blocks[0].replace == text


def test_a_plain_inner_fence_that_ends_the_file_early_is_refused() -> None:
    parsed = parse_whole_files("README.md\n```\nA\n```\nplain\n```\nB\n```\n")
    assert parsed.blocks and parsed.problems and "follows the end of the file" in parsed.problems[0]


def test_unclosed_file_and_search_markers_are_problems() -> None:
    assert "not closed" in parse_whole_files("a.py\n```\nx = 1\n").problems[0]
    assert "SEARCH/REPLACE" in parse_whole_files("a.py\n```\n<<<<<<< SEARCH\n```\n").problems[0]


def test_a_fence_without_a_path_is_prose() -> None:
    parsed = parse_whole_files("Run it:\n```bash\npytest\n```\n")
    assert parsed.blocks == [] and parsed.problems == [] and "pytest" in parsed.prose


def test_whole_file_keeps_the_file_s_line_endings_and_refuses_elision(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": "x = 1\r\ny = 2\r\n"})
    plan = plan_edits(tmp_path, parse_whole_files("a.py\n```\nx = 1\ny = 3\n```\n").blocks)
    assert plan.ok and plan.changes[0].after == b"x = 1\r\ny = 3\r\n"
    elided = plan_edits(tmp_path, parse_whole_files("a.py\n```\nx = 1\n# ... rest of the file unchanged ...\n```\n").blocks)
    assert not elided.ok and elided.changes == []
