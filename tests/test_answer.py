from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.markdown import Markdown

from llmdev import answer, console
from llmdev.answer import AnswerStream
from llmdev.answer_blocks import BlockSplitter

DOC = (
    "# Title\n\nPara one\nline two.\n\n- a\n- b\n\n```python\nx = 1\n\ny = 2\n```\n\n> quote\n\n"
    "1. one\n2. two\n\n---\n\nEnd with `code`.\n"
)


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*|\s+", text)


def _markdown_console(width: int = 60) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    out = Console(width=width, height=24, file=buffer, no_color=True)
    console._consoles["out"] = out
    return out, buffer


def test_block_by_block_output_is_what_rich_renders_for_the_whole_answer() -> None:
    _, buffer = _markdown_console()
    with AnswerStream(markdown=True) as stream:
        for word in _words(DOC):
            stream(word)
    whole = io.StringIO()
    Console(width=60, file=whole, no_color=True).print(Markdown(DOC))
    assert buffer.getvalue() == whole.getvalue()
    assert stream.text == DOC


def test_live_work_per_chunk_does_not_grow_with_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    _markdown_console()
    monkeypatch.setattr(answer, "REFRESH_S", 0.0)  # re-render the open block on every chunk
    rendered: list[int] = []
    original = BlockSplitter.open_text

    def counting(self: BlockSplitter) -> str:
        text = original(self)
        rendered.append(len(text))
        return text

    monkeypatch.setattr(BlockSplitter, "open_text", counting)
    paragraph = "Some words about the code, and then some more words.\n"
    doc = "".join(paragraph * 5 + "\n" for _ in range(100)) + "```\n" + "x = 1\n" * 400 + "```\n"
    with AnswerStream(markdown=True) as stream:
        for word in _words(doc):
            stream(word)
    assert len(rendered) > 1000
    assert max(rendered) < 2_000 and sum(rendered) < 40 * len(doc)  # whole-answer re-rendering: ~len(doc)**2 / 20


def test_piped_chunks_are_written_as_they_come(capsys: pytest.CaptureFixture[str]) -> None:
    with AnswerStream(markdown=False) as stream:
        stream("# not ")
        assert capsys.readouterr().out == "# not "
        stream("rendered")
    assert capsys.readouterr().out == "rendered\n"
    assert stream.text == "# not rendered"
