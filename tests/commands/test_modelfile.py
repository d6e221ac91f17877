"""`llmdev modelfile`: the file, the `ollama create` command, and the alias, usable at once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from tests.evaluation.history_repo import History, make_history

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    made = make_history(tmp_path / "stats")
    monkeypatch.chdir(made.root)
    return made


def test_writes_the_modelfile_prints_the_command_and_registers_the_alias(history: History, use_ollama: Any,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    history.repo.write(".llmdev.toml", '# team settings\n[review]\nfail_on = "high"\n')
    assert run(["modelfile", "--base", "llama3:8b"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "ollama create stats-llmdev -f Modelfile\n"
    assert "FROM llama3:8b" in (history.root / "Modelfile").read_text()
    config = (history.root / ".llmdev.toml").read_text()
    assert config.startswith("# team settings\n") and tomllib.loads(config)["aliases"] == {"project": "ollama/stats-llmdev"}
    use_ollama.models["stats-llmdev"] = 16384  # as if `ollama create` had run
    use_ollama.reply_with("hello")
    assert run(["ask", "hi", "-m", "project"]) == 0
    assert use_ollama.last_body()["model"] == "stats-llmdev"


def test_pyproject_config_gets_the_alias_there(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    history.repo.write("pyproject.toml", '[project]\nname = "stats"\n\n[tool.llmdev]\nmodel = "local"\n')
    assert run(["modelfile", "--alias", "stats", "--name", "stats-model", "--num-ctx", "4096"]) == 0
    data = tomllib.loads((history.root / "pyproject.toml").read_text())
    assert data["tool"]["llmdev"] == {"model": "local", "aliases": {"stats": "ollama/stats-model"}}
    assert not (history.root / ".llmdev.toml").exists()
    assert "PARAMETER num_ctx 4096" in (history.root / "Modelfile").read_text()


def test_stdout_and_no_alias(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["modelfile", "-o", "-", "--no-alias"]) == 0
    assert capsys.readouterr().out.startswith("# A model for stats, written by `llmdev modelfile`.\nFROM llama3.1:8b\n")
    assert not (history.root / "Modelfile").exists() and not (history.root / ".llmdev.toml").exists()


def test_an_existing_foreign_modelfile_needs_force(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    (history.root / "Modelfile").write_text("FROM mine\n")
    assert run(["modelfile", "--no-alias"]) == 2
    assert "pass --force" in capsys.readouterr().err and (history.root / "Modelfile").read_text() == "FROM mine\n"
    assert run(["modelfile", "--no-alias", "--force", "--adapter", "missing.gguf"]) == 0
    assert "ADAPTER missing.gguf" in (history.root / "Modelfile").read_text()
    assert "does not exist yet" in capsys.readouterr().err
    assert run(["modelfile", "--no-alias"]) == 0  # its own file is replaced without --force
