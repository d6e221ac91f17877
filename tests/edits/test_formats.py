"""The edit format per model: config first, then the family default."""

from __future__ import annotations

import pytest

from llmdev.config.schema import SchemaError, Settings, parse
from llmdev.edits.formats import edit_format_for, family_default, parse_answer


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("ollama/llama3.1:8b", "whole"),
        ("ollama/qwen2.5-coder:7b", "whole"),
        ("ollama/llama3:70b", "search-replace"),
        ("ollama/qwen2.5-coder:32b", "search-replace"),
        ("openai/gpt-4o", "search-replace"),
        ("openai/gpt-4o-mini", "search-replace"),
        ("openai/o3-mini", "search-replace"),
        ("openai/gpt-3.5-turbo", "whole"),
        ("lab/claude-3-5-sonnet", "search-replace"),
        ("ollama/phi3:3.8b", "whole"),
    ],
)
def test_family_defaults(model: str, expected: str) -> None:
    assert family_default(model) == expected


def test_config_overrides_by_exact_name_then_longest_glob() -> None:
    settings = parse(Settings, {"gen": {"edit_format": {"ollama/*": "search-replace", "ollama/tiny*": "whole", "openai/gpt-4o": "whole"}}})
    assert edit_format_for("ollama/llama3.1:8b", settings) == "search-replace"
    assert edit_format_for("ollama/tinyllama", settings) == "whole"
    assert edit_format_for("openai/gpt-4o", settings) == "whole"
    assert edit_format_for("openai/gpt-4.1", settings) == "search-replace"


def test_unknown_format_is_a_config_error() -> None:
    with pytest.raises(SchemaError, match=r"gen\.edit_format\.ollama/\*: invalid enum value 'udiff'"):
        parse(Settings, {"gen": {"edit_format": {"ollama/*": "udiff"}}})


def test_a_search_replace_answer_is_never_read_as_whole_files() -> None:
    snippet = "app.py\n```python\ndef f(): ...\n```\n"
    assert parse_answer(snippet, "search-replace").blocks == []
    assert parse_answer(snippet, "whole").blocks[0].whole
    blocks = "app.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n"
    assert not parse_answer(blocks, "whole").blocks[0].whole
