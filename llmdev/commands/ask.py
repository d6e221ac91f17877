"""`llmdev ask`: one question, answer streamed."""

from __future__ import annotations

from typing import Optional

import typer

from llmdev.commands.common import DRY_RUN_OPTION, MODEL_OPTION, load, model_flag


def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="The question. Use - to read it from stdin."),
    model: Optional[str] = MODEL_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    temperature: Optional[float] = typer.Option(None, min=0, max=2, help="Sampling temperature."),
    seed: Optional[int] = typer.Option(None, help="Seed for reproducible sampling."),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", min=1, help="Most output tokens."),
) -> None:
    """Ask the model one question; the answer streams to stdout."""
    from llmdev import console
    from llmdev.answer import AnswerStream, require_answer
    from llmdev.calls import default_options, describe_dry_run, execute, prepare
    from llmdev.errors import UsageError
    from llmdev.prompting import build_messages

    if question == "-":
        import sys

        question = sys.stdin.read()
    if not question.strip():
        raise UsageError("the question is empty", 'ask something: llmdev ask "why does this test fail?"')
    config = load(ctx)
    messages = build_messages("ask", config.repo_root, question=question.strip())
    options = default_options(config.settings, temperature=temperature, seed=seed, max_output_tokens=max_tokens)
    prepared = prepare("ask", messages, config, model_flag=model_flag(ctx, model), options=options)
    for note in prepared.notes:
        console.warning(note)
    if dry_run:
        console.print_json(describe_dry_run(prepared))
        return
    console.detail(f"asking {prepared.model} (~{prepared.estimated_input_tokens} tokens)")
    with AnswerStream() as stream:
        result = execute(prepared, config, on_text=stream)
    for warning in result.warnings:
        console.warning(warning)
    require_answer(result)
    usage = result.usage
    console.detail(f"{result.model}: {usage.input_tokens} in, {usage.output_tokens} out, {usage.duration_s:.2f}s")


def register(app: typer.Typer) -> None:
    app.command("ask")(ask)
