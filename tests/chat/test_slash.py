from __future__ import annotations

import pytest

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import commands, dispatch, find
from llmdev.errors import UsageError

LISTED = ["add", "drop", "context", "map", "model", "diff", "review", "edit", "undo", "run", "cost", "clear", "help"]


def test_every_command_of_the_issue_is_registered() -> None:
    assert set(LISTED) <= set(commands())
    for command in commands().values():
        assert command.usage.startswith("/" + command.name)
        assert command.summary


def test_a_unique_prefix_finds_the_command() -> None:
    assert find("ad").name == "add"
    assert find("con").name == "context"


def test_an_ambiguous_prefix_names_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        find("c")
    assert "/context" in str(caught.value) and "/cost" in str(caught.value) and "/clear" in str(caught.value)


def test_an_unknown_command_points_at_help(session: ChatSession) -> None:
    with pytest.raises(UsageError, match="unknown command /frobnicate.*/help"):
        dispatch(session, "/frobnicate now")


def test_dispatch_passes_the_argument(session: ChatSession) -> None:
    dispatch(session, "/ADD   src/app.py  ")
    assert session.files == ["src/app.py"]
