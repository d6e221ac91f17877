"""The Typer app: global options, then every command registered through the plugin hooks."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from llmdev import __version__, console
from llmdev.commands.common import AppState
from llmdev.errors import EXIT_INTERRUPTED, EXIT_USAGE, LlmdevError

try:  # typer >= 0.20 vendors click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

HELP = """llmdev: review, generate and debug code with a local Llama 3 (Ollama) or GPT-4o.

Exit codes: 0 ok, 1 failure (or review findings at --fail-on), 2 usage or configuration
error, 3 model unavailable or failed, 130 interrupted.
"""


def _version(value: bool) -> None:
    if value:
        console.print_out(f"llmdev {__version__}\n")
        raise typer.Exit()


def _global_options(
    ctx: typer.Context,
    model: Optional[str] = typer.Option(
        None, "--model", "-m", help="Model or alias for this run, e.g. ollama/llama3.1:8b, openai/gpt-4o, local."
    ),
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
    app = typer.Typer(
        name="llmdev",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_global_options)
    from llmdev.plugins import hook

    hook().register_commands(app=app)
    return app


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one line on stderr."""
    app = build_app()
    try:
        result = app(args=args, prog_name="llmdev", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except LlmdevError as exc:
        console.error(str(exc))
        return exc.exit_code
    except click_exceptions.Exit as exc:
        return exc.exit_code
    except click_exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code if exc.exit_code else EXIT_USAGE
    except (click_exceptions.Abort, KeyboardInterrupt):
        console.error("interrupted")
        return EXIT_INTERRUPTED


def main() -> None:
    sys.exit(run())
