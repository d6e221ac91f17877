"""Security corpus for review output: model- and repository-written text must not act as a GitHub
workflow command in any output mode, nor as terminal markup; SARIF/Code Quality survive hostile names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest

from llmdev import console
from llmdev.cli import run
from llmdev.review.findings import Finding, ReviewResult, SkippedFile
from llmdev.review.formats import render
from llmdev.review.formats.github import render_github
from llmdev.review.formats.text import render_text, text_renderables
from llmdev.workflow_commands import could_start_command, fence
from tests.review.support import CALC, GitRepo, finding, reply
from tests.review.workflow_log import commands_run

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Every attack carries the word "injected": no command the runner acts on may contain it.
TITLE = "x ##[warning]injected-legacy-title\n::error file=calc.py,line=1::injected-title"
MESSAGE = ("m\r::warning::injected-cr\n   ::notice::injected-indented\nsee ##[error]injected-legacy mid-line\n"
           "\u200b::error::injected-zero-width\n::add-mask::injected-mask")
FORGED = "::stop-commands::guess\n::guess::\n::error::injected-after-forged-stop\n::endtoken::\n##[stop-commands]x"
HOSTILE_PATH = "##[error]injected-path.py"
EVIL = "".join(f"value_{n} = {n}\n" for n in range(1, 16))


def _acted(log: str) -> list[str]:
    return [c.line for c in commands_run(log)]


def _commands_are_ours(log: str) -> list[str]:
    """All commands acted on; each must be one of our annotations, its data escaped onto one line."""
    acted = _acted(log)
    for line in acted:
        assert line.startswith(("::error file=", "::warning file=", "::notice file=", "::error::", "::warning::",
                                "::notice::", "::warning title=llmdev%3A partial review::")), line
        head = line.split("::", 2)[1]
        props = head.split(" ", 1)[1].split(",") if " " in head else []
        assert {p.split("=", 1)[0] for p in props} <= {"file", "line", "endLine", "title"}, line  # no smuggled property
    return acted


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_ollama: Any) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC})
    monkeypatch.chdir(repo.root)
    repo.stage("evil.py", EVIL)
    repo.stage(HOSTILE_PATH, "x = 1\n")
    findings = [finding("evil.py", n, "high", f"Problem {n} {TITLE}-{n}", message=MESSAGE, suggestion=FORGED) for n in range(1, 13)]
    findings.append(finding(HOSTILE_PATH, 1, "medium", "hostile name", message=MESSAGE))
    use_ollama.reply_with(reply(*findings, summary=f"summary {MESSAGE}\n{FORGED}"))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    return repo


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_free_text_formats_are_fenced_under_github_actions(hostile: GitRepo, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert _acted(out) == []  # nothing at all: the fence covers every line the model wrote
    assert out.startswith("::stop-commands::llmdev-") and "injected-title" in out  # shown, not dropped


@pytest.mark.parametrize("fmt", ["json", "sarif", "rdjsonl", "codequality"])
def test_json_formats_stay_valid_json_and_carry_no_command(hostile: GitRepo, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert _acted(out) == [] and not could_start_command(out)
    docs = [json.loads(line) for line in out.splitlines()] if fmt == "rdjsonl" else [json.loads(out)]
    assert "##[error]injected-legacy" in json.dumps(docs, ensure_ascii=False)  # the data is intact, only escaped


def test_github_format_acts_only_on_our_annotations(hostile: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--format", "github"]) == 0
    out = capsys.readouterr().out
    acted = _commands_are_ours(out)
    assert sum(line.startswith("::error") for line in acted) == 10  # 9 findings + "3 more" (GitHub's limit)
    assert sum(line.startswith("::warning file=##[error]injected-path.py,line=1,") for line in acted) == 1
    assert "evil.py:12: high: Problem 12 x ##[warning]injected-legacy-title ::error file=calc.py,line=1::injected-title-12" in out.splitlines()


def test_ci_mode_on_github_acts_only_on_our_annotations(hostile: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    hostile.git("add", "-A")
    hostile.git("commit", "-q", "-m", "add")
    assert run(["review", "--ci", "--range", "HEAD^..HEAD"]) == 0
    captured = capsys.readouterr()
    assert len(_commands_are_ours(captured.out)) == 11  # 9 errors, "3 more errors…", the medium finding
    assert _acted(captured.err) == []


def test_status_lines_on_stderr_are_fenced_only_when_they_could_act(monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    console.warning(f"would skip {HOSTILE_PATH}: binary\n::error::injected")
    console.info("an ordinary line: 10:30 and a # sign")
    err = capsys.readouterr().err
    assert _acted(err) == []
    assert err.splitlines()[0].startswith("::stop-commands::") and err.splitlines()[-1] == "an ordinary line: 10:30 and a # sign"
    monkeypatch.delenv("GITHUB_ACTIONS")
    console.warning("::error::outside CI this is just text")
    assert capsys.readouterr().err == "warning: ::error::outside CI this is just text\n"


def test_the_fence_token_is_never_in_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = iter(["aa" * 16, "bb" * 16])
    monkeypatch.setattr("llmdev.workflow_commands.secrets.token_hex", lambda n: next(tokens))
    text = f"the model guessed ::llmdev-{'aa' * 16}::\n::error::injected"
    fenced = fence(text)
    assert fenced.splitlines()[0] == f"::stop-commands::llmdev-{'bb' * 16}"
    assert _acted(fenced) == []


@pytest.mark.parametrize("line", ["::error::x", "  ::error::x", "\t::warning::x", "\u200b::error::x", "\u00a0::error::x",
                                  "a ##[error]x", "#\u200b#[error]x", "\uff1a\uff1aerror\uff1a\uff1ax", "ok\r::error::x"])
def test_what_could_start_a_command(line: str) -> None:
    assert could_start_command(line)


def test_ordinary_text_is_left_alone() -> None:
    assert not could_start_command("time 10:30, see issue #12 and [link]\n  a: b\n# heading")


def _result(*findings: Finding, skipped: tuple[SkippedFile, ...] = ()) -> ReviewResult:
    return ReviewResult(list(findings), "s", ["a.py"], list(skipped), "m")


def _finding(title: str, line: int = 1, path: str = "a.py", **kw: Any) -> Finding:
    return Finding(path, line, line, kw.get("severity", "high"), "correctness", title, kw.get("message", "m"), None, kw.get("fp", ""))


def test_rich_markup_and_terminal_escapes_in_model_text_are_shown_not_acted_on() -> None:
    from rich.console import Console
    import io

    title = "[bold red]fake[/] [link=https://evil.example]click[/link] \x1b]52;c;ZXZpbA==\x07 \x1b[2J \u202eevil"
    result = _result(_finding(title, message="body [red]x[/red] \x1b[31mred"))
    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, color_system="truecolor", width=200)
    for renderable in text_renderables(result):
        terminal.print(renderable)
    shown = buffer.getvalue()
    assert "[bold red]fake[/] [link=https://evil.example]click[/link]" in shown and "https://evil.example\x1b" not in shown
    assert "\x1b]52" not in shown and "\x1b[2J" not in shown and "\x1b[31m" not in shown and "\u202e" not in shown
    assert "\\x1b]52;c;ZXZpbA==\\x07 \\x1b[2J \\u202eevil" in shown
    assert "[bold red]fake[/]" in render_text(result)


def test_github_overflow_lines_are_fenced_one_line_each() -> None:
    many = _result(*[_finding(f"t{n} ##[error]injected\n::error::injected-{n}", line=n) for n in range(1, 14)])
    out = render_github(many)
    assert len(_commands_are_ours(out)) == 10
    assert "a.py:13: high: t13 ##[error]injected ::error::injected-13" in out.splitlines()


HOSTILE_NAMES = ["src/a#b.py", "dir with space/ü.py", "100%.py", "a:b.py", "q?x=1.py", "ＡＢ/日本.py", "back\\slash.py", "[x]/y.py"]


@pytest.mark.parametrize("path", HOSTILE_NAMES)
def test_sarif_uris_are_rfc3986_references_that_read_back_as_the_path(path: str) -> None:
    log = json.loads(render(_result(_finding("t", path=path, fp="f1")), "sarif"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", "")
    assert unquote(parts.path) == path and uri.isascii() and " " not in uri
    issues = json.loads(render(_result(_finding("t", path=path, fp="f1")), "codequality"))
    assert issues[0]["location"]["path"] == path  # Code Quality wants the plain path


def test_every_finding_has_its_own_fingerprint_in_sarif_and_code_quality(hostile: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", "--format", "sarif"]) == 0
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["llmdevFinding/v2"] for r in results]
    assert len(results) == 13 and len(set(prints)) == 13
    assert run(["review", "--format", "codequality"]) == 0
    assert sorted(i["fingerprint"] for i in json.loads(capsys.readouterr().out)) == sorted(prints)


def test_review_dry_run_json_carries_no_command_from_the_repository(hostile: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    hostile.stage("notes.md", "## heading\n##[error]injected-from-a-file\n::error::injected-line\n")
    assert run(["review", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert _acted(out) == [] and "##[error]injected-from-a-file" in json.dumps(json.loads(out), ensure_ascii=False)


def test_markdown_keeps_model_titles_and_file_names_on_their_own_line_and_span() -> None:
    title = "real title\n## Fake heading\n| forged | row |"
    text = render(_result(_finding(title, path="odd`name|x.py")), "markdown")
    lines = text.splitlines()
    assert not any(line.startswith(("## Fake", "| forged")) for line in lines)
    assert "| 🔴 high | ``odd`name\\|x.py:1`` | real title ## Fake heading \\| forged \\| row \\| |" in lines
    assert "``odd`name|x.py`` line 1 · correctness" in lines
