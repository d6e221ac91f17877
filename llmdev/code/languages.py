"""Which tree-sitter grammar parses a file, and the tag query that goes with it."""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Language, Query

# language name -> (grammar module, function returning the language pointer)
GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "java": ("tree_sitter_java", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "c_sharp": ("tree_sitter_c_sharp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "bash": ("tree_sitter_bash", "language"),
}

EXTENSIONS: dict[str, str] = {
    ".py": "python", ".pyi": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c", ".h": "c",
    ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".c++": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
    ".h++": "cpp", ".ipp": "cpp", ".inl": "cpp",
    ".cs": "c_sharp",
    ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby",
    ".php": "php",
    ".sh": "bash", ".bash": "bash",
}

FILENAMES: dict[str, str] = {"Rakefile": "ruby", "Gemfile": "ruby", ".bashrc": "bash", ".profile": "bash"}

TEST_DIRS = frozenset({"test", "tests", "testing", "__tests__", "spec", "specs", "testdata", "fixtures"})


def language_for(path: str) -> str | None:
    """The language name of a repository path, or None for files that are indexed by text only."""
    name = path.rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    # As PurePosixPath(path).suffix, without building a path object (this runs for every file).
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""
    return FILENAMES.get(name) or EXTENSIONS.get(suffix.lower())


@lru_cache(maxsize=None)
def grammar(name: str) -> "Language":
    from tree_sitter import Language

    module_name, function = GRAMMARS[name]
    module: Any = importlib.import_module(module_name)
    return Language(getattr(module, function)())


# Grammars whose tag query is another's: TSX is TypeScript plus JSX, with the same definition nodes.
SHARED_QUERIES = {"tsx": "typescript"}
# The shipped tag queries, next to this module (llmdev is installed as files, never zipped;
# `importlib.resources` would add about 5-10 ms of imports to every command that reads the index).
QUERIES = Path(__file__).with_name("queries")


@lru_cache(maxsize=None)
def tag_query(name: str) -> "Query":
    """The compiled tags query shipped as `queries/<name>-tags.scm`."""
    from tree_sitter import Query

    query_file = f"{SHARED_QUERIES.get(name, name)}-tags.scm"
    source = (QUERIES / query_file).read_text(encoding="utf-8")
    return Query(grammar(name), source)


def is_test_path(path: str) -> bool:
    """Tests by the usual conventions: test_x.py, x_test.go, x.spec.ts, FooTest.java, tests/ dirs."""
    parts = path.split("/")
    name = parts[-1]
    stem = name.split(".")[0]
    lowered = stem.lower()
    return (
        lowered.startswith("test_")
        or lowered in ("test", "tests", "conftest")
        or lowered.endswith(("_test", "_tests", "_spec", "-test", "-spec"))
        or stem.endswith(("Test", "Tests", "Spec"))
        or ".test." in name
        or ".spec." in name
        or any(p.lower() in TEST_DIRS for p in parts[:-1])
    )
