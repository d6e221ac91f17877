"""The prompt-toolkit loop: read a line, run a slash command or ask the model, repeat.

Keys (with the default `[chat] submit = "enter"`): Enter sends, Alt-Enter or Esc Enter adds a
line (pasted text keeps its lines); Tab completes; Ctrl-C stops an answer or clears the line;
Ctrl-D on an empty line leaves. With `submit = "alt-enter"` the two Enter keys swap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from llmdev import console
from llmdev.chat.slash import dispatch
from llmdev.chat.toolbar import refresh, toolbar_text
from llmdev.chat.turn import SinkFactory, ask, default_sink
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.completion import Completer
    from prompt_toolkit.key_binding import KeyBindings

    from llmdev.chat.session import ChatSession
    from llmdev.repo.discovery import Repository

PROMPT = "> "
CONTINUATION = ". "


def history_path(repo: "Repository") -> Path:
    """Typed input is kept per repository, next to git's own data (shared by its worktrees)."""
    return repo.common_dir / "llmdev" / "chat-history"


class PromptInteraction:
    """Asks yes/no questions on the same terminal (or pipe) as the session."""

    def confirm(self, question: str) -> bool:
        from prompt_toolkit import PromptSession

        try:
            answer = PromptSession().prompt(f"{question} [y/N] ")
        except (KeyboardInterrupt, EOFError):
            return False
        return answer.strip().lower() in ("y", "yes")


def handle_input(session: "ChatSession", text: str, sink: SinkFactory = default_sink) -> None:
    """One line from the user: a slash command or a question. Errors are shown, never fatal."""
    text = text.strip()
    if not text:
        return
    try:
        if text.startswith("/") and not text.startswith("//"):
            dispatch(session, text)
        else:
            ask(session, text[1:] if text.startswith("//") else text, sink)  # "//" sends a leading "/"
    except LlmdevError as exc:
        console.error(str(exc))
    except KeyboardInterrupt:
        console.warning("stopped")
    refresh(session)


def run_chat(session: "ChatSession", sink: SinkFactory = default_sink) -> None:
    """Read and handle input until Ctrl-D or /exit."""
    prompt = build_prompt(session)
    session.ui = PromptInteraction()
    refresh(session)
    console.info(f"llmdev chat in {session.repo.root.name} with {session.model_ref()} — /help lists commands, Ctrl-D leaves")
    while not session.done:
        try:
            text = prompt.prompt(PROMPT)
        except KeyboardInterrupt:
            continue  # Ctrl-C at the prompt clears the line
        except EOFError:
            break
        handle_input(session, text, sink)


def build_prompt(session: "ChatSession") -> "PromptSession[str]":
    from prompt_toolkit import PromptSession
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.history import FileHistory, History, InMemoryHistory

    from llmdev.chat.completion import prompt_toolkit_completer

    history: History = InMemoryHistory()
    if session.settings.chat.history:
        path = history_path(session.repo)
        path.parent.mkdir(parents=True, exist_ok=True)
        history = FileHistory(str(path))
    completer = prompt_toolkit_completer(session)
    return PromptSession(
        multiline=True,
        key_bindings=key_bindings(session.settings.chat.submit, completer),
        completer=completer,
        # Slash commands complete as you type (cheap); symbols and paths in questions on Tab.
        complete_while_typing=Condition(_typing_command),
        bottom_toolbar=lambda: toolbar_text(session),
        history=history,
        prompt_continuation=CONTINUATION,
    )


def _typing_command() -> bool:
    from prompt_toolkit.application import get_app

    return get_app().current_buffer.text.startswith("/")


def key_bindings(submit: str, completer: "Completer") -> "KeyBindings":
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    send_keys, newline_keys = (("enter",), ("escape", "enter"))
    if submit == "alt-enter":
        send_keys, newline_keys = newline_keys, send_keys

    @bindings.add(*send_keys)
    def _send(event: object) -> None:
        buffer = event.current_buffer  # type: ignore[attr-defined]
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.complete_state = None  # Enter on a highlighted completion takes it
            return
        buffer.validate_and_handle()

    @bindings.add(*newline_keys)
    def _newline(event: object) -> None:
        event.current_buffer.insert_text("\n")  # type: ignore[attr-defined]

    @bindings.add("tab")
    def _complete(event: object) -> None:
        complete_now(event.current_buffer, completer)  # type: ignore[attr-defined]

    return bindings


def complete_now(buffer: "Buffer", completer: "Completer") -> None:
    """Tab: insert the only completion or the common part at once; otherwise open the menu."""
    from prompt_toolkit.completion import CompleteEvent, get_common_complete_suffix

    state = buffer.complete_state
    if state is not None and state.current_completion is not None:
        buffer.complete_next()
        return
    found = list(completer.get_completions(buffer.document, CompleteEvent(completion_requested=True)))
    if len(found) == 1:
        buffer.apply_completion(found[0])
        return
    common = get_common_complete_suffix(buffer.document, found) if found else ""
    if common:
        buffer.complete_state = None
        buffer.insert_text(common)
    elif found:
        buffer.start_completion(select_first=True)
