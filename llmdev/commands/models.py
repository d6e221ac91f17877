"""`llmdev models`: what can be used now, and `llmdev models pull NAME`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from llmdev.commands.common import load

if TYPE_CHECKING:
    from llmdev.backends.ollama import PullProgress
    from llmdev.console import ProgressHandle

models_app = typer.Typer(help="List models (aliases, what Ollama has, configured remote models); pull one.")


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context, json_output: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List models, each with whether it is usable now and why not."""
    if ctx.invoked_subcommand is not None:
        return
    from dataclasses import asdict

    from llmdev import console
    from llmdev.backends.inventory import model_statuses

    statuses = model_statuses(load(ctx).settings)
    if json_output:
        console.print_json([asdict(s) for s in statuses])
        return
    from rich.text import Text  # cells are data: `[providers.x]` must show, not be read as markup

    table = console.table("model", "aliases", "usable", "notes")
    for status in statuses:
        aliases = ", ".join(status.aliases) + (" (default)" if status.default else "")
        table.add_row(*(Text(cell) for cell in (status.model, aliases, "yes" if status.usable else "no", status.why)))
    console.print_renderable(table)


@models_app.command("pull")
def pull(ctx: typer.Context, name: str = typer.Argument(..., help="An Ollama model, e.g. llama3.1:8b, or an alias.")) -> None:
    """Download a model into Ollama, with a progress bar."""
    from llmdev import console
    from llmdev.backends.inventory import pull_target
    from llmdev.backends.registry import get_backend
    from llmdev.errors import UsageError

    settings = load(ctx).settings
    ref = pull_target(name, settings)
    backend = get_backend(ref.provider, settings)
    if not hasattr(backend, "pull"):
        raise UsageError(f"the {ref.provider} backend cannot pull models", "pull it on the server itself")
    with console.progress(f"pulling {ref.name}") as bar:
        backend.pull(ref.name, PullBar(bar))
    console.success(f"pulled {ref}")


class PullBar:
    """Turns Ollama's per-layer (completed, total) lines into one growing progress bar."""

    def __init__(self, bar: "ProgressHandle") -> None:
        self.bar = bar
        self.total = 0
        self.done: dict[str, int] = {}  # layer digest -> bytes completed so far

    def __call__(self, line: "PullProgress") -> None:
        self.bar.describe(line.status)
        if not line.digest or not line.total:
            return
        if line.digest not in self.done:
            self.done[line.digest] = 0
            self.total += line.total
            self.bar.set_total(self.total)
        completed = line.completed or 0
        self.bar.advance(max(0, completed - self.done[line.digest]))
        self.done[line.digest] = max(self.done[line.digest], completed)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
