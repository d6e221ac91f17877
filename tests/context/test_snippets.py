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


def test_plain_words_are_found_where_the_regular_expression_finds_them() -> None:
    import random
    import re

    from llmdev.context.snippets import _match_starts, _word_starts

    assert _word_starts("xaaa", ["xa", "aa"]) == [0, 2]  # "aa" at 2 overlaps "aa" at 1, which "xa" covers
    rng = random.Random(15)
    for _ in range(2000):
        text = "".join(rng.choice("ab_ \n") for _ in range(rng.randrange(0, 40)))
        words = list(dict.fromkeys("".join(rng.choice("ab_") for _ in range(rng.randrange(1, 4))) for _ in range(rng.randrange(1, 5))))
        alternation = re.compile("|".join(words))
        assert _word_starts(text, words) == [m.start() for m in alternation.finditer(text)], (text, words)
        ignoring_case = re.compile("|".join(words), re.IGNORECASE)
        assert _match_starts(ignoring_case, text.upper()) == [m.start() for m in ignoring_case.finditer(text.upper())]


def _units_by_searching_the_stack(definitions):
    """`units` as first written: each question asked of every open definition."""
    from llmdev.context.snippets import CONTAINERS, FUNCTIONS, _is_split

    chosen, stack = [], []
    for tag in definitions:
        while stack and stack[-1][0].end_line < tag.line:
            stack.pop()
        inside_whole = any(whole for _, whole in stack)
        inside_function = any(t.kind in FUNCTIONS for t, _ in stack)
        whole = not inside_whole and not inside_function and not _is_split(tag)
        if whole:
            chosen.append((tag, next((t.name for t, _ in reversed(stack) if t.kind in CONTAINERS), "")))
        stack.append((tag, whole or inside_whole))
    return chosen


def test_units_keep_nesting_rules_on_random_definition_trees() -> None:
    import random

    from llmdev.code.tags import Tag
    from llmdev.context.snippets import units

    rng = random.Random(15)
    kinds = ["class", "function", "method", "module", "variable", "struct"]
    for _ in range(300):
        tags: list[Tag] = []

        def grow(first: int, last: int, depth: int) -> None:
            line = first
            while line < last and len(tags) < 40:
                end = min(last, line + rng.randrange(0, 90))
                tags.append(Tag(f"n{len(tags)}", rng.choice(kinds), line, end, "", True))
                if depth < 3 and end > line + 1:
                    grow(line + 1, end, depth + 1)
                line = end + 1

        grow(1, 400, 0)
        assert units(tags) == _units_by_searching_the_stack(tags)
