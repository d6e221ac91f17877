from __future__ import annotations

from llmdev.edits.blocks import clean_path, parse_edit_blocks

PLAIN = """I will rename the function.

src/app.py
<<<<<<< SEARCH
def old():
    return 1
=======
def new():
    return 1
>>>>>>> REPLACE

Commit message: Rename old to new
"""


def test_plain_block_with_prose_and_commit_message() -> None:
    parsed = parse_edit_blocks(PLAIN)
    assert [(b.path, b.search, b.replace) for b in parsed.blocks] == [
        ("src/app.py", "def old():\n    return 1", "def new():\n    return 1")
    ]
    assert parsed.commit_message == "Rename old to new"
    assert parsed.prose == "I will rename the function."
    assert parsed.problems == []


def test_fenced_blocks_crlf_and_path_in_fence_line() -> None:
    answer = (
        "Two changes:\r\n\r\n**`lib/util.py`**\r\n```python\r\n<<<<<<< SEARCH\r\nx = 1\r\n=======\r\nx = 2\r\n"
        ">>>>>>> REPLACE\r\n```\r\n\r\n```js web/main.js\r\n<<<<<<< SEARCH\r\nlet a;\r\n=======\r\nlet b;\r\n>>>>>>> REPLACE\r\n```\r\n"
    )
    parsed = parse_edit_blocks(answer)
    assert [(b.path, b.search, b.replace) for b in parsed.blocks] == [
        ("lib/util.py", "x = 1", "x = 2"),
        ("web/main.js", "let a;", "let b;"),
    ]
    assert parsed.prose == "Two changes:"


def test_path_from_prose_line_and_reused_for_next_block() -> None:
    answer = (
        "In `pkg/mod.py` change this:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
        "and also:\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n"
    )
    blocks = parse_edit_blocks(answer).blocks
    assert [(b.path, b.index) for b in blocks] == [("pkg/mod.py", 1), ("pkg/mod.py", 2)]


def test_new_file_block_has_empty_search() -> None:
    answer = "docs/NEW.md\n<<<<<<< SEARCH\n=======\n# Title\n\ntext\n>>>>>>> REPLACE\n"
    (block,) = parse_edit_blocks(answer).blocks
    assert block.creates_file and block.replace == "# Title\n\ntext"


def test_unclosed_block_and_missing_path_are_problems() -> None:
    answer = "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\nx.py\n<<<<<<< SEARCH\nc\n=======\nd\n"
    parsed = parse_edit_blocks(answer)
    assert parsed.blocks == []
    assert len(parsed.problems) == 2
    assert "no file path" in parsed.problems[0] and "not closed" in parsed.problems[1]


def test_marker_variants_are_accepted() -> None:
    answer = "a.py\n<<<<<<<< SEARCH\nold\n========\nnew\n>>>>>>>> REPLACE\n"
    assert [(b.search, b.replace) for b in parse_edit_blocks(answer).blocks] == [("old", "new")]


def test_clean_path_variants() -> None:
    assert clean_path("File: `src/x.py`:") == "src/x.py"
    assert clean_path("### ./src/x.py") == "src/x.py"
    assert clean_path("```python src/x.py") == "src/x.py"
    assert clean_path("Here is the fix.") is None
    assert clean_path("```python") is None
