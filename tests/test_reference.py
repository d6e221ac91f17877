from __future__ import annotations

from pathlib import Path

from llmdev.reference import current_reference

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_committed_cli_reference_is_current() -> None:
    committed = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    assert committed == current_reference(), "docs/cli.md is stale: run `python -m llmdev.reference docs/cli.md`"


def test_reference_has_every_command_and_subcommand() -> None:
    text = current_reference()
    for heading in ("## llmdev review", "## llmdev hook install", "## llmdev config trust", "## llmdev compare gen"):
        assert heading in text
    assert "Usage: llmdev review [OPTIONS]" in text
