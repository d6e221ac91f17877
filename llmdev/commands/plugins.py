"""`llmdev plugins`: what is loaded, from where, what each provides; trust repository plugins."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import typer

plugins_app = typer.Typer(help="List plugins, and trust the ones a repository ships.", invoke_without_command=True)


@dataclass
class PluginRow:
    name: str
    source: str
    location: str | None
    status: str  # loaded, errors (a hook failed while running), failed (not loaded)
    provides: list[str]
    hooks: list[str]
    problems: list[str]


def _listing() -> list[PluginRow]:
    from llmdev.plugins import capabilities, plugin_state

    state = plugin_state()
    provided = capabilities(state)  # may record hook failures, so read the infos after
    rows = []
    for info in state.plugins:
        status = "failed" if info.error else ("errors" if info.failures else "loaded")
        problems = [info.error] if info.error else list(info.failures)
        rows.append(PluginRow(info.name, info.source, info.location, status, provided.get(info.name, []), info.hooks, problems))
    return rows


@plugins_app.callback()
def plugins(ctx: typer.Context, json_output: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """List loaded plugins: where each comes from and what it provides; and those that failed."""

    from llmdev import console

    if ctx.invoked_subcommand is not None:
        return
    rows = _listing()
    if json_output:
        console.print_json([asdict(row) for row in rows])
        return
    table = console.table("plugin", "from", "provides", "status")
    for row in rows:
        table.add_row(row.name, row.source, ", ".join(row.provides), "\n".join([row.status, *row.problems]))
    console.print_renderable(table)


def _repo_relative(path: str, must_exist: bool = True) -> tuple[Path, str]:
    from llmdev.config.loader import find_repo_root
    from llmdev.errors import UsageError

    root = find_repo_root()
    if root is None:
        raise UsageError("not inside a git repository", "trust applies to plugins a repository names in [plugins] local")
    target = (Path.cwd() / path).resolve()
    if not target.is_relative_to(root):
        raise UsageError(f"{path} is outside the repository {root}", "name a file or folder inside it")
    if must_exist and not target.exists():
        raise UsageError(f"{path} does not exist")
    return root, target.relative_to(root).as_posix()


@plugins_app.command("trust")
def trust(path: str = typer.Argument(..., help="Plugin file or folder inside this repository.")) -> None:
    """Allow a plugin this repository names in [plugins] local to run, as it is now."""
    from llmdev import console
    from llmdev.plugin_trust import trust as record_trust

    root, rel = _repo_relative(path)
    digest = record_trust(root, rel)
    console.success(f"trusted {rel} in {root} (sha256 {digest[:12]})")
    console.info("it runs with your permissions whenever llmdev runs here; any change to it withdraws the trust")


@plugins_app.command("untrust")
def untrust(path: str = typer.Argument(..., help="Plugin file or folder inside this repository.")) -> None:
    """Stop loading a repository plugin trusted before."""
    from llmdev import console
    from llmdev.errors import UsageError
    from llmdev.plugin_trust import untrust as forget

    root, rel = _repo_relative(path, must_exist=False)
    if not forget(root, rel):
        raise UsageError(f"{rel} was not trusted in {root}")
    console.success(f"no longer trusted: {rel}")


def register(app: typer.Typer) -> None:
    app.add_typer(plugins_app, name="plugins")
