from __future__ import annotations

import re

from llmdev.answer_blocks import Block, BlockSplitter

DOC = "# Title\n\nPara one\nline two.\n\n```python\nx = 1\n\ny = 2\n```\n- a\n- b\n\n\n~~~\n```\nnot a close\n~~~\nEnd."


def _split(doc: str, pieces: list[str], max_lines: int = 40) -> list[Block]:
    splitter = BlockSplitter(max_lines=max_lines)
    blocks = [b for piece in pieces for b in splitter.feed(piece)]
    return blocks + splitter.finish()


def test_blocks_end_at_blank_lines_and_closing_fences() -> None:
    texts = [b.text for b in _split(DOC, [DOC])]
    assert texts == ["# Title", "Para one\nline two.", "```python\nx = 1\n\ny = 2\n```", "- a\n- b", "~~~\n```\nnot a close\n~~~", "End."]


def test_any_chunking_gives_the_same_blocks() -> None:
    whole = _split(DOC, [DOC])
    assert _split(DOC, list(DOC)) == whole
    assert _split(DOC, re.findall(r"\S+\s*|\s+", DOC)) == whole


def test_a_long_block_is_cut_and_a_cut_fence_is_closed_and_reopened() -> None:
    code = "```py\n" + "".join(f"line{i}\n" for i in range(10)) + "```\n"
    blocks = _split(code, [code], max_lines=4)
    assert all(b.text.startswith("```py\n") and b.text.endswith("\n```") for b in blocks)
    assert [b.continues for b in blocks] == [False] + [True] * (len(blocks) - 1)
    body = [line for b in blocks for line in b.text.splitlines() if line.startswith("line")]
    assert body == [f"line{i}" for i in range(10)]


def test_the_open_block_is_what_was_received_since_the_last_block() -> None:
    splitter = BlockSplitter()
    assert splitter.feed("Intro.\n\nSecond par") == [Block("Intro.")]
    assert splitter.open_text() == "Second par"
    splitter.feed("agraph\nand more")
    assert splitter.open_text() == "Second paragraph\nand more"
