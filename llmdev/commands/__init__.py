"""Built-in commands, registered through the same `register_commands` hook as plugins' commands."""

from __future__ import annotations

import importlib
from typing import Any

from llmdev.hookspecs import hookimpl

# Each module has `register(app)`; listed in the order `llmdev --help` shows them.
BUILTIN_COMMANDS = (
    "ask",
    "chat",
    "review",
    "gen",
    "undo",
    "debug",
    "explain",
    "hook",
    "commit_msg",
    "models",
    "doctor",
    "index",
    "map",
    "context",
    "usage",
    "plugins",
    "config",
    "completions",
)


@hookimpl
def register_commands(app: Any) -> None:
    for name in BUILTIN_COMMANDS:
        importlib.import_module(f"llmdev.commands.{name}").register(app)
