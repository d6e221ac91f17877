"""Which files are code in which language, and which are tests."""

from __future__ import annotations

from llmdev.code.languages import is_test_path, language_for


def test_language_by_suffix_and_name() -> None:
    assert language_for("pkg/mod.py") == "python"
    assert language_for("web/App.TSX") == "tsx"
    assert language_for("Rakefile") == "ruby"
    assert language_for("README.md") is None
    assert language_for(".hidden") is None


def test_is_test_path() -> None:
    for path in ("tests/test_x.py", "pkg/x_test.go", "src/a.spec.ts", "src/FooTest.java", "conftest.py", "spec/models/user_spec.rb"):
        assert is_test_path(path), path
    for path in ("src/latest.py", "pkg/contest.go", "app/server.py"):
        assert not is_test_path(path), path
