"""Model-assisted localisation against the fake model servers: the pick goes first, is cached per
task, only map paths count, and a failure falls back to the lexical ranking with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.context.locate import MAX_PICKS, parse_picks
from llmdev.provenance import fenced_pieces
from tests.gitrepo import GitRepo

FILES = {
    "lib/parser.py": "def parse_header(line):\n    key, value = line.split(':', 1)\n    return key.strip(), value.strip()\n",
    "lib/client.py": "from lib.parser import parse_header\n\n\ndef read_response(lines):\n    return dict(parse_header(l) for l in lines)\n",
    "lib/retry.py": "def retry_header_parse(times):\n    return times\n",
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = GitRepo.create(tmp_path / "project", FILES).root
    monkeypatch.chdir(root)
    return root


def context_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert run(["context", "header parsing fails without a colon", "--json", "--locate", "model", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_pick_goes_first_and_only_map_paths_count(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(json.dumps({"files": ["../../etc/passwd", "lib/client.py", "lib/nowhere.py"]}))
    data = context_json(capsys)
    assert data["files"][0]["path"] == "lib/client.py"
    assert data["locate"]["picked"] == ["lib/client.py"] and data["locate"]["requests"] == 1
    body = use_ollama.last_body()
    assert body["format"]["required"] == ["files"]  # the reply is asked for as JSON of this schema
    user = body["messages"][-1]["content"]
    pieces = fenced_pieces(user)
    assert [p.kind for p in pieces][0] == "text"  # the task is data too
    assert {p.path for p in pieces if p.kind == "map"} == set(FILES)
    assert "lib/parser.py: parse_header" in user


def test_the_same_task_on_the_same_map_asks_once(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply_with(json.dumps({"files": ["lib/retry.py"]}))
    first = context_json(capsys)
    second = context_json(capsys)
    assert len(use_ollama.model_requests) == 1
    assert (first["locate"]["requests"], second["locate"]["requests"], second["locate"]["cache_hits"]) == (1, 0, 1)
    assert first["files"] == second["files"] and second["files"][0]["path"] == "lib/retry.py"
    (project / "lib" / "extra.py").write_text("def header_colon_parse():\n    pass\n")  # another map: asked again
    context_json(capsys)
    assert len(use_ollama.model_requests) == 2


def test_a_failed_request_falls_back_to_the_lexical_ranking(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["context", "header parsing fails without a colon", "--json"]) == 0
    lexical = json.loads(capsys.readouterr().out)
    assert run(["--model", "ollama/not-there:1b", "context", "header parsing fails without a colon", "--json", "--locate", "model"]) == 0
    captured = capsys.readouterr()
    located = json.loads(captured.out)
    assert "model-assisted localisation failed" in captured.err and "using the lexical ranking" in captured.err
    assert located["files"] == lexical["files"] and located["locate"]["picked"] == []


def test_a_reply_that_is_not_the_json_asked_for_is_not_cached(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply("I think lib/client.py is the one.", json.dumps({"files": ["lib/client.py"]}))
    first = context_json(capsys)
    assert first["locate"]["picked"] == [] and "did not answer with the JSON" in first["locate"]["warnings"][0]
    second = context_json(capsys)
    assert second["locate"]["requests"] == 1 and second["files"][0]["path"] == "lib/client.py"


def test_lexical_is_the_default_and_sends_nothing(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["context", "header parsing fails without a colon", "--json"]) == 0
    assert "locate" not in json.loads(capsys.readouterr().out)
    assert use_ollama.model_requests == []


def test_config_turns_it_on_and_the_table_says_what_was_picked(project: Path, use_openai, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "config" / "config.toml").write_text('[context]\nlocate = "model"\n[commands.locate]\nmodel = "gpt4o-mini"\n')
    use_openai.reply(json.dumps({"files": ["lib/retry.py"]}))
    assert run(["context", "header parsing fails without a colon"]) == 0
    captured = capsys.readouterr()
    assert "openai/gpt-4o-mini picked: lib/retry.py" in captured.err
    assert use_openai.last_body()["model"] == "gpt-4o-mini"
    assert use_openai.last_body()["response_format"]["type"] == "json_schema"


def test_gen_builds_its_context_from_the_pick(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(json.dumps({"files": ["lib/retry.py"]}))
    assert run(["gen", "--show-prompt", "--locate", "model", "header parsing fails without a colon"]) == 0
    captured = capsys.readouterr()
    assert "added to the context: lib/retry.py" in captured.err
    assert json.loads(captured.out)["files"][0] == "lib/retry.py"
    assert len(use_ollama.model_requests) == 1  # the localisation request; --show-prompt sends nothing else


def test_gen_with_named_files_does_not_ask(project: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["gen", "--show-prompt", "--locate", "model", "fix it", "lib/parser.py"]) == 0
    assert use_ollama.model_requests == []


@pytest.mark.parametrize(
    ("reply", "picks"),
    [
        ('{"files": ["a.py", "b.py"]}', ["a.py", "b.py"]),
        ('```json\n{"files": ["b.py"]}\n```', ["b.py"]),
        ('{"files": ["a.py", "a.py", 3, null, " b.py "]}', ["a.py", "b.py"]),
        ('{"files": ["/etc/passwd", "../a.py", "A.py"]}', []),
        ('{"paths": ["a.py"]}', None),
        ("a.py", None),
        ('["a.py"]', None),
    ],
)
def test_parse_picks(reply: str, picks: list[str] | None) -> None:
    assert parse_picks(reply, ["a.py", "b.py"]) == picks


def test_parse_picks_keeps_at_most_the_limit() -> None:
    allowed = [f"f{i}.py" for i in range(MAX_PICKS + 3)]
    assert parse_picks(json.dumps({"files": allowed}), allowed) == allowed[:MAX_PICKS]
