"""`llmdev config`: see where settings come from, find the files, start one."""

from __future__ import annotations

import typer

from llmdev.commands.common import load

config_app = typer.Typer(help="Show, locate and create configuration.", no_args_is_help=True)

STARTER = """\
# llmdev configuration. Layers, later wins: built-in defaults < this file <
# the repository's .llmdev.toml (or [tool.llmdev] in pyproject.toml) < environment < flags.

# The default model: an alias below, or provider/name.
model = "local"

[aliases]
local = "ollama/llama3.1:8b"
gpt4o = "openai/gpt-4o"

# Per-command defaults:
# [commands.review]
# model = "gpt4o"

# An OpenAI-compatible server (vLLM, LM Studio, Azure, a LiteLLM proxy):
# [providers.cluster]
# kind = "openai"
# base_url = "http://gpu-box:8000/v1"
# api_key_env = "CLUSTER_API_KEY"

[request]
timeout = 300
"""


def _flatten(data: object, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(data, dict) and data:
        rows: list[tuple[str, object]] = []
        for key, value in data.items():
            rows.extend(_flatten(value, f"{prefix}{key}."))
        return rows
    return [(prefix.rstrip("."), data)]


@config_app.command("show")
def show(ctx: typer.Context, json_output: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Every effective setting and the layer it came from."""
    import json
    import os

    from llmdev import console
    from llmdev.config.schema import dump

    config = load(ctx)
    rows = [(k, v, config.source_of(k)) for k, v in _flatten(dump(config.settings, drop_none=True))]
    keys = sorted({p.api_key_env for p in config.settings.providers.values() if p.api_key_env})
    secrets = [(f"env {k}", "set" if os.environ.get(k) else "not set", "environment") for k in keys]
    if json_output:
        payload = {k: {"value": v, "source": s} for k, v, s in rows + secrets}
        console.print_json(payload)
        return
    table = console.table("key", "value", "source")
    for key, value, source in rows + secrets:
        table.add_row(key, json.dumps(value) if not isinstance(value, str) else value, source)
    console.print_renderable(table)


@config_app.command("path")
def path(ctx: typer.Context) -> None:
    """The configuration files llmdev reads, in the order they apply."""
    from llmdev import console
    from llmdev.config.loader import REPO_CONFIG, user_config_path

    config = load(ctx)
    user = user_config_path()
    console.print_out(f"user: {user}{'' if user.is_file() else ' (not created)'}\n")
    if config.repo_root is None:
        console.print_out("repository: (not in a git repository)\n")
    else:
        repo = config.repo_root / REPO_CONFIG
        used = [f for f in config.files if f != user]
        shown = used[0] if used else repo
        console.print_out(f"repository: {shown}{'' if used else ' (not created)'}\n")


@config_app.command("init")
def init(
    repo: bool = typer.Option(False, "--repo", help="Write .llmdev.toml in this repository instead of the user file."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write a commented starter configuration."""
    from llmdev import console
    from llmdev.config.loader import REPO_CONFIG, find_repo_root, user_config_path
    from llmdev.errors import UsageError

    if repo:
        root = find_repo_root()
        if root is None:
            raise UsageError("not inside a git repository", "cd into one, or drop --repo to write the user config")
        target = root / REPO_CONFIG
    else:
        target = user_config_path()
    if target.exists() and not force:
        raise UsageError(f"{target} already exists", "edit it, or pass --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(STARTER, encoding="utf-8")
    console.success(f"wrote {target}")


@config_app.command("trust")
def trust_providers() -> None:
    """Let this repository's config declare [providers] (where prompts and keys are sent)."""
    from llmdev import console
    from llmdev.config import trust
    from llmdev.config.loader import find_repo_root, repo_layer
    from llmdev.errors import UsageError

    root = find_repo_root()
    layer = repo_layer(root) if root is not None else None
    providers = layer.data.get("providers") if layer is not None else None
    if root is None or layer is None or not providers:
        raise UsageError("this repository's config declares no [providers]", "there is nothing to trust")
    for name, table in sorted(providers.items()):
        console.info(f"[providers.{name}] {table}")
    trust.trust(root, providers)
    console.success(f"trusted the [providers] of {layer.source}; any change to them withdraws the trust")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")
