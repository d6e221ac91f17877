"""Snippet layout: line starts worked out from line ends agree with `str.splitlines`."""

from itertools import accumulate

import pytest

from llmdev.context.snippets import _Layout, _line_starts


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "a\nbb\n", "a\nbb", "\n\n", "x\r\ny\n", "x\ry", "a\x0cb\n", "a\u2028b\n", "é\nü\n", "é\u0085x", "abc\n\nd"],
)
def test_line_starts_match_splitlines(text: str) -> None:
    lines = text.splitlines()
    layout = _Layout(text, lines)
    assert layout.offsets == list(accumulate((len(line) for line in text.splitlines(keepends=True)), initial=0))
    assert layout.ends == list(accumulate(len(line) + 1 for line in lines))
    assert _line_starts(text, layout.ends) == layout.offsets
