"""`llmdev completions SHELL`: print a static completion script."""

from __future__ import annotations

import typer

SHELL_HELP = "bash, zsh or fish. Install: llmdev completions bash > ~/.local/share/bash-completion/completions/llmdev"


def completions(ctx: typer.Context, shell: str = typer.Argument(..., help=SHELL_HELP)) -> None:
    """Print a shell completion script (also shipped in completions/)."""
    from llmdev import console
    from llmdev.completions import SHELLS, generate
    from llmdev.errors import UsageError

    if shell not in SHELLS:
        raise UsageError(f"unknown shell '{shell}'", f"choose one of: {', '.join(SHELLS)}")
    console.print_out(generate(shell, ctx.find_root().command))


def register(app: typer.Typer) -> None:
    app.command("completions")(completions)
