"""`llmdev plugins`: the listing (table and --json), and trusting repository plugins."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.plugin_trust import is_trusted


def test_the_listing_shows_where_each_plugin_comes_from_and_what_it_provides(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["plugins", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["llmdev.backends.openai"]["provides"] == ["backend openai"]
    assert rows["privacy"]["source"].startswith("llmdev_cli ") and rows["privacy"]["provides"] == ["guards requests"]
    assert rows["privacy"]["location"].endswith("llmdev_privacy_router/__init__.py")
    assert rows["llmdev.usage.recorder"]["provides"] == ["observes finished calls"]
    assert all(rows[name]["status"] == "loaded" for name in ("privacy", "cost_guard", "llmdev.usage.recorder"))


def test_the_table_lists_failures_with_their_reason(isolated_env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated_env / "config" / "config.toml").write_text('[plugins]\nlocal = ["/nowhere/missing_plugin.py"]\n')
    assert run(["plugins"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "local:missing_plugin" in line)
    assert "failed" in row
    assert "No such file" in out or "FileNotFoundError" in out


@pytest.fixture
def git_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "p.py").write_text("X = 1\n")
    monkeypatch.chdir(tmp_path / "tools")
    return tmp_path


def test_trust_and_untrust_a_repository_plugin(git_repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["plugins", "trust", "p.py"]) == 0
    assert "trusted tools/p.py" in capsys.readouterr().err
    assert is_trusted(git_repo, "tools/p.py") is None
    assert run(["plugins", "untrust", "p.py"]) == 0
    assert is_trusted(git_repo, "tools/p.py") is not None
    assert run(["plugins", "untrust", "p.py"]) == 2


def test_trust_refuses_paths_outside_the_repository(git_repo: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["plugins", "trust", "../../elsewhere.py"]) == 2
    assert "outside the repository" in capsys.readouterr().err
