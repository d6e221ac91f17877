from __future__ import annotations

from llmdev.edits.blocks import parse_edit_blocks
from llmdev.edits.paths import fence_path, path_line

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


def test_a_path_in_prose_never_names_the_file_and_blocks_do_not_borrow_a_path() -> None:
    answer = (
        "In `pkg/mod.py` change this:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
        "pkg/mod.py\n<<<<<<< SEARCH\nc\n=======\nd\n>>>>>>> REPLACE\n"
        "and also:\n<<<<<<< SEARCH\ne\n=======\nf\n>>>>>>> REPLACE\n"
    )
    parsed = parse_edit_blocks(answer)
    assert [(b.path, b.index) for b in parsed.blocks] == [("pkg/mod.py", 2)]
    assert [p.split(":")[0] for p in parsed.problems] == ["block 1", "block 3"]
    assert all("no file path" in p for p in parsed.problems)


def test_new_file_block_has_empty_search() -> None:
    answer = "docs/NEW.md\n<<<<<<< SEARCH\n=======\n# Title\n\ntext\n>>>>>>> REPLACE\n"
    (block,) = parse_edit_blocks(answer).blocks
    assert block.creates_file and block.replace == "# Title\n\ntext"


def test_unclosed_block_and_missing_path_are_problems() -> None:
    answer = "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\nx.py\n<<<<<<< SEARCH\nc\n=======\nd\n"
    parsed = parse_edit_blocks(answer)
    assert parsed.blocks == []
    assert parsed.problems == [
        "block 1: no file path on the line just above it",
        "block 2: it is not closed: the answer ends before its >>>>>>> REPLACE marker",
    ]


def test_marker_variants_are_accepted() -> None:
    answer = "a.py\n<<<<<<<< SEARCH\nold\n========\nnew\n>>>>>>>> REPLACE\n"
    assert [(b.search, b.replace) for b in parse_edit_blocks(answer).blocks] == [("old", "new")]


def test_path_line_variants() -> None:
    assert path_line("File: `src/x.py`:") == "src/x.py"
    assert path_line("### ./src/x.py") == "src/x.py"
    assert path_line("**Makefile**") == "Makefile"
    assert path_line("`docs/my notes.md`") == "docs/my notes.md"
    assert path_line('"build script"') == "build script"
    assert path_line("run", known=["run"]) == "run"
    assert path_line("Here is the fix.") is None
    assert path_line("Fix") is None and path_line("Changes:") is None
    assert path_line("as already done in `app/a.py`:") is None
    assert fence_path("```python src/x.py") == "src/x.py"
    assert fence_path("```python:app/utils.py") == "app/utils.py"
    assert fence_path('```js title="web/my app.js"') == "web/my app.js"
    assert fence_path("```python") is None and fence_path("```makefile") is None
