"""What the project model is told, read from the repository."""

from __future__ import annotations

from pathlib import Path

from llmdev.config.loader import load_config
from llmdev.modelfile.profile import MIN_CTX, commit_convention, languages, profile_repository, describe_tests
from llmdev.modelfile.render import model_name, render_modelfile
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import make_history


def test_languages_and_conventions() -> None:
    assert languages(["a.py", "b.py", "c.go", "README.md"]) == [("python", 2), ("go", 1)]
    assert commit_convention(["feat(cli): a", "fix(core): b", "fix(cli): c", "Add d"]) == (
        "Commit subjects follow Conventional Commits (`type(scope): summary`); common scopes: cli, core.")
    assert "no Conventional Commits" in (commit_convention(["Add a", "Fix b"]) or "")
    assert describe_tests(["src/a.py", "tests/test_a.py", "tests/conftest.py"]) == (
        "Tests live mostly in tests/ (pytest): 2 test files; changes come with tests.")
    assert describe_tests(["src/a.py"]) is None


def test_profile_of_the_made_up_history(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    history = make_history(tmp_path / "My Project")
    history.repo.write("REVIEW.md", "- Every helper has a test.\n")
    history.repo.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    history.repo.commit("Add review rules")
    monkeypatch.chdir(history.root)
    profile = profile_repository(open_repository(history.root), load_config())
    assert profile.name == "My Project" and profile.languages == [("python", 3)]
    assert "Every helper has a test." in profile.rules
    assert "Lines are at most 100 characters." in profile.conventions
    assert profile.num_ctx == 16384 and "gen prompt" in profile.num_ctx_reason  # gen's 6000 + 1024 tokens do not fit 8192
    text = render_modelfile(profile, "llama3.1:8b", history.root, adapter=Path("lora.gguf"))
    assert text.splitlines()[1] == "FROM llama3.1:8b" and "PARAMETER num_ctx 16384" in text and "ADAPTER lora.gguf" in text
    assert 'SYSTEM """You are the coding assistant of the My Project repository' in text and text.endswith('"""\n')
    assert "- Every helper has a test." in text
    assert model_name(profile.name) == "my-project-llmdev" and MIN_CTX == 8192


def test_a_triple_quote_cannot_end_the_system_block(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    history = make_history(tmp_path / "p")
    history.repo.write("REVIEW.md", 'Docstrings use """ quotes.\n')
    monkeypatch.chdir(history.root)
    text = render_modelfile(profile_repository(open_repository(history.root), load_config()), "b", history.root)
    assert text.count('"""') == 2 and "Docstrings use ''' quotes." in text
