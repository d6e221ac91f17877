"""Built-in commands: one module each, imported only when its command runs or help lists it."""

from __future__ import annotations

# Each module has `register(app)` adding one command named like the module (`_` -> `-`);
# listed in the order `llmdev --help` shows them.
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




def command_name(module: str) -> str:
    return module.replace("_", "-")


BUILTIN_BY_NAME = {command_name(m): m for m in BUILTIN_COMMANDS}
