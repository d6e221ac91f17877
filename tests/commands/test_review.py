"""`llmdev review` on the command line: formats, exit codes, files, CI mode, baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from llmdev.cli import run
from tests.review.support import CALC, CALC_BROKEN, GitRepo, finding, reply, user_prompt
from tests.servers.base import closed_port_url

SARIF_SCHEMA = json.loads((Path(__file__).parent.parent / "review" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FINDINGS = reply(
    finding("calc.py", 2, "high", "add subtracts", suggestion="return a + b"),
    finding("calc.py", 7, "medium", "eval of input", category="security"),
    summary="add is broken.",
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC, "notes.txt": "notes\n"})
    monkeypatch.chdir(repo.root)
    return repo


@pytest.fixture
def broken(project: GitRepo, use_ollama: Any) -> GitRepo:
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply_with(FINDINGS)
    return project


def test_json_output_has_exactly_the_documented_shape(broken: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--format", "json"]) == 0  # findings, but --fail-on defaults to never
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "findings": [
            {"path": "calc.py", "line": 2, "end_line": 2, "severity": "high", "category": "correctness",
             "title": "add subtracts", "message": "add subtracts: explained.", "suggestion": "return a + b"},
            {"path": "calc.py", "line": 7, "end_line": 7, "severity": "medium", "category": "security",
             "title": "eval of input", "message": "eval of input: explained.", "suggestion": None},
        ],
        "summary": "add is broken.",
        "reviewed_files": ["calc.py"],
        "skipped_files": [],
        "partial": False,
        "model": "ollama/llama3.1:8b",
        "usage": data["usage"],
    }
    assert set(data["usage"]) == {"input_tokens", "output_tokens"} and data["usage"]["input_tokens"] > 0


@pytest.mark.parametrize(("fail_on", "code"), [("high", 1), ("medium", 1), ("critical", 0), ("never", 0)])
def test_fail_on_sets_the_exit_code(broken: GitRepo, fail_on: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "-f", "json", "--fail-on", fail_on]) == code


def test_fail_on_from_the_config(broken: GitRepo) -> None:
    broken.write(".llmdev.toml", '[review]\nfail_on = "medium"\n')
    assert run(["review", "-f", "json"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "--format", "yaml"], "'--format' / '-f': 'yaml' is not one of"),
        (["review", "--fail-on", "severe"], "'--fail-on': 'severe' is not one of"),
        (["review", "--commit", "HEAD", "--range", "HEAD~1..HEAD"], "cannot be combined"),
        (["review", "--commit", "no-such-rev"], "unknown revision"),
        (["review", "--ci"], "--ci found neither GitHub Actions nor GitLab CI"),
    ],
)
def test_usage_errors_exit_2(broken: GitRepo, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == 2
    assert message in capsys.readouterr().err


def test_an_unreachable_model_exits_3(project: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.servers.base import closed_port_url

    project.stage("calc.py", CALC_BROKEN)
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    assert run(["review"]) == 3
    assert "Ollama" in capsys.readouterr().err


def test_output_file(broken: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "review.sarif"
    assert run(["review", "--format", "sarif", "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads(target.read_text()))


def test_text_is_the_default(broken: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review"]) == 0
    out = capsys.readouterr().out
    assert " HIGH  calc.py:2  correctness" in out and "add is broken." in out


def test_dry_run_prints_each_request_and_sends_nothing(broken: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--dry-run"]) == 0
    [request] = json.loads(capsys.readouterr().out)
    assert request["command"] == "review" and request["model"] == "ollama/llama3.1:8b"
    assert request["files"] == ["calc.py"]
    assert request["options"]["json_schema"]["required"] == ["findings", "summary"]
    assert use_ollama.model_requests == []


def test_commit_range_base_and_paths(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply_with(reply())
    project.git("checkout", "-q", "-b", "feature")
    project.write("calc.py", CALC_BROKEN)
    project.commit("break calc")
    project.write("notes.txt", "more notes\n")
    project.commit("notes")
    prompts = []
    for args in (["--commit", "HEAD~1"], ["--range", "main..feature"], ["--base", "main"], ["--base", "main", "notes.txt"]):
        assert run(["review", "-f", "json", *args]) == 0
        prompts.append(user_prompt(use_ollama.last_body()))
    assert "eval(input())" in prompts[0] and "more notes" not in prompts[0]
    assert "eval(input())" in prompts[1] and "more notes" in prompts[1]
    assert prompts[2] == prompts[1]
    assert "more notes" in prompts[3] and "eval(input())" not in prompts[3]


def test_nothing_to_review(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "-f", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["reviewed_files"] == []
    assert "nothing to review" in captured.err
    assert f"model ollama/llama3.1:8b: reachable (Ollama 0.12.6 at {use_ollama.url})" in captured.err
    assert use_ollama.model_requests == []


def test_nothing_to_review_with_no_server_says_so_at_once(project: GitRepo, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv("OLLAMA_HOST", url)
    assert run(["review"]) == 0
    [line] = [line for line in capsys.readouterr().err.splitlines() if line.startswith("model ")]
    assert line.startswith(f"model ollama/llama3.1:8b: Ollama is not reachable at {url}") and "ollama serve" in line


def test_update_baseline_dismisses_the_current_findings(broken: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "-f", "json", "--update-baseline", "--fail-on", "high"]) == 0
    assert "added 2 finding(s) to the baseline" in capsys.readouterr().err
    assert (broken.root / ".llmdev" / "review-baseline.json").is_file()
    assert run(["review", "-f", "json", "--fail-on", "high"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert run(["review", "-f", "json", "--fail-on", "high", "--no-baseline"]) == 1


def _github_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, base: str) -> Path:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": "0" * 39 + "1"}}}))
    summary = tmp_path / "step-summary.md"
    for key, value in {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
                       "GITHUB_STEP_SUMMARY": str(summary)}.items():
        monkeypatch.setenv(key, value)
    return summary


def test_ci_on_github_actions(project: GitRepo, use_ollama: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    base = project.git("rev-parse", "HEAD").strip()
    project.git("checkout", "-q", "-b", "pr")
    project.write("calc.py", CALC_BROKEN)
    project.commit("break calc")
    project.stage("notes.txt", "staged, not part of the pull request\n")
    use_ollama.reply_with(FINDINGS)
    summary = _github_env(monkeypatch, tmp_path, base)
    assert run(["review", "--ci", "--fail-on", "high"]) == 1
    captured = capsys.readouterr()
    assert "staged, not part" not in user_prompt(use_ollama.last_body())
    annotations = captured.out.splitlines()
    assert annotations[0].startswith("::error file=calc.py,line=2,endLine=2,title=high%3A add subtracts")
    assert annotations[1].startswith("::warning file=calc.py,line=7")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads((project.root / "llmdev-review.sarif").read_text()))
    assert "## llmdev review" in summary.read_text() and "add subtracts" in summary.read_text()


def test_ci_on_gitlab(project: GitRepo, use_ollama: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    base = project.git("rev-parse", "HEAD").strip()
    project.write("calc.py", CALC_BROKEN)
    project.commit("break calc")
    use_ollama.reply_with(FINDINGS)
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_MERGE_REQUEST_DIFF_BASE_SHA", base)
    report = tmp_path / "gl-code-quality-report.json"
    assert run(["review", "--ci", "--codequality", str(report)]) == 0
    issues = json.loads(report.read_text())
    assert [i["severity"] for i in issues] == ["critical", "major"]
    assert (project.root / "llmdev-review.sarif").is_file() and (project.root / "llmdev-review.md").is_file()
    assert " HIGH  calc.py:2" in capsys.readouterr().out


def test_ci_in_a_shallow_clone_says_to_fetch_history(project: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _github_env(monkeypatch, tmp_path, "c" * 40)  # a base commit the clone does not have
    assert run(["review", "--ci"]) == 2
    assert "fetch-depth: 0" in capsys.readouterr().err
