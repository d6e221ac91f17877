"""What every command shares: the global state, config loading, the model option."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import typer

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig


@dataclass
class AppState:
    model: str | None = None
    _config: "LoadedConfig | None" = field(default=None, repr=False)


def state(ctx: typer.Context) -> AppState:
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj


def load(ctx: typer.Context) -> "LoadedConfig":
    """The effective configuration, loaded once per run."""
    app_state = state(ctx)
    if app_state._config is None:
        from llmdev import console
        from llmdev.config.loader import load_config

        app_state._config = load_config()
        for warning in app_state._config.warnings:
            console.warning(warning)
    return app_state._config


def model_flag(ctx: typer.Context, local: str | None = None) -> str | None:
    """A command's own --model wins over the global one."""
    return local or state(ctx).model


MODEL_OPTION = typer.Option(None, "--model", "-m", help="Model or alias (overrides config and routing).")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Print exactly what would be sent, and to which model; send nothing.")
ModelOpt = Optional[str]
