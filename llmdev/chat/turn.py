"""One question in a session: plan the prompt, stream the answer, remember the turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol

from llmdev import console
from llmdev.backends.base import Usage
from llmdev.chat.conversation import PromptPlan, plan_prompt
from llmdev.chat.session import COMMAND, Turn
from llmdev.tokens import estimate_tokens

if TYPE_CHECKING:
    from types import TracebackType

    from llmdev.calls import PreparedCall
    from llmdev.chat.session import ChatSession


class AnswerSink(Protocol):
    """Receives the streamed answer (llmdev.answer.AnswerStream is one); a context manager."""

    text: str

    def __call__(self, chunk: str) -> None: ...

    def __enter__(self) -> "AnswerSink": ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: "TracebackType | None") -> None: ...


SinkFactory = Callable[[], AnswerSink]


def default_sink() -> AnswerSink:
    from llmdev.answer import AnswerStream

    return AnswerStream()


def ask(session: "ChatSession", question: str, sink: SinkFactory = default_sink) -> Turn | None:
    """Send `question` with the session's context and history; Ctrl-C stops the answer only. When the
    server refuses the prompt as too long, it is fitted to a smaller share of the window (for the rest
    of the session) and sent once more."""
    from llmdev.overflow import shrink_once

    start = session.fit_scale

    def attempt(scale: float) -> Turn | None:
        session.fit_scale = start * scale
        return send(session, question, sink)

    return shrink_once(attempt, "conversation and context")


def send(session: "ChatSession", question: str, sink: SinkFactory) -> Turn | None:
    """One request for `question`; a prompt the server refuses as too long raises `PromptOverflow`."""
    from llmdev.backends.base import ContextOverflow
    from llmdev.calls import default_options, execute, prepare
    from llmdev.overflow import sized

    plan = plan_prompt(session, question)
    report_plan(session, plan)
    prepared = prepare(
        COMMAND,
        plan.messages,
        session.config,
        model_flag=session.model_flag(),
        files=plan.files,
        options=default_options(session.settings),
    )
    for note in prepared.notes:
        console.warning(note)
    stream = sink()
    try:
        with stream:
            result = execute(prepared, session.config, on_text=stream)
    except KeyboardInterrupt:
        return stopped(session, prepared, question, stream.text)
    except ContextOverflow as overflow:
        raise sized(overflow, prepared.estimated_input_tokens) from None
    for warning in result.warnings:
        console.warning(warning)
    turn = Turn(question, result.text)
    session.turns.append(turn)
    return turn


def stopped(session: "ChatSession", prepared: "PreparedCall", question: str, partial: str) -> Turn | None:
    """The user pressed Ctrl-C mid-answer: keep what arrived, count what it probably cost."""
    add_estimate(session, prepared, partial)
    console.warning("answer stopped; the session goes on (Ctrl-D leaves)")
    if not partial.strip():
        return None
    turn = Turn(question, partial, interrupted=True)
    session.turns.append(turn)
    return turn


def add_estimate(session: "ChatSession", prepared: "PreparedCall", partial: str) -> None:
    """A stopped answer reports no usage: count what was sent and what arrived, as estimates."""
    from llmdev.usage.prices import call_cost

    model = str(prepared.model)
    usage = Usage(input_tokens=prepared.estimated_input_tokens, output_tokens=estimate_tokens(partial))
    session.record(model, usage, call_cost(model, prepared.remote, usage, session.settings), estimated=True)


def report_plan(session: "ChatSession", plan: PromptPlan) -> None:
    """Say what did not make it into the prompt; trimming is never silent."""
    for path in plan.unreadable:
        console.warning(f"{path} is left out: it is missing, binary or not UTF-8 (/drop {path})")
    if plan.dropped_turns > session.dropped_reported:
        console.warning(
            f"the conversation outgrew {session.model_ref()}'s {plan.window:,}-token window: "
            f"the {plan.dropped_turns} oldest of {len(session.turns)} turns are left out of the prompt "
            "(/clear starts afresh)"
        )
    session.dropped_reported = plan.dropped_turns
