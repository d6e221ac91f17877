"""`llmdev doctor`: is everything in place to talk to the models? Each failure comes with its fix."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev.commands.common import MODEL_OPTION, load, model_flag


def doctor(
    ctx: typer.Context,
    model: Optional[str] = MODEL_OPTION,
    every_alias: bool = typer.Option(False, "--all", help="Also check every alias."),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Check configuration, servers, models, context windows and keys; exit 1 if anything fails."""
    from dataclasses import asdict

    from llmdev import console
    from llmdev.backends import health
    from llmdev.errors import ConfigError

    try:
        config = load(ctx)
    except ConfigError as exc:
        checks = [health.config_check(None, exc)]
    else:
        references = health.models_to_check(config.settings, model_flag(ctx, model), every_alias)
        checks = [health.config_check(config), *health.plugin_checks(), *health.model_checks(config.settings, references)]
    if json_output:
        console.print_json([asdict(c) for c in checks])
    else:
        from rich.text import Text  # cells are data: `[providers.x]` must show, not be read as markup

        table = console.table("check", "ok", "detail", "fix")
        for check in checks:
            table.add_row(*(Text(cell) for cell in (check.name, "✓" if check.ok else "✗", check.detail, check.fix or "")))
        console.print_renderable(table)
    failed = sum(not c.ok for c in checks)
    if failed:
        console.error(f"{failed} check{'s' if failed > 1 else ''} failed; see the fix column")
        raise typer.Exit(1)
    console.success("all checks passed")


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
