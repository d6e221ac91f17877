from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Callable

import pytest

from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.errors import UsageError
from tests.servers import OllamaServer

PYTHON = shlex.quote(sys.executable)
CHECK = "import sys\nsys.path.insert(0, 'src')\nfrom util import parse_number\n\nassert parse_number('1.5') == 1.5\nprint('ok')\n"
FIX = """`parse_number` in src/util.py uses int(), which rejects '1.5'.

src/util.py
<<<<<<< SEARCH
    return int(text)
=======
    return float(text)
>>>>>>> REPLACE
"""


class Answers:
    """Answers the session's yes/no questions in order, and remembers them."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def confirm(self, question: str) -> bool:
        self.asked.append(question)
        return self.answers.pop(0)


@pytest.fixture
def check(repo_dir: Path) -> str:
    (repo_dir / "check.py").write_text(CHECK)
    return f"/run {PYTHON} check.py"


def test_a_passing_command_shows_its_output(session: ChatSession, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    dispatch(session, f"/run {PYTHON} -c 'print(6 * 7)'")
    captured = capsys.readouterr()
    assert captured.out == "42\n" and "passed" in captured.err
    assert use_ollama.model_requests == []


def test_a_failure_the_user_keeps_to_themselves(session: ChatSession, use_ollama: OllamaServer, check: str, capsys: pytest.CaptureFixture[str]) -> None:
    session.ui = ui = Answers(False)
    dispatch(session, check)
    assert "invalid literal for int()" in capsys.readouterr().out
    assert ui.asked == ["Ask the model to debug this failure?"]
    assert use_ollama.model_requests == [] and session.turns == []


def test_a_failure_diagnosed_fixed_and_run_again(
    session: ChatSession, use_ollama: OllamaServer, check: str, repo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    use_ollama.reply(FIX)
    session.ui = ui = Answers(True, True)
    dispatch(session, check)
    assert ui.asked == ["Ask the model to debug this failure?", "Apply these changes to 1 file(s)?"]
    prompt = str(use_ollama.last_body()["messages"])
    assert "invalid literal for int()" in prompt and "def parse_number(text):" in prompt
    assert "return float(text)" in (repo_dir / "src/util.py").read_text()
    captured = capsys.readouterr()
    assert "uses int(), which rejects '1.5'" in captured.out
    assert "passes now" in captured.err
    [turn] = session.turns
    assert "invalid literal for int()" in turn.question and "uses int()" in turn.answer


def test_a_declined_fix_is_not_written(session: ChatSession, use_ollama: OllamaServer, check: str, repo_dir: Path) -> None:
    use_ollama.reply(FIX)
    session.ui = Answers(True, False)
    dispatch(session, check)
    assert "return int(text)" in (repo_dir / "src/util.py").read_text()
    assert "uses int()" in session.turns[0].answer  # the diagnosis stays in the conversation


def test_run_through_the_keyboard(session: ChatSession, use_ollama: OllamaServer, check: str, repo_dir: Path, keyboard: Callable[..., object]) -> None:
    from llmdev.chat.app import run_chat

    use_ollama.reply(FIX)
    keyboard(f"{check}\ry\ry\r", lambda: run_chat(session))
    assert "return float(text)" in (repo_dir / "src/util.py").read_text()


def test_run_needs_a_command_that_exists(session: ChatSession) -> None:
    with pytest.raises(UsageError, match="needs a command"):
        dispatch(session, "/run")
    with pytest.raises(UsageError, match="command not found"):
        dispatch(session, "/run no-such-program-here")
