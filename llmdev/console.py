"""The one console wrapper: status on stderr, answers and machine output on stdout."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from rich.console import Console as RichConsole
    from rich.progress import Progress


@dataclass
class ConsoleSettings:
    quiet: bool = False
    verbose: bool = False
    no_color: bool = False


_settings = ConsoleSettings()
_consoles: dict[str, "RichConsole"] = {}


def configure(*, quiet: bool = False, verbose: bool = False, no_color: bool = False) -> None:
    """Set the global output options (from the CLI's global flags)."""
    _settings.quiet = quiet
    _settings.verbose = verbose
    _settings.no_color = no_color or bool(os.environ.get("NO_COLOR"))
    _consoles.clear()


def settings() -> ConsoleSettings:
    return _settings


def _console(stream: str) -> "RichConsole":
    if stream not in _consoles:
        from rich.console import Console

        no_color = _settings.no_color or bool(os.environ.get("NO_COLOR"))
        _consoles[stream] = Console(
            stderr=stream == "err",
            no_color=no_color,
            highlight=False,
            soft_wrap=True,  # one-line messages stay one line, whatever the width
        )
    return _consoles[stream]


def err_console() -> "RichConsole":
    return _console("err")


def out_console() -> "RichConsole":
    return _console("out")


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


# Control characters a terminal would act on (ESC starts colour, title and clipboard sequences) and
# bidirectional overrides that make text read differently from what it is; shown, never sent.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Model- or repository-written text for a terminal: control characters shown as `\\x1b`, not acted on.
    (Rich is handed it as `Text`, never as markup, so `[bold]` stays literal too.)"""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _status(message: str, style: str | None = None) -> None:
    """One status line on stderr, control characters shown (it often quotes file names, config keys
    or model text); under GitHub Actions, fenced when it could act as a workflow command."""
    from llmdev.workflow_commands import fence_lines, needs_fence

    message = printable(message)
    console = err_console()
    fenced = fence_lines(message) if needs_fence(message) else None
    if fenced:
        console.file.write(fenced[0])
        console.file.flush()
    console.print(message, style=style, markup=False)
    if fenced:
        console.file.write(fenced[1])
        console.file.flush()


def info(message: str) -> None:
    if not _settings.quiet:
        _status(message)


def detail(message: str) -> None:
    """Shown only with --verbose."""
    if _settings.verbose and not _settings.quiet:
        _status(message, style="dim")


def success(message: str) -> None:
    if not _settings.quiet:
        _status(f"✓ {message}", style="green")


def warning(message: str) -> None:
    _status(f"warning: {message}", style="yellow")


def error(message: str) -> None:
    _status(f"error: {message}", style="bold red")


def print_out(text: str = "", **kwargs: Any) -> None:
    """Text of llmdev's own on stdout, exactly as given (a version, a script, a name)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def print_text(text: str) -> None:
    """Text on stdout that may hold a model's or the repository's words: under GitHub Actions,
    fenced when a line of it could act as a workflow command."""
    from llmdev.workflow_commands import guard

    print_out(guard(text))


def print_json(data: Any) -> None:
    """Machine-readable output on stdout: JSON that no CI log reads as a workflow command."""
    from llmdev.workflow_commands import dump_json

    print_out(dump_json(data) + "\n")


def print_renderable(renderable: Any, *, stderr: bool = False) -> None:
    """A Rich table, panel or Markdown, on stdout unless stderr is asked for.

    A table written to a pipe or file is printed at its full width: a CI log has no terminal
    to fit, and a cell cut to "sk…" loses data.
    """
    from llmdev.workflow_commands import guard, in_github_actions

    target = err_console() if stderr else out_console()
    if not in_github_actions():
        _print_fitted(target, renderable)
        return
    with target.capture() as captured:  # it may show model or repository text: a CI log must not act on it
        _print_fitted(target, renderable)
    target.file.write(guard(captured.get()))
    target.file.flush()


def _print_fitted(target: "RichConsole", renderable: Any) -> None:
    if target.is_terminal or not _is_table(renderable):
        target.print(renderable)
        return
    from rich.measure import Measurement

    natural = Measurement.get(target, target.options.update_width(_UNBOUNDED), renderable).maximum
    width = target.width
    target.width = max(width, natural)
    try:
        target.print(renderable)
    finally:
        target.width = width


_UNBOUNDED = 1_000_000


def _is_table(renderable: Any) -> bool:
    from rich.table import Table

    return isinstance(renderable, Table)


def plain(text: str) -> Any:
    """A table cell shown as it is: repository or model text is never read as Rich markup, and its
    control characters are shown, not sent."""
    from rich.text import Text

    return Text(printable(text))


def table(*columns: str, title: str | None = None) -> Any:
    from rich.table import Table

    t = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        t.add_column(column)
    return t


@contextmanager
def spinner(message: str) -> Iterator[None]:
    """A spinner on stderr while waiting; silent when quiet or not a terminal."""
    if _settings.quiet or not sys.stderr.isatty():
        yield
        return
    with err_console().status(message):
        yield


class ProgressHandle:
    """What a long job reports its progress through."""

    def __init__(self, bar: "Progress | None", task_id: Any, *, rate: bool = False) -> None:
        self._bar = bar
        self._task_id = task_id
        self._rate = rate

    def advance(self, amount: float = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task_id, amount)
            if self._rate:
                speed = self._bar.tasks[self._task_id].speed  # a moving average, as the time left uses
                self._bar.update(self._task_id, rate=f"{speed:,.0f}" if speed else "…")

    def set_total(self, total: float | None) -> None:
        if self._bar is not None:
            self._bar.update(self._task_id, total=total)

    def describe(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task_id, description=description)


@contextmanager
def progress(description: str, total: float | None = None, *, unit: str | None = None, completed: float = 0) -> Iterator[ProgressHandle]:
    """A progress bar on stderr; a no-op when quiet. With a `unit` ("files"), the rate per
    second and the time left are shown too; `completed` is the work done before the bar appeared."""
    if _settings.quiet:
        yield ProgressHandle(None, None)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if unit:
        rate = TextColumn(f"{{task.fields[rate]}} {unit}/s", markup=False)
        columns[3:3] = [rate, TextColumn("ETA"), TimeRemainingColumn()]
    bar = Progress(*columns, console=err_console(), transient=True)
    with bar:
        task_id = bar.add_task(description, total=total, completed=completed, rate="…")
        yield ProgressHandle(bar, task_id, rate=bool(unit))
