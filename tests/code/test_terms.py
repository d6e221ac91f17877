import pytest

from llmdev.code.terms import (
    names_a_checker,
    path_mentions,
    query_identifiers,
    query_terms,
    split_identifier,
    stem,
    term_and_identifier_counts,
    term_counts,
)


def test_identifiers_split_on_snake_and_camel_case() -> None:
    assert split_identifier("parseHTTPResponse_v2") == ("pars", "http", "respons", "v2")
    assert split_identifier("load_settings") == ("load", stem("settings"))
    assert split_identifier("__init__") == ("init",)
    assert split_identifier("LaTeX") == ("latex",)


def test_stemming_folds_plurals_and_verb_endings() -> None:
    assert stem("parsers") == stem("parser")
    assert stem("parsing") == stem("parse") == stem("parsed")
    assert stem("printing") == "print"
    assert stem("string") == "string"


def test_query_terms_drop_commit_verbs_and_keep_whole_identifiers() -> None:
    terms = query_terms("Fix crash in load_settings when the file is empty")
    assert "fix" not in terms and "the" not in terms
    assert "load_settings" in terms and "load" in terms and stem("settings") in terms
    assert "crash" in terms and "empty" in terms


def test_term_counts_count_whole_identifiers_and_pieces() -> None:
    counts = term_counts("load_settings(); settings = load_settings()")
    assert counts["load_settings"] == 2
    assert counts[stem("settings")] == 3
    assert counts["load"] == 2


def test_mentions() -> None:
    assert "app/config.py" in path_mentions("see app/config.py and cli.py")
    assert "cli.py" in path_mentions("see app/config.py and cli.py")
    assert "load_settings" in query_identifiers("why does load_settings fail")


def test_identifier_counts_keep_case_beside_the_terms() -> None:
    for text in ("load_settings(); LoadSettings = load_settings() # 2x", "naïve = load_settings(naïve)"):
        terms, identifiers = term_and_identifier_counts(text)
        assert terms == term_counts(text)
        assert identifiers["load_settings"] == (2 if "2x" in text else 1)
        assert "LoadSettings" in identifiers or "naïve" in identifiers
        assert "x" not in identifiers and "2x" not in identifiers  # too short, and digits start no name


@pytest.mark.parametrize(
    "task",
    [
        "Fix CS/WS issues",
        "fix mypy findings",
        "chore: fix clippy lints",
        "Fix errors reported by PHPStan",
        "fix: make spotless happy",
        "Fix: rubocop offenses (#7769)",
        "build: fix lint violations",
        "Fix coding style",
        "Fix ruff E501 line-too-long in PowerShell template",
        "address golangci-lint warnings",
        "Fix some new Error Prone warnings.",
        "Partially revert earlier commit and fix WS issues",
    ],
)
def test_tasks_that_name_a_checker_are_recognised(task: str) -> None:
    assert names_a_checker(task)


@pytest.mark.parametrize(
    "task",
    [
        "Fix a false positive in `Lint/UselessAssignment`",  # a RuboCop cop, not the linter
        "Rack::Lint rejects a valid header",
        "load eslint-plugin-react from the config directory",
        "Fix negative week year formatting in FastDatePrinter",
        "Fix the ws reconnect loop after a timeout",
        "fix typo in README",
        "style the login button",
        "lintel and clipping paths in the renderer",
        "Fix the crash in the loader\n\nFound while running mypy.",  # named below the first line only
        "",
    ],
)
def test_other_tasks_are_not(task: str) -> None:
    assert not names_a_checker(task)
