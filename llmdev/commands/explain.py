"""`llmdev explain PATH[:SYMBOL]`: explain a file or one of its definitions, with its context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.code.index import CodeIndex
    from llmdev.config.loader import LoadedConfig
    from llmdev.edits.generate import ModelCaller
    from llmdev.repo.discovery import Repository


@dataclass
class ExplainRequest:
    """The explanation of one target, its context built within the `[gen]` budgets times a scale."""

    repo: "Repository"
    config: "LoadedConfig"
    flag: str | None
    index: "CodeIndex"
    path: str
    symbol: str | None
    messages: list["Message"] = field(default_factory=list)  # the last prompt prepared
    caller: "ModelCaller | None" = None

    def prepare(self, scale: float) -> "ModelCaller":
        from llmdev import console
        from llmdev.context.repomap import render_map
        from llmdev.debug.explain import gather_explain_context
        from llmdev.edits.generate import ModelCaller
        from llmdev.prompting import build_messages
        from llmdev.provenance import fence, fence_rows
        from llmdev.tokens import CHARS_PER_TOKEN

        settings = self.config.settings.gen
        context = gather_explain_context(self.repo, self.index, self.path, self.symbol, int(settings.context_tokens * scale * CHARS_PER_TOKEN))
        if context.truncated:
            console.warning(f"{context.target} is long; only its first {len(context.code.lines)} lines are sent")
        map_tokens = int(settings.map_tokens * scale)
        focus = self.symbol or self.path
        repo_map = render_map(self.repo, budget=map_tokens, focus=[self.path], query=focus, index=self.index) if map_tokens else ""
        self.messages = build_messages(
            "explain",
            self.repo.root,
            target=context.target,
            code=fence("code", context.code.render(), context.path),
            usages=fence_rows("caller", context.usages) or "(none found)",
            related="\n\n".join(fence("definition", r.render(), r.path) for r in context.related) or "(none)",
            repo_map=fence("map", repo_map) if repo_map else "(none)",
        )
        if self.caller is None:
            self.caller = ModelCaller("explain", self.config, self.flag, context.files)
        self.caller.files = context.files  # one caller, so its notes are shown once however often it asks
        return self.caller

    def send(self, scale: float) -> None:
        """Stream the explanation to stdout; a prompt the server refuses as too long raises `PromptOverflow`."""
        from llmdev import console
        from llmdev.answer import AnswerStream, require_answer
        from llmdev.backends.base import ContextOverflow
        from llmdev.calls import execute
        from llmdev.overflow import sized

        prepared = self.prepare(scale).prepare(self.messages)
        try:
            with AnswerStream() as stream:
                result = execute(prepared, self.config, on_text=stream)
        except ContextOverflow as overflow:
            raise sized(overflow, prepared.estimated_input_tokens) from None
        for warning in result.warnings:
            console.warning(warning)
        require_answer(result)


def explain(
    ctx: typer.Context,
    target: str = typer.Argument(..., help="A file, or FILE:SYMBOL such as src/cart.py:Cart.total."),
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
) -> None:
    """Explain a file or a symbol: what it does, who uses it, what it relies on."""
    from llmdev.code.index import load_index
    from llmdev.debug.explain import split_target
    from llmdev.overflow import shrink_once
    from llmdev.repo.discovery import open_repository

    repo = open_repository()
    config = load(ctx)
    spec_path, symbol = split_target(target)
    path = repo.relative(spec_path)
    request = ExplainRequest(repo, config, model_flag(ctx, model), load_index(repo, show_progress=False, settings=config.settings), path, symbol)
    if dry_run:
        request.prepare(1.0).print_dry_run(request.messages)
        return
    shrink_once(request.send, "code, callers and repository map")


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
