from __future__ import annotations

from llmdev.chat.completion import candidates, prompt_toolkit_completer
from llmdev.chat.session import ChatSession


def texts(session: ChatSession, typed: str) -> list[str]:
    return [c.text for c in candidates(session, typed)]


def test_slash_commands_complete_from_their_start(session: ChatSession) -> None:
    assert texts(session, "/c") == ["/context", "/cost", "/clear"]
    assert texts(session, "/ad") == ["/add "]  # takes an argument: a space follows
    assert texts(session, "/hel") == ["/help"]
    assert texts(session, "/zz") == []


def test_add_completes_repository_files_not_yet_in_context(session: ChatSession) -> None:
    assert texts(session, "/add src/") == ["src/app.py", "src/util.py"]
    session.files.append("src/app.py")
    assert texts(session, "/add src/") == ["src/util.py"]
    assert texts(session, "/add README.md sr") == ["src/util.py"]  # the last word
    assert texts(session, "/add util") == ["src/util.py"]  # by file name
    assert "package-lock.json" not in texts(session, "/add p")  # a file llmdev skips


def test_drop_completes_only_files_in_context(session: ChatSession) -> None:
    session.files.extend(["src/app.py", "README.md"])
    assert texts(session, "/drop ") == ["src/app.py", "README.md"]
    assert texts(session, "/dr R") == ["README.md"]  # a command prefix works too


def test_model_completes_aliases_and_references(session: ChatSession) -> None:
    assert texts(session, "/model gpt") == ["gpt4o", "gpt4o-mini"]
    assert "ollama/llama3.1:8b" in texts(session, "/model oll")


def test_commands_without_an_argument_complete_nothing(session: ChatSession) -> None:
    assert texts(session, "/cost x") == []


def test_symbols_from_the_index_complete_in_a_question(session: ChatSession) -> None:
    found = candidates(session, "why does parse_")
    assert [c.text for c in found] == ["parse_number", "parse_pair"]
    assert found[0].replace == len("parse_") and found[0].meta == "function in src/util.py"
    assert texts(session, "what is greeter") == ["Greeter"]  # case folded after exact matches
    assert texts(session, "is g") == []  # one letter is too short


def test_paths_complete_in_a_question(session: ChatSession) -> None:
    assert texts(session, "look at src/a") == ["src/app.py"]


def test_the_prompt_toolkit_completer_replaces_the_word(session: ChatSession) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    [completion] = list(prompt_toolkit_completer(session).get_completions(Document("explain greet_a"), CompleteEvent()))
    assert completion.text == "greet_all" and completion.start_position == -len("greet_a")
    assert completion.display_meta_text == "method in src/app.py"
