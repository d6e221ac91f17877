"""`llmdev completions SHELL`: print a static completion script."""

from __future__ import annotations

from typing import Literal, Optional

import typer

SHELL_HELP = "Install: llmdev completions bash > ~/.local/share/bash-completion/completions/llmdev"
Shell = Literal["bash", "zsh", "fish"]  # llmdev.completions.SHELLS, spelled out to keep it off start-up


def completions(
    ctx: typer.Context,
    shell: Optional[Shell] = typer.Argument(None, help=SHELL_HELP),
    list_models: bool = typer.Option(False, "--list-models", hidden=True, help="Print model names (used by the scripts)."),
) -> None:
    """Print a shell completion script (also shipped in completions/)."""
    from llmdev import console
    from llmdev.completions import generate, model_names
    from llmdev.errors import UsageError

    if list_models:
        console.print_out("".join(f"{name}\n" for name in model_names()))
        return
    if shell is None:
        raise UsageError("name the shell", "llmdev completions bash, zsh or fish")
    console.print_out(generate(shell, ctx.find_root().command))


def register(app: typer.Typer) -> None:
    app.command("completions")(completions)
