from __future__ import annotations

import signal

import pytest

from llmdev.answer import AnswerStream
from llmdev.chat.session import ChatSession
from llmdev.chat.slash import dispatch
from llmdev.chat.turn import ask
from llmdev.tokens import estimate_message_tokens
from tests.servers import OllamaServer, OpenAIServer


class StopAfter(AnswerStream):
    """Presses Ctrl-C (a real SIGINT to this process) once `chunks` chunks have arrived."""

    def __init__(self, chunks: int) -> None:
        super().__init__(markdown=False)
        self.left = chunks

    def __call__(self, chunk: str) -> None:
        super().__call__(chunk)
        self.left -= 1
        if self.left == 0:
            signal.raise_signal(signal.SIGINT)


def test_the_answer_streams_and_the_turn_is_kept(session: ChatSession, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("Use `greet` from **src/app.py**.")
    turn = ask(session, "where is greet?")
    assert turn is not None and turn.answer == "Use `greet` from **src/app.py**."
    assert "Use `greet` from **src/app.py**." in capsys.readouterr().out
    body = use_ollama.last_body()
    assert body["model"] == "llama3.1:8b" and body["stream"] is True
    assert body["messages"][0]["role"] == "system" and "demo" in body["messages"][0]["content"]
    assert body["messages"][-1] == {"role": "user", "content": "where is greet?"}


def test_files_in_context_are_sent_fresh_each_time(session: ChatSession, use_ollama: OllamaServer, repo_dir) -> None:
    dispatch(session, "/add src/util.py")
    ask(session, "explain")
    assert "def parse_number(text):" in use_ollama.last_body()["messages"][0]["content"]
    (repo_dir / "src/util.py").write_text("def parse_number(text):\n    return float(text)\n")
    ask(session, "and now?")
    system = use_ollama.last_body()["messages"][0]["content"]
    assert "return float(text)" in system and "return int(text)" not in system


def test_earlier_turns_go_with_the_next_question(session: ChatSession, use_ollama: OllamaServer) -> None:
    use_ollama.reply("first answer", "second answer")
    ask(session, "first question")
    ask(session, "second question")
    roles = [(m["role"], m["content"]) for m in use_ollama.last_body()["messages"][1:]]
    assert roles == [
        ("user", "first question"),
        ("assistant", "first answer"),
        ("user", "second question"),
    ]


def test_ctrl_c_stops_the_answer_and_keeps_what_arrived(session: ChatSession, use_ollama: OllamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.delay_between = 0.01  # a slow model: the reply is still streaming when Ctrl-C comes
    use_ollama.reply("one two three four five six seven eight nine ten", "next")
    turn = ask(session, "count", sink=lambda: StopAfter(3))
    assert turn is not None and turn.interrupted and turn.answer == "one two three "
    assert "answer stopped" in capsys.readouterr().err
    totals = session.usage["ollama/llama3.1:8b"]
    assert totals.calls == 1 and totals.estimated and totals.output_tokens > 0
    ask(session, "go on")  # the session goes on, with the partial answer in the history
    assert use_ollama.last_body()["messages"][2] == {"role": "assistant", "content": "one two three "}


def test_ctrl_c_before_any_text_keeps_no_turn(session: ChatSession, use_ollama: OllamaServer) -> None:
    class StopAtOnce(AnswerStream):
        def __enter__(self) -> "StopAtOnce":
            signal.raise_signal(signal.SIGINT)
            return self

    assert ask(session, "count", sink=lambda: StopAtOnce(markdown=False)) is None
    assert session.turns == []


def test_usage_is_added_up_per_model(session: ChatSession, use_ollama: OllamaServer) -> None:
    ask(session, "one")
    ask(session, "two")
    totals = session.usage["ollama/llama3.1:8b"]
    assert totals.calls == 2 and totals.input_tokens > 0 and totals.output_tokens > 0 and not totals.estimated


def test_switching_models_keeps_the_conversation(use_openai: OpenAIServer, session: ChatSession, use_ollama: OllamaServer) -> None:
    use_ollama.reply("from llama")
    use_openai.reply("from gpt")
    ask(session, "hello llama")
    dispatch(session, "/model gpt4o")
    ask(session, "hello gpt")
    body = use_openai.last_body()
    assert body["model"] == "gpt-4o"
    assert [m["content"] for m in body["messages"][1:]] == ["hello llama", "from llama", "hello gpt"]
    assert len(use_ollama.model_requests) == 1
    assert set(session.usage) == {"ollama/llama3.1:8b", "openai/gpt-4o"}


def test_history_is_trimmed_to_the_window_and_the_user_is_told(
    use_openai: OpenAIServer, session: ChatSession, capsys: pytest.CaptureFixture[str]
) -> None:
    # The server refuses (400 context_length_exceeded) any prompt over 2,000 of its tokens.
    use_openai.models["small"] = 2000
    use_openai.report_context = True
    use_openai.reply_with(lambda body: "word " * 300)
    dispatch(session, "/model openai/small")
    for number in range(8):
        assert ask(session, f"question {number}: " + "detail " * 100) is not None
        sent = use_openai.last_body()["messages"]
        assert estimate_message_tokens(m["content"] for m in sent) + 2000 // 4 <= 2000  # a quarter kept for the answer
    assert len(session.turns) == 8
    kept = [m["content"] for m in use_openai.last_body()["messages"] if m["role"] == "user"]
    assert kept[-1].startswith("question 7") and not any(k.startswith("question 0") for k in kept)
    assert "oldest of" in capsys.readouterr().err
