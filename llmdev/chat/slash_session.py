"""Slash commands about the session itself: /model, /cost, /clear, /help, /exit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev import console
from llmdev.chat.slash import commands, slash

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession


@slash("model", "/model [NAME]", "switch the model (an alias or provider/name); without NAME, show it", "models")
def model(session: "ChatSession", argument: str) -> None:
    if not argument:
        console.print_out(f"{session.model_ref()} ({describe_window(session)})\n")
        return
    ref = session.switch_model(argument)
    console.success(f"now using {ref} ({describe_window(session)}); the conversation is kept")


def describe_window(session: "ChatSession") -> str:
    known = session.known_window()
    return f"{known:,}-token window" if known else f"window unknown, assuming {session.window():,} tokens"


def format_cost(cost: float | None) -> str:
    return "unknown" if cost is None else f"${cost:.4f}"


@slash("cost", "/cost", "tokens and cost of this session so far, per model")
def cost(session: "ChatSession", argument: str) -> None:
    if not session.usage:
        console.print_out("no model calls yet\n")
        return
    table = console.table("model", "calls", "input tokens", "output tokens", "cost")
    for name, totals in session.usage.items():
        mark = "~" if totals.estimated else ""
        table.add_row(
            name, str(totals.calls), f"{mark}{totals.input_tokens:,}", f"{mark}{totals.output_tokens:,}", format_cost(totals.cost)
        )
    console.print_renderable(table)
    console.print_out(f"session total: {format_cost(session.total_cost())}\n")
    if any(t.estimated for t in session.usage.values()):
        console.info("~ marks estimates: a stopped answer reports no usage")


@slash("clear", "/clear", "forget the conversation (files stay in context)")
def clear(session: "ChatSession", argument: str) -> None:
    count = len(session.turns)
    session.turns.clear()
    session.dropped_reported = 0
    console.success(f"forgot {count} turn{'s' if count != 1 else ''}")


@slash("help", "/help", "list the commands and keys")
def help_(session: "ChatSession", argument: str) -> None:
    table = console.table("command", "what it does")
    for command in commands().values():
        table.add_row(command.usage, command.summary)
    console.print_renderable(table)
    submit, newline = ("Enter", "Alt-Enter (or Esc Enter)")
    if session.settings.chat.submit == "alt-enter":
        submit, newline = newline, submit
    console.print_out(
        f"{submit} sends, {newline} adds a line; Tab completes commands, paths and symbols; "
        "Ctrl-C stops an answer or clears the line; Ctrl-D leaves. Start with // to send a line that begins with /.\n"
    )


@slash("exit", "/exit", "leave the session (or Ctrl-D)")
def exit_(session: "ChatSession", argument: str) -> None:
    session.done = True
