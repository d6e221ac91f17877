"""What every command shares: the global state, config loading, the model option."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Optional

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


def check_model(value: str | list[str] | None) -> str | list[str] | None:
    """An empty --model is a mistake (often an unset shell variable), not a request for the default."""
    for name in [value] if isinstance(value, str) else value or []:
        if not name.strip():
            raise typer.BadParameter("is empty: name a model or an alias, e.g. -m local (`llmdev models` lists them)")
    return value


def complete_model(incomplete: str) -> list[str]:
    """Aliases and local models for shell completion (see llmdev.completions)."""
    from llmdev.completions import model_names

    return [name for name in model_names() if name.startswith(incomplete)]


MODEL_METAVAR = "MODEL"  # also how the completion scripts know to complete model names


def model_option(help: str) -> typer.models.OptionInfo:
    """The --model/-m option: checked, and completed with aliases and local models."""
    return typer.Option(None, "--model", "-m", metavar=MODEL_METAVAR, help=help, callback=check_model, autocompletion=complete_model)


LocateMode = Literal["lexical", "model"]
LOCATE_OPTION = typer.Option(
    None,
    "--locate",
    help="How the task's files are found: lexical (llmdev's ranking) or model (the model first picks files from a map of the best-ranked ones; one cached request). Default: [context] locate.",
)


def apply_locate(config: "LoadedConfig", mode: str | None) -> None:
    """--locate overrides [context] locate for this run."""
    if mode is not None:
        config.settings.context.locate = mode


MODEL_OPTION = model_option("Model or alias (overrides config and routing).")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Print exactly what would be sent, and to which model; send nothing.")
ModelOpt = Optional[str]
