from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.config.loader import user_config_path


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_show_names_the_source_of_each_value(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".llmdev.toml").write_text('model = "gpt4o"\n')
    monkeypatch.setenv("OLLAMA_HOST", "box:1234")
    assert run(["config", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["model"] == {"value": "gpt4o", "source": str(repo / ".llmdev.toml")}
    assert shown["providers.ollama.base_url"] == {"value": "http://box:1234", "source": "environment"}
    assert shown["env OPENAI_API_KEY"]["value"] == "not set"


def test_show_never_prints_a_key(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-do-not-print")
    assert run(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "sk-test-do-not-print" not in out and "set" in out


def test_init_then_refuse_to_overwrite(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "init"]) == 0
    assert user_config_path().is_file()
    assert run(["config", "init"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert run(["config", "init", "--force"]) == 0
    assert run(["config", "show"]) == 0  # the starter file is valid


def test_init_repo_and_path(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "init", "--repo"]) == 0
    assert (repo / ".llmdev.toml").is_file()
    capsys.readouterr()
    assert run(["config", "path"]) == 0
    out = capsys.readouterr().out
    assert f"repository: {repo / '.llmdev.toml'}\n" in out
    assert "(not created)" in out.splitlines()[0]


def test_init_repo_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["config", "init", "--repo"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_trust_command_unlocks_repository_providers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".llmdev.toml").write_text('[providers.cluster]\nkind = "openai"\nbase_url = "http://gpu:8000/v1"\n')
    assert run(["ask", "--dry-run", "-m", "cluster/llama", "hi"]) == 3
    err = capsys.readouterr().err
    assert "ignored [providers] (cluster)" in err and "unknown provider 'cluster'" in err
    assert run(["config", "trust"]) == 0
    capsys.readouterr()
    assert run(["ask", "--dry-run", "-m", "cluster/llama", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "cluster/llama"


def test_trust_without_providers(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "trust"]) == 2
    assert "declares no [providers]" in capsys.readouterr().err
