"""The slash-command registry: one small function per command, found by name."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal

from llmdev.errors import UsageError

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession

# What a command's argument completes to (see completion.py).
ArgumentKind = Literal["none", "repo-files", "suggested-files", "context-files", "models", "text"]
Handler = Callable[["ChatSession", str], None]

# Modules whose @slash functions make up the built-in commands, in the order /help lists them.
COMMAND_MODULES = ("llmdev.chat.slash_context", "llmdev.chat.slash_code", "llmdev.chat.slash_session")


@dataclass(frozen=True)
class SlashCommand:
    name: str  # without the slash
    usage: str  # e.g. "/add PATH..."
    summary: str
    run: Handler
    argument: ArgumentKind = "none"


_registry: dict[str, SlashCommand] = {}


def slash(name: str, usage: str, summary: str, argument: ArgumentKind = "none") -> Callable[[Handler], Handler]:
    """Register the decorated function as `/name`."""

    def register(function: Handler) -> Handler:
        _registry[name] = SlashCommand(name, usage, summary, function, argument)
        return function

    return register


def commands() -> dict[str, SlashCommand]:
    """Every slash command by name (importing the modules that define them, once)."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    return _registry


def find(name: str) -> SlashCommand:
    """The command called `name`, or the only one it is a prefix of (/ad -> /add)."""
    known = commands()
    if name in known:
        return known[name]
    matches = [command for key, command in known.items() if key.startswith(name)]
    if len(matches) == 1 and name:
        return matches[0]
    hint = f"did you mean {', '.join('/' + c.name for c in matches)}?" if matches else "/help lists the commands"
    raise UsageError(f"unknown command /{name}", hint)


def dispatch(session: "ChatSession", line: str) -> None:
    """Run one `/command argument` line."""
    name, _, argument = line.strip()[1:].partition(" ")
    find(name.lower()).run(session, argument.strip())
