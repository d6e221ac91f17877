from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.backends.base import Message
from llmdev.edits.conversation import EditsFailed, propose_edits
from tests.edits.scratch import write_files


class Scripted:
    """Answers in order and remembers what it was asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[list[Message]] = []

    def __call__(self, messages: list[Message]) -> str:
        self.asked.append(messages)
        return self.answers.pop(0)


def edit(path: str, search: str, replace: str) -> str:
    return f"{path}\n<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE\n"


START = [Message("system", "s"), Message("user", "u")]


def test_failed_block_gets_one_round_of_feedback(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "def add(a, b):\n    return a - b\n", "n.py": "x = 1\n"})
    ask = Scripted(
        edit("n.py", "x = 1", "x = 2") + edit("m.py", "def add(a, b):\n    return a + c", "nope"),
        edit("m.py", "def add(a, b):\n    return a - b", "def add(a, b):\n    return a + b"),
    )
    proposed = propose_edits(ask, START, tmp_path)
    feedback = ask.asked[1][-1].content
    assert "Block 2 (m.py): SEARCH does not match the file" in feedback and "return a - b" in feedback
    assert ask.asked[1][-2].role == "assistant"
    assert {c.path: c.after for c in proposed.plan.changes} == {"n.py": b"x = 2\n", "m.py": b"def add(a, b):\n    return a + b\n"}
    assert proposed.notes == ["1 block(s) failed at first; the model corrected them"]


def test_still_failing_after_feedback_is_a_clear_error(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "a = 1\n"})
    ask = Scripted(edit("m.py", "b = 1", "b = 2"), edit("m.py", "c = 1", "c = 2"))
    with pytest.raises(EditsFailed, match="could not be applied, even after feedback; no file was changed") as caught:
        propose_edits(ask, START, tmp_path)
    assert "SEARCH does not match" in caught.value.failures[0]
    assert (tmp_path / "m.py").read_text() == "a = 1\n"


def test_answer_without_blocks_is_asked_again(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "a = 1\n"})
    ask = Scripted("I would change a.", edit("m.py", "a = 1", "a = 2"))
    assert propose_edits(ask, START, tmp_path).plan.changes[0].after == b"a = 2\n"
    assert "no edit blocks" in ask.asked[1][-1].content


def test_introduced_syntax_error_is_sent_back_once(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "def f():\n    return 1\n"})
    ask = Scripted(edit("m.py", "    return 1", "    return (1"), edit("m.py", "    return (1", "    return (1)"))
    proposed = propose_edits(ask, START, tmp_path)
    assert "m.py:2" in ask.asked[1][-1].content and "return (1" in ask.asked[1][-1].content
    assert proposed.plan.changes[0].after == b"def f():\n    return (1)\n"
    assert proposed.syntax_problems == []


def test_syntax_error_that_remains_is_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "def f():\n    return 1\n"})
    ask = Scripted(edit("m.py", "    return 1", "    return (1"), "Sorry, it is fine.")
    proposed = propose_edits(ask, START, tmp_path)
    assert proposed.syntax_problems and proposed.syntax_problems[0].line == 2
    assert len(ask.asked) == 2


def test_good_blocks_resent_in_the_retry_are_not_applied_twice(tmp_path: Path) -> None:
    write_files(tmp_path, {"m.py": "a = 1\n", "n.py": "b = 1\n"})
    good = edit("n.py", "b = 1", "b = 2")
    ask = Scripted(good + edit("m.py", "a = 9", "a = 2"), good + edit("m.py", "a = 1", "a = 2"))
    proposed = propose_edits(ask, START, tmp_path)
    assert {c.path: c.after for c in proposed.plan.changes} == {"m.py": b"a = 2\n", "n.py": b"b = 2\n"}
