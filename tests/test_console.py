from __future__ import annotations

import io
import subprocess
import sys

import pytest

from llmdev import console

LONG = "ollama/llama3.1:8b-instruct-q4_K_M-with-a-long-tag"


def _table() -> object:
    table = console.table("model", "task", "error", "score")
    table.add_row(LONG, "review-finding-in-the-staged-change", "skipped: the model answered nothing usable", "0.55")
    return table


def test_a_piped_table_is_printed_whole_at_its_natural_width(capsys: pytest.CaptureFixture[str]) -> None:
    console.print_renderable(_table())
    out = capsys.readouterr().out
    assert "…" not in out
    assert LONG in out and "skipped: the model answered nothing usable" in out
    assert max(len(line) for line in out.splitlines()) > 100  # wider than COLUMNS, one row per line
    assert len(out.splitlines()) == 5


def test_a_table_on_a_terminal_still_fits_the_terminal() -> None:
    from rich.console import Console

    terminal = Console(width=60, force_terminal=True, no_color=True, record=True, file=io.StringIO())
    console._consoles["out"] = terminal
    console.print_renderable(_table())
    assert max(len(line) for line in terminal.export_text().splitlines()) <= 60


def test_cli_tables_are_not_cut_in_a_pipe(tmp_path) -> None:
    env = {"COLUMNS": "40", "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LLMDEV_CONFIG_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "llmdev", "config", "show"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout and "ollama/llama3.1:8b" in done.stdout


def test_a_progress_bar_with_a_unit_shows_the_rate_and_the_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    terminal = Console(width=120, force_terminal=True, no_color=True, record=True, file=io.StringIO())
    monkeypatch.setitem(console._consoles, "err", terminal)
    monkeypatch.setattr(console._settings, "quiet", False)
    with console.progress("indexing", total=1000, unit="files", completed=100) as bar:
        for _ in range(3):
            bar.advance(100)
        task = bar._bar.tasks[0]  # type: ignore[union-attr]
        assert task.completed == 400 and task.fields["rate"] != "…"
        shown = "".join(segment.text for segment in terminal.render(bar._bar.make_tasks_table(bar._bar.tasks)))  # type: ignore[union-attr]
    assert "400/1000" in shown and "files/s" in shown and "ETA" in shown


def test_a_status_line_shows_control_characters_instead_of_sending_them(capsys: pytest.CaptureFixture[str]) -> None:
    """Status lines quote repository text (file names, config keys): an escape sequence in one must
    not reach the terminal, nor a bidirectional override reorder what is read."""
    console.error("unknown key \x1b]0;owned\x07 in \u202eexe.txt\nsecond line")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b]0;owned\\x07 in \\u202eexe.txt\nsecond line" in err  # a line break is kept


def test_a_table_cell_shows_control_characters_and_markup_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    table = console.table("model")
    table.add_row(console.plain("[bold]x[/bold]\x1b[2J"))
    console.print_renderable(table)
    out = capsys.readouterr().out
    assert "[bold]x[/bold]\\x1b[2J" in out and "\x1b" not in out
