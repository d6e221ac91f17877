from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.chat.conversation import PromptTooBig, plan_prompt
from llmdev.chat.session import ChatSession, Turn
from llmdev.tokens import estimate_message_tokens


def small_window(session: ChatSession, tokens: int) -> None:
    session.window_lookup = lambda ref, settings: tokens


def test_files_go_in_the_system_message_in_a_fence_that_holds(session: ChatSession, repo_dir: Path) -> None:
    (repo_dir / "NOTES.md").write_text("Example:\n```python\nprint(1)\n```\n")
    session.files.extend(["src/app.py", "NOTES.md"])
    plan = plan_prompt(session, "what?")
    system = plan.messages[0].content
    assert "File `src/app.py`:\n```py\ndef greet(name):" in system
    assert "File `NOTES.md`:\n````md\nExample:\n```python" in system
    assert plan.files == ["src/app.py", "NOTES.md"]
    assert plan.messages[-1].content == "what?"


def test_the_plan_counts_every_part(session: ChatSession) -> None:
    session.files.append("src/util.py")
    session.turns.append(Turn("q", "a"))
    plan = plan_prompt(session, "why?")
    assert [p.label for p in plan.parts][-3:] == ["src/util.py", "conversation", "question"]
    assert plan.tokens == estimate_message_tokens(m.content for m in plan.messages)


def test_old_turns_are_left_out_to_stay_inside_the_window(session: ChatSession) -> None:
    small_window(session, 2048)
    session.turns.extend(Turn(f"question {n} " + "x" * 1000, "answer " + "y" * 1000) for n in range(10))
    plan = plan_prompt(session, "last")
    assert plan.dropped_turns > 0
    assert plan.tokens + plan.reserved <= 2048
    kept = [m.content for m in plan.messages if m.role == "user"]
    assert kept[-2].startswith("question 9") and kept[-1] == "last"


def test_the_map_is_the_first_thing_to_go(session: ChatSession) -> None:
    small_window(session, 1400)
    assert "repository map" in [p.label for p in plan_prompt(session, "short").parts]
    plan = plan_prompt(session, "q " * 1200)  # most of the room after the reserve
    assert "repository map" not in [p.label for p in plan.parts]
    assert plan.tokens + plan.reserved <= 1400


def test_files_larger_than_the_window_are_an_error_that_says_what_to_do(session: ChatSession, repo_dir: Path) -> None:
    small_window(session, 1024)
    (repo_dir / "big.txt").write_text("word " * 2000)
    session.files.append("big.txt")
    with pytest.raises(PromptTooBig, match="/drop") as caught:
        plan_prompt(session, "summarise")
    assert caught.value.needed > 1024


def test_the_repository_map_is_included_when_it_fits(session: ChatSession) -> None:
    plan = plan_prompt(session, "where is greet?")
    assert "repository map" in [p.label for p in plan.parts]
    assert "src/app.py" in plan.messages[0].content
