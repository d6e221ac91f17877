from __future__ import annotations

from llmdev.edits.plan import FileChange
from llmdev.edits.syntax import introduced_problems, syntax_problems


def test_python_error_found_with_its_line() -> None:
    problems = syntax_problems("m.py", b"def f():\n    return (1,\n\nx = 2\n")
    assert problems and problems[0].path == "m.py"
    assert syntax_problems("m.py", b"def f():\n    return 1\n") == []


def test_files_without_grammar_are_not_checked() -> None:
    assert syntax_problems("notes.txt", b"((((") is None


def test_only_new_errors_count() -> None:
    broken = b"function f( {\n"
    assert introduced_problems([FileChange("a.js", b"let a = 1;\n", broken)])
    assert introduced_problems([FileChange("a.js", broken, broken + b"let b = 2;\n")]) == []
    assert introduced_problems([FileChange("new.go", None, b"package main\nfunc main() {\n")])
