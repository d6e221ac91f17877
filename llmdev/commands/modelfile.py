"""`llmdev modelfile`: an Ollama Modelfile for a model tuned to this repository, and an alias for it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from llmdev.commands.common import load

if TYPE_CHECKING:
    from llmdev.repo.discovery import Repository

MARK = "written by `llmdev modelfile`"


def _config_target(root: Path) -> tuple[Path, tuple[str, ...]]:
    """Where the repository's config lives: .llmdev.toml, or pyproject.toml's [tool.llmdev] when only that exists."""
    from llmdev.config.loader import REPO_CONFIG, read_toml

    own = root / REPO_CONFIG
    pyproject = root / "pyproject.toml"
    if not own.is_file() and pyproject.is_file() and isinstance(read_toml(pyproject).get("tool", {}).get("llmdev"), dict):
        return pyproject, ("tool", "llmdev", "aliases")
    return own, ("aliases",)


def _write(path: Path, text: str, force: bool) -> None:
    from llmdev.errors import UsageError

    if path.is_file() and MARK not in path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0] and not force:
        raise UsageError(f"{path} exists and was not written by llmdev", "pass --force to replace it, or --output elsewhere")
    path.write_text(text, encoding="utf-8")


def _shown(repo: "Repository", path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def modelfile(
    ctx: typer.Context,
    base: Optional[str] = typer.Option(None, "--base", help="The Ollama model to build on (default: [modelfile] base, llama3.1:8b)."),
    name: Optional[str] = typer.Option(None, "--name", help="Name of the new Ollama model (default: <repository>-llmdev)."),
    adapter: Optional[Path] = typer.Option(None, "--adapter", help="A fine-tuned adapter (safetensors or GGUF LoRA) to add."),
    num_ctx: Optional[int] = typer.Option(None, "--num-ctx", min=2048, help="Context window (default: sized from the repository)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write it (default: Modelfile in the repository root; - for stdout)."),
    alias: Optional[str] = typer.Option(None, "--alias", help="Alias to register for the model (default: [modelfile] alias, project)."),
    no_alias: bool = typer.Option(False, "--no-alias", help="Do not register an alias."),
    force: bool = typer.Option(False, "--force", help="Replace an existing Modelfile not written by llmdev."),
) -> None:
    """Write a Modelfile for a project model (languages, conventions, review rules, num_ctx), print the
    `ollama create` command, and register an alias for the model in the repository's config."""
    from llmdev import console
    from llmdev.modelfile.profile import profile_repository
    from llmdev.modelfile.render import model_name, render_modelfile
    from llmdev.modelfile.toml_edit import set_alias
    from llmdev.repo.discovery import open_repository

    config = load(ctx)
    repo = open_repository(config.repo_root)
    settings = config.settings.modelfile
    profile = profile_repository(repo, config)
    if num_ctx:
        profile.num_ctx, profile.num_ctx_reason = num_ctx, "set with --num-ctx"
    if adapter is not None and not adapter.exists():
        console.warning(f"the adapter {adapter} does not exist yet; `ollama create` needs it")
    text = render_modelfile(profile, base or settings.base, repo.root, adapter)
    model = name or model_name(profile.name)
    if output is not None and str(output) == "-":
        console.print_text(text)
        return
    path = output or repo.root / "Modelfile"
    _write(path, text, force)
    console.success(f"wrote {path} (num_ctx {profile.num_ctx}; {len(profile.conventions)} convention(s))")
    if not no_alias:
        target, table = _config_target(repo.root)
        set_alias(target, table, alias or settings.alias, f"ollama/{model}")
        console.success(f"alias '{alias or settings.alias}' → ollama/{model} in {target.name}; use it with -m {alias or settings.alias}")
    console.print_out(f"ollama create {model} -f {_shown(repo, path)}\n")


def register(app: typer.Typer) -> None:
    app.command("modelfile")(modelfile)
