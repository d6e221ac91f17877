"""`llmdev context` for a task and for a diff, in a real repository."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from llmdev.cli import run

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["query", "budget", "tokens", "files", "candidates"],
    "properties": {
        "query": {"type": "string"},
        "budget": {"type": "integer"},
        "tokens": {"type": "integer"},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "score", "symbols"],
                "properties": {
                    "path": {"type": "string"},
                    "score": {"type": "number"},
                    "symbols": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "kind", "line", "end_line"],
                            "properties": {
                                "name": {"type": "string"},
                                "kind": {"type": "string"},
                                "line": {"type": "integer"},
                                "end_line": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path", "score"],
                "properties": {"path": {"type": "string"}, "score": {"type": "number"}},
            },
        },
    },
}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "parser.py").write_text(
        "def parse_header(line):\n    key, value = line.split(':', 1)\n    return key.strip(), value.strip()\n"
    )
    (root / "lib" / "client.py").write_text(
        "from lib.parser import parse_header\n\n\ndef read_response(lines):\n    return dict(parse_header(l) for l in lines)\n"
    )
    (root / "lib" / "unrelated.py").write_text("def colour_names():\n    return ['red', 'green']\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    monkeypatch.chdir(root / "lib")
    return root


def test_context_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["context", "header parsing fails without a colon", "--json", "--budget", "300"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, SCHEMA)
    assert data["query"] == "header parsing fails without a colon" and data["budget"] == 300
    assert data["tokens"] <= 300
    assert data["files"][0]["path"] == "lib/parser.py"
    assert data["files"][0]["symbols"] == [{"name": "parse_header", "kind": "function", "line": 1, "end_line": 3}]


def test_context_table_and_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["context", "read_response", "--focus", "parser.py"]) == 0
    out = capsys.readouterr().out
    assert "lib/client.py" in out and "lib/parser.py" in out
    assert run(["context", "read_response", "--code"]) == 0
    assert "def read_response(lines):" in capsys.readouterr().out


def test_context_of_staged_changes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = project / "lib" / "parser.py"
    parser.write_text(parser.read_text().replace("line.split(':', 1)", "line.partition(':')[::2]"))
    _git(project, "add", "-A")
    assert run(["context", "--staged", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [hunk] = data["hunks"]
    assert hunk["path"] == "lib/parser.py"
    assert hunk["new_enclosing"]["name"] == "parse_header"
    assert hunk["changed_symbols"] == ["parse_header"]
    assert hunk["callers"][0]["path"] == "lib/client.py"
    assert run(["context", "--staged"]) == 0
    assert "called from lib/client.py:5" in capsys.readouterr().out


def test_context_of_a_range(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = project / "lib" / "client.py"
    client.write_text(client.read_text() + "\n\ndef close():\n    return None\n")
    _git(project, "commit", "-qam", "close")
    assert run(["context", "--range", "HEAD~1..HEAD", "--json"]) == 0
    [hunk] = json.loads(capsys.readouterr().out)["hunks"]
    assert hunk["new_enclosing"]["name"] == "close"


def test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["context"]) == 2
    assert run(["context", "task", "--staged"]) == 2
    assert run(["context", "--staged", "--range", "A..B"]) == 2
    assert "not both" in capsys.readouterr().err


def test_files_beyond_the_budget_are_listed_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "many"
    for i in range(6):
        (root / f"[bold]pkg{i}").mkdir(parents=True)
        (root / f"[bold]pkg{i}" / "header.py").write_text(f"def parse_header_{i}(line):\n" + "    line = line.strip()\n" * 30 + "    return line\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    monkeypatch.chdir(root)
    assert run(["context", "parse header", "--budget", "200"]) == 0
    out = capsys.readouterr().out
    assert "listed by name only" in out and "[bold]pkg" in out and "parse_header_" in out  # markup-like names shown as they are
    assert run(["context", "parse header", "--budget", "200", "--code"]) == 0
    assert 'kind="map" path="[bold]pkg' in capsys.readouterr().out
