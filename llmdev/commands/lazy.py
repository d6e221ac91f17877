"""The top-level command group: built-in commands are imported only when used.

Running `llmdev context` imports the `context` command's module alone, and loads no plugin; the
other modules (and plugins' commands, through the `register_commands` hook) are loaded only when
help lists every command or a name is not a built-in.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

import typer
from typer.core import TyperGroup

from llmdev.commands import BUILTIN_BY_NAME, BUILTIN_COMMANDS, command_name


def plain_help(app: typer.Typer) -> None:
    """Plain (fast) help for an app and all its sub-apps, whoever registered them."""
    app.rich_markup_mode = None
    for group in app.registered_groups:
        if group.typer_instance is not None:
            plain_help(group.typer_instance)


def commands_of(register: Callable[[typer.Typer], Any]) -> dict[str, Any]:
    """The click commands that `register(app)` adds to an empty app."""
    app = typer.Typer(rich_markup_mode=None)
    register(app)
    plain_help(app)
    if not app.registered_commands and not app.registered_groups:
        return {}
    return dict(typer.main.get_group(app).commands)


def _warn(what: str, exc: Exception) -> None:
    from llmdev import console

    console.warning(f"{what} could not be loaded ({type(exc).__name__}: {exc}); skipped")


class LazyGroup(TyperGroup):
    """A click group whose built-in commands come from their modules on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plugin_commands: dict[str, Any] | None = None

    def _builtin(self, name: str) -> Any | None:
        if name not in self.commands:
            module_name = BUILTIN_BY_NAME[name]
            try:
                module = importlib.import_module(f"llmdev.commands.{module_name}")
                self.commands.update(commands_of(module.register))
            except Exception as exc:  # one broken command must not hide the others
                _warn(f"command '{name}'", exc)
                return None
        return self.commands.get(name)

    def _plugins(self) -> dict[str, Any]:
        if self._plugin_commands is None:
            from llmdev.plugins import hook

            try:
                self._plugin_commands = commands_of(lambda app: hook().register_commands(app=app))
            except Exception as exc:
                _warn("plugin commands", exc)
                self._plugin_commands = {}
        return self._plugin_commands

    def list_commands(self, ctx: Any) -> list[str]:
        builtins = [command_name(m) for m in BUILTIN_COMMANDS]
        return builtins + sorted(n for n in self._plugins() if n not in BUILTIN_BY_NAME)

    def get_command(self, ctx: Any, name: str) -> Any | None:
        if name in BUILTIN_BY_NAME:
            return self._builtin(name)
        return self._plugins().get(name)
