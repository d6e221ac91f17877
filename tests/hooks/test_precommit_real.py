"""The hooks of .pre-commit-hooks.yaml run by the real pre-commit framework, on real commits.

Offline: the hooks are copied from the manifest into a `repo: local` config with `language:
system` (pre-commit would otherwise build a virtualenv and pip-install llmdev into it, which
needs a package index); every other key, `verbose` included, is the manifest's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.review.support import CALC_BROKEN, GitRepo, finding, reply
from tests.servers.base import closed_port_url

yaml = pytest.importorskip("yaml", reason="pre-commit (and its PyYAML) is not installed: pip install -e '.[test]'")
pytest.importorskip("pre_commit", reason="pre-commit is not installed: pip install -e '.[test]'")

MANIFEST = Path(__file__).resolve().parents[2] / ".pre-commit-hooks.yaml"
HIGH = reply(finding("calc.py", 7, "high", "eval of user input", category="security"))


def _framework(project: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hooks = [dict(hook, language="system") for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))]
    config = {"repos": [{"repo": "local", "hooks": [h for h in hooks if h["id"] == "llmdev-review"]}]}
    project.write(".pre-commit-config.yaml", yaml.safe_dump(config))
    project.commit("add pre-commit config", ".pre-commit-config.yaml")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")  # this llmdev
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=project.root, check=True, capture_output=True)


def test_the_manifest_asks_pre_commit_to_show_the_hooks_output() -> None:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["llmdev-review", "llmdev-commit-msg"]
    assert all(h["verbose"] is True for h in hooks)  # both fail open: their warnings must show


def test_a_high_finding_blocks_the_commit(project: GitRepo, use_ollama: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _framework(project, tmp_path, monkeypatch)
    project.stage("calc.py", CALC_BROKEN)
    before = project.git("rev-parse", "HEAD")
    use_ollama.reply(HIGH)
    done = project.run("commit", "-m", "break things")
    assert done.returncode != 0 and project.git("rev-parse", "HEAD") == before
    output = done.stdout + done.stderr
    assert "Failed" in output and "calc.py:7: high: eval of user input" in output


def test_with_the_model_down_the_commit_passes_and_the_warning_shows(project: GitRepo, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _framework(project, tmp_path, monkeypatch)
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    before = project.git("rev-parse", "HEAD")
    done = project.run("commit", "-m", "offline")
    assert done.returncode == 0, done.stdout + done.stderr
    assert project.git("rev-parse", "HEAD") != before
    output = done.stdout + done.stderr
    assert "Passed" in output
    assert "review skipped" in output and "Ollama" in output  # without `verbose: true` pre-commit hides it
