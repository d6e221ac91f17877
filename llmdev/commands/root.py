"""The root command's help and its global options (the callback every command runs under)."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev import console
from llmdev.commands.common import AppState, model_option
from llmdev.fast_help import version_line

HELP = """Review, generate and debug code with a local Llama 3 (Ollama) or GPT-4o.

Exit codes: 0 ok, 1 failure (or review findings at --fail-on), 2 usage or
configuration error, 3 model unavailable or failed, 130 interrupted.
"""


def _version(value: bool) -> None:
    if value:
        console.print_out(version_line())
        raise typer.Exit()


def global_options(
    ctx: typer.Context,
    model: Optional[str] = model_option("Model or alias for this run, e.g. ollama/llama3.1:8b, openai/gpt-4o, local."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show more detail on stderr."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors and results."),
    no_color: bool = typer.Option(False, "--no-color", help="No colours (also: NO_COLOR=1)."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    console.configure(quiet=quiet, verbose=verbose, no_color=no_color)
    ctx.obj = AppState(model=model)
