"""The Typer app: global options over a group that loads each command when it is used."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from llmdev import __version__, console
from llmdev.commands.common import AppState, model_option
from llmdev.errors import EXIT_INTERRUPTED, EXIT_USAGE, LlmdevError

try:  # typer >= 0.20 vendors click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef]

HELP = """Review, generate and debug code with a local Llama 3 (Ollama) or GPT-4o.

Exit codes: 0 ok, 1 failure (or review findings at --fail-on), 2 usage or
configuration error, 3 model unavailable or failed, 130 interrupted.
"""


def _version(value: bool) -> None:
    if value:
        console.print_out(f"llmdev {__version__}\n")
        raise typer.Exit()


def _global_options(
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


def build_app() -> typer.Typer:
    from llmdev.commands.lazy import LazyGroup

    app = typer.Typer(
        cls=LazyGroup,
        name="llmdev",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: Rich's help renderer costs ~90 ms of start-up
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_global_options)
    return app


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one line on stderr."""
    app = build_app()
    try:
        result = app(args=args, prog_name="llmdev", standalone_mode=False)
        if result == EXIT_INTERRUPTED:  # typer turns Ctrl-C into a silent exit 130
            console.error("interrupted")
        return result if isinstance(result, int) else 0
    except LlmdevError as exc:
        console.error(str(exc))
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else EXIT_USAGE
    except (typer.Abort, KeyboardInterrupt):
        console.error("interrupted")
        return EXIT_INTERRUPTED


def main() -> None:
    sys.exit(run())
