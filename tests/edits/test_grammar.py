"""The edit grammar against content that looks like its markers, and paths in every spelling:
parsed, planned and applied in memory against real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.edits.blocks import parse_edit_blocks
from llmdev.edits.plan import EditPlan, plan_edits
from tests.edits.scratch import write_files

GUIDE = "Title\n=====\n\nInstall\n=======\n\nRun pip install calc.\n\nUsage\n=======\n\nRun calc.\n"


def apply(root: Path, answer: str, files: dict[str, str]) -> tuple[EditPlan, dict[str, str]]:
    write_files(root, files)
    parsed = parse_edit_blocks(answer, known_files=list(files))
    assert parsed.problems == []
    plan = plan_edits(root, parsed.blocks, known_files=list(files))
    after = dict(files)
    after.update({c.path: (c.after or b"").decode() for c in plan.changes})
    return plan, after


def test_search_holding_an_rst_underline_is_split_at_the_real_divider(tmp_path: Path) -> None:
    answer = "docs/guide.rst\n<<<<<<< SEARCH\nInstall\n=======\n\nRun pip install calc.\n=======\nInstall\n=======\n\nRun uv pip install calc.\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"docs/guide.rst": GUIDE})
    assert plan.ok
    assert after["docs/guide.rst"] == GUIDE.replace("Run pip install", "Run uv pip install")


def test_search_holding_conflict_markers(tmp_path: Path) -> None:
    text = "a = 1\n<<<<<<< HEAD\nb = 2\n=======\nb = 3\n>>>>>>> feature\nc = 4\n"
    answer = "m.py\n<<<<<<< SEARCH\n<<<<<<< HEAD\nb = 2\n=======\nb = 3\n>>>>>>> feature\n=======\nb = 3\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"m.py": text})
    assert plan.ok and after["m.py"] == "a = 1\nb = 3\nc = 4\n"


def test_replace_holding_an_underline_keeps_it(tmp_path: Path) -> None:
    answer = "docs/guide.rst\n<<<<<<< SEARCH\nRun calc.\n=======\nRun calc.\n\nFAQ\n=======\n\nNone yet.\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"docs/guide.rst": GUIDE})
    assert plan.ok and after["docs/guide.rst"].endswith("Run calc.\n\nFAQ\n=======\n\nNone yet.\n")


@pytest.mark.parametrize("doubled", ["=======\n=======\n", "=======\n========\n"])
def test_a_doubled_divider_is_not_written_into_the_file(tmp_path: Path, doubled: str) -> None:
    text = "name: app\nversion: 1\n"
    answer = f"app.yaml\n<<<<<<< SEARCH\nversion: 1\n{doubled}version: 2\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"app.yaml": text})
    assert plan.ok and after["app.yaml"] == "name: app\nversion: 2\n"


@pytest.mark.parametrize(("text", "search"), [
    # SEARCH = a blank line and a doubled divider, or SEARCH = blank line + "=======" (which matches)
    ("x = 1\n=======\nx = 1\n\n", "\n"),
    # SEARCH "    y = 2" + a doubled divider (meant for the last line), or "    y = 2\n=======" (found once,
    # at lines 3-4): the shorter one being in two places does not rule it out. Found by
    # tests/edits/test_properties.py: taking the longer reading edited lines 3-4 instead of line 5.
    ("x = 1\nx = 1\n    y = 2\n=======\n    y = 2\n", "    y = 2\n"),
])
def test_a_doubled_divider_that_can_be_read_two_ways_is_refused_not_guessed(tmp_path: Path, text: str, search: str) -> None:
    answer = f"notes.txt\n<<<<<<< SEARCH\n{search}=======\n=======\nx = 1\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"notes.txt": text})
    assert not plan.ok and after["notes.txt"] == text
    assert "doubled divider" in plan.failures[0].reason


def test_part_of_a_line_respects_word_boundaries(tmp_path: Path) -> None:
    text = "MAX_RETRIES = 30\nTIMEOUT = 5\n"
    answer = "cfg.py\n<<<<<<< SEARCH\nRETRIES = 3\n=======\nRETRIES = 5\n>>>>>>> REPLACE\n"
    plan, _ = apply(tmp_path, answer, {"cfg.py": text})
    assert not plan.ok and plan.changes == [] and "does not match" in plan.failures[0].reason


def test_part_of_a_line_still_edits_a_whole_word(tmp_path: Path) -> None:
    answer = "cfg.py\n<<<<<<< SEARCH\nTIMEOUT = 5\n=======\nTIMEOUT = 9\n>>>>>>> REPLACE\n"
    plan, after = apply(tmp_path, answer, {"cfg.py": "    TIMEOUT = 5  # seconds\n"})
    assert plan.ok and after["cfg.py"] == "    TIMEOUT = 9  # seconds\n"


def test_one_line_search_without_its_comment_and_several_new_lines_is_refused(tmp_path: Path) -> None:
    text = "def f():\n    x = 1  # start\n    return x\n"
    answer = "f.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 1\ny = 2\n>>>>>>> REPLACE\n"
    plan, _ = apply(tmp_path, answer, {"f.py": text})
    assert not plan.ok and plan.changes == []


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("Makefile\n", "Makefile"),
        ("Dockerfile\n", "Dockerfile"),
        ("LICENSE\n", "LICENSE"),
        ("`docs/my notes.md`\n", "docs/my notes.md"),
        ('"docs/my notes.md"\n', "docs/my notes.md"),
        ("**`app/utils.py`**\n```python\n", "app/utils.py"),
        ("```python:app/utils.py\n", "app/utils.py"),
        ('```md title="docs/my notes.md"\n', "docs/my notes.md"),
        ("```js\n// src/server.js\n", "src/server.js"),
        ("```python\n# app/utils.py\n", "app/utils.py"),
        ("```html\n<!-- web/index.html -->\n", "web/index.html"),
        ("### File: ./app/utils.py\n\n", "app/utils.py"),
        ("bin/run\n", "bin/run"),
    ],
)
def test_every_usual_header_names_the_file(header: str, path: str) -> None:
    answer = f"Here is the change.\n\n{header}<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n"
    parsed = parse_edit_blocks(answer + ("```\n" if "```" in header else ""))
    assert parsed.problems == [] and [b.path for b in parsed.blocks] == [path]
    assert "SEARCH" not in parsed.prose and "```" not in parsed.prose


def test_prose_path_further_up_never_wins(tmp_path: Path) -> None:
    answer = "As already done in `app/a.py`:\n\napp/b.py\n```python\n<<<<<<< SEARCH\nX = 1\n=======\nX = 2\n>>>>>>> REPLACE\n```\n"
    plan, after = apply(tmp_path, answer, {"app/a.py": "X = 1\n", "app/b.py": "X = 1\n"})
    assert plan.ok and after == {"app/a.py": "X = 1\n", "app/b.py": "X = 2\n"}


def test_a_bare_word_names_a_file_only_if_it_exists_or_is_conventional() -> None:
    answer = "run\n<<<<<<< SEARCH\n=======\necho\n>>>>>>> REPLACE\n"
    assert parse_edit_blocks(answer).problems == ["block 1: no file path on the line just above it"]
    assert [b.path for b in parse_edit_blocks(answer, known_files=["run"]).blocks] == ["run"]


def test_a_symlinked_file_shows_and_writes_its_real_path(tmp_path: Path) -> None:
    write_files(tmp_path, {"real.py": "a = 1\n"})
    (tmp_path / "alias.py").symlink_to("real.py")
    parsed = parse_edit_blocks("alias.py\n<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n")
    plan = plan_edits(tmp_path, parsed.blocks)
    assert [c.path for c in plan.changes] == ["real.py"]
