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
    "compare",
    "eval",
    "dataset",
    "modelfile",
    "plugins",
    "config",
    "completions",
)


@hookimpl
def register_commands(app: Any) -> None:
    for name in BUILTIN_COMMANDS:
        try:
            module = importlib.import_module(f"llmdev.commands.{name}")
        except Exception as exc:  # one broken command must not hide the others
            from llmdev import console

            console.warning(f"command '{name}' could not be loaded ({type(exc).__name__}: {exc}); skipped")
            continue
        module.register(app)
