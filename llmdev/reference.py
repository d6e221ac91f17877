"""docs/cli.md: every command's help, generated from the CLI (a test fails when it is stale)."""

from __future__ import annotations

from typing import Any, Iterator

WIDTH = 100


def _context(command: Any, name: str, parent: Any = None) -> Any:
    ctx = command.make_context(name, [], parent=parent, resilient_parsing=True)
    ctx.max_content_width = ctx.terminal_width = WIDTH  # the same text whatever the terminal
    return ctx


def _walk(command: Any, ctx: Any) -> Iterator[tuple[Any, Any]]:
    """(command, context) for the command and, depth first, every visible subcommand."""
    yield command, ctx
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from _walk(sub, _context(sub, name, ctx))


def render_reference(root: Any) -> str:
    """Markdown with one section per command: its `--help` as the CLI prints it."""
    parts = ["# llmdev command reference", "", "Generated from the CLI by `python -m llmdev.reference docs/cli.md`; do not edit.", ""]
    for command, ctx in _walk(root, _context(root, "llmdev")):
        parts += [f"## {ctx.command_path}", "", "```text", command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(parts)


def current_reference() -> str:
    import typer

    from llmdev.cli import build_app

    return render_reference(typer.main.get_command(build_app()))


if __name__ == "__main__":  # python -m llmdev.reference docs/cli.md
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/cli.md")
    target.write_text(current_reference(), encoding="utf-8")
    print(f"wrote {target}")
