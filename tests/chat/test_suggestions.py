"""The files the model is told about but not shown: in the prompt, in /context, for /add NUMBER and Tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.chat.completion import candidates
from llmdev.chat.conversation import plan_prompt
from llmdev.chat.session import ChatSession, Turn
from llmdev.chat.slash import dispatch
from llmdev.errors import UsageError
from llmdev.provenance import fenced_pieces


def test_the_prompt_lists_ranked_files_not_in_context_each_in_a_fence(session: ChatSession) -> None:
    session.files.append("src/app.py")
    plan = plan_prompt(session, "why does parse_pair fail on a number?")
    system = plan.messages[0].content
    listed = [p for p in fenced_pieces(system) if p.kind == "map" and p.path]
    assert listed and listed[0].path == "src/util.py"
    line = system[listed[0].start : listed[0].end].splitlines()[1]
    assert line.startswith("src/util.py: ") and set(line.split(": ")[1].split(", ")) == {"parse_pair", "parse_number"}
    assert "src/app.py" not in [p.path for p in listed]  # already shown whole
    assert "/add PATH" in system
    labels = [part.label for part in plan.parts]
    assert f"other files, by name ({len(listed)})" in labels
    assert plan.tokens == sum(part.tokens for part in plan.parts)


def test_context_numbers_them_and_add_takes_a_number(session: ChatSession, capsys: pytest.CaptureFixture[str]) -> None:
    session.turns.append(Turn("why does parse_pair fail?", "no idea"))
    dispatch(session, "/context")
    out = capsys.readouterr().out
    assert "other files the model is told about" in out and "1 " in out and "src/util.py" in out
    first = session.suggested[0].path
    assert first == "src/util.py"
    dispatch(session, "/add 1")
    assert session.files == ["src/util.py"]
    with pytest.raises(UsageError, match="no suggested file number 99"):
        dispatch(session, "/add 99")


def test_a_file_named_like_a_number_is_added_with_a_dot(session: ChatSession, repo_dir: Path) -> None:
    from tests.chat.support import git

    (repo_dir / "7").write_text("seven\n")
    git(repo_dir, "add", "7")
    dispatch(session, "/add ./7")
    assert session.files == ["7"]


def test_tab_offers_the_suggested_files_first_and_completes_a_number(session: ChatSession) -> None:
    session.turns.append(Turn("why does parse_pair fail?", "no idea"))
    found = candidates(session, "/add ")
    assert found[0].text == "src/util.py" and found[0].meta.startswith("#1 parse_pair")
    assert [c.text for c in candidates(session, "/add 1")] == ["src/util.py"]
    assert candidates(session, "/add 42") == []
    assert [c.text for c in candidates(session, "/diff ")][:1] != []  # other commands complete as before


def test_private_files_are_never_suggested(session: ChatSession, repo_dir: Path, isolated_env: Path) -> None:
    from llmdev.config.loader import load_config
    from tests.chat.support import git

    for folder in ("vault", "open"):  # the same code, private in one place only
        (repo_dir / folder).mkdir()
        (repo_dir / folder / "parse_keys.py").write_text("def parse_pair_secret():\n    return 'parse pair'\n")
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-qm", "keys")
    (isolated_env / "config" / "config.toml").write_text('[privacy]\npaths = ["vault/"]\n')
    session.config = load_config()
    plan = plan_prompt(session, "parse pair secret")
    assert "vault/" not in plan.messages[0].content
    assert "open/parse_keys.py" in [line.path for line in session.suggested]
    assert all(not line.path.startswith("vault/") for line in session.suggested)
