"""The entry point: the Typer app (global options over a group that loads each command when it is
used), and before it, for help and the version, the texts rendered ahead (llmdev.fast_help).

Nothing heavy is imported at module level: `llmdev --help` must not pay for Typer.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself costs start-up time
if TYPE_CHECKING:
    import typer


def build_app() -> "typer.Typer":
    import typer

    from llmdev.commands.lazy import LazyGroup
    from llmdev.commands.root import HELP, global_options

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
    app.callback()(global_options)
    return app


def run(args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one line on stderr."""
    import typer

    from llmdev import console
    from llmdev.errors import EXIT_INTERRUPTED, EXIT_USAGE, LlmdevError

    try:  # typer >= 0.20 vendors click
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover
        from click.exceptions import ClickException  # type: ignore[no-redef]

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
    from llmdev.fast_help import answer_ahead
    from llmdev.repo.ahead import start_listing_ahead

    args = sys.argv[1:]
    ready = answer_ahead(args)
    if ready is not None:
        sys.exit(ready.write())
    start_listing_ahead(args)
    sys.exit(run(args))
