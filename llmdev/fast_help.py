"""`--help` and `--version` answered from texts rendered ahead, without building the CLI.

Through Typer, `llmdev --help` costs about twice `import typer`: listing the commands imports every
command module, and a command's help parses the global options, which loads pydantic. The help
texts are rendered ahead into llmdev/help_texts.py (`python -m llmdev.reference`; a test fails
when they are stale) and printed from there when nothing could make the real help differ:
Click would wrap at its default width (a terminal 80 columns or wider), and for the top-level
help, which lists plugins' commands too, no plugin but llmdev's own could add one. Anything
else goes through Typer.
"""

from __future__ import annotations

import os
import sys

WIDTH = 78  # Click's help width on a terminal of 80 columns or more
HELP_FLAGS = ("--help", "-h")
OWN_DISTRIBUTION = "llmdev_cli"  # pyproject's name, normalized as llmdev.entry_points reads it
NO_ARGS_EXIT = 2  # no arguments: the help on stderr, as a usage error (Typer's no_args_is_help)


class Ready:
    """A reply known before the CLI is built."""

    def __init__(self, text: str, to_stderr: bool = False, exit_code: int = 0) -> None:
        self.text = text
        self.to_stderr = to_stderr
        self.exit_code = exit_code

    def write(self) -> int:
        stream = sys.stderr if self.to_stderr else sys.stdout
        stream.write(self.text)
        stream.flush()
        return self.exit_code


def version_line() -> str:
    from llmdev import __version__

    return f"llmdev {__version__}\n"


def terminal_columns() -> int:
    """`shutil.get_terminal_size().columns`, without importing shutil (about 25 ms of start-up)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def click_width() -> int:
    """The width Click wraps help at when nothing sets one (its HelpFormatter's default)."""
    return max(min(terminal_columns(), 80) - 2, 50)


def no_plugin_commands() -> bool:
    """True when no plugin could add a command: every entry point is llmdev's own, none is local."""
    from llmdev.entry_points import entry_points
    from llmdev.plugin_settings import ENTRY_POINT_GROUP, read_plugin_settings

    try:
        if any(e.dist_name.lower().replace("-", "_") != OWN_DISTRIBUTION for e in entry_points(ENTRY_POINT_GROUP)):
            return False
        found = read_plugin_settings()
    except Exception:  # whatever went wrong, Typer's path reports it
        return False
    return not found.user_local and not found.repo_local


def answer_ahead(args: list[str]) -> Ready | None:
    """The reply to `args` when it is a help or version text known ahead, else None."""
    if args == ["--version"]:
        return Ready(version_line())
    if args and args[-1] not in HELP_FLAGS:
        return None
    from llmdev.help_texts import TEXTS

    path = tuple(args[:-1])
    text = TEXTS.get(path)
    if text is None or click_width() != WIDTH or not text.isascii():
        return None  # not a built-in command's help, or wrapped otherwise, or encoded per terminal
    if not path and not no_plugin_commands():
        return None
    return Ready(text + "\n", to_stderr=not args, exit_code=NO_ARGS_EXIT if not args else 0)
