"""Words of code and of tasks: identifiers split on snake and camel case, lightly stemmed."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any, Callable

IDENTIFIER = re.compile(r"[^\W\d]\w*")
_WORD = re.compile(r"\w+")
SUBWORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
PATH_LIKE = re.compile(r"[\w./-]*\w\.\w+|[\w-]+(?:/[\w.-]+)+")
# ASCII text is cut into IDENTIFIER's tokens by a byte table (several times faster than the
# regex): every byte that is not a letter, digit or underscore becomes a space.
_WORD_BYTES = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_SPLIT_TABLE = bytes(c if c in _WORD_BYTES else 0x20 for c in range(256))
_DIGITS = b"0123456789"

# Words that say nothing about where a change goes: English glue and commit-message verbs.
STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could did do does doing done for from had has have how i if in into is it
    its it's not of on or our should so than that the their them then there these they this those to too was we were
    what when where which while who why will with would you your me my us also just only more most no nor very via
    fix fixes fixed fixing bug bugs issue issues add adds added adding update updates updated change changes changed
    make makes made use uses used using remove removes removed support supports allow allows allowed new now instead
    properly correctly correct wrong incorrect handle handles handling case cases some any all each other same work
    works working like get gets set sets see pr closes close closed ref refs merge merged branch commit minor small
    """.split()
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Fold common endings so `parsers`, `parsing` and `parsed` all meet `parse`; nothing smarter."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 6 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 5 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


@lru_cache(maxsize=200_000)
def split_identifier(identifier: str) -> tuple[str, ...]:
    """`parseHTTPResponse_v2` -> ('parse', 'http', 'response', 'v2'), lowercased and stemmed.

    Camel-case pieces shorter than three letters are dropped unless they are acronyms, so
    `LaTeX` gives ('latex',) rather than noise like 'la', 'te'.
    """
    pieces: list[str] = []
    for part in identifier.split("_"):
        if not part:
            continue
        if part.islower() or part.isupper() or part.isdigit():
            if len(part) > 1:
                pieces.append(part)
            continue
        camel = [p for p in SUBWORD.findall(part) if len(p) > 2 or (len(p) == 2 and p.isupper())]
        pieces.extend(camel if len(camel) > 1 else [part])
    return tuple(stem(p.lower()) for p in pieces)


def looks_random(token: str) -> bool:
    """A key, token or hash rather than a name: a long part with digits that case and digits cut
    into many short pieces (`Q3fAKe7T2LZ4`, not `utf8ToBase64Encoder`). The index keeps none of it."""
    for part in token.split("_"):
        if len(part) >= 12 and any(c.isdigit() for c in part) and len(part) < 2.5 * len(SUBWORD.findall(part)):
            return True
    return False


@lru_cache(maxsize=500_000)
def _expand(token: str) -> tuple[str, ...]:
    """The terms one identifier contributes: itself lowercased, then its distinct pieces."""
    if len(token) < 2 or len(token) > 64 or looks_random(token):
        return ()
    whole = token.lower()
    return (whole, *(piece for piece in split_identifier(token) if piece != whole))


def term_counts(text: str) -> dict[str, int]:
    """How often each term occurs: whole identifiers (lowercased) and their sub-words."""
    return _counts(text, None)


def term_and_identifier_counts(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """`term_counts`, and how often each identifier occurs as written (case kept)."""
    identifiers: dict[str, int] = {}
    return _counts(text, identifiers), identifiers


def _counts(text: str, identifiers: dict[str, int] | None) -> dict[str, int]:
    """Term counts; `identifiers`, when given, is filled with the identifiers' own counts."""
    counts: dict[str, int] = {}
    get = counts.get
    if text.isascii():
        tokens: Counter[Any] = Counter(text.encode("ascii").translate(_SPLIT_TABLE).split())
        expand: Callable[[Any], tuple[str, ...]] = _expand_run
        name_of: Callable[[Any], str] = _identifier_of_run
    else:
        tokens, expand, name_of = Counter(IDENTIFIER.findall(text)), _expand, str
    for token, count in tokens.items():
        expanded = expand(token)
        for term in expanded:
            counts[term] = get(term, 0) + count
        if identifiers is not None and expanded:
            name = name_of(token)
            identifiers[name] = identifiers.get(name, 0) + count
    return counts


@lru_cache(maxsize=500_000)
def _expand_run(run: bytes) -> tuple[str, ...]:
    """`_expand` of an ASCII word run; like IDENTIFIER, a token starts at the run's first non-digit."""
    token = run.lstrip(_DIGITS)
    return _expand(token.decode("ascii")) if token else ()


@lru_cache(maxsize=500_000)
def _identifier_of_run(run: bytes) -> str:
    return run.lstrip(_DIGITS).decode("ascii")


def word_count(text: str) -> int:
    """How many runs of letters, digits and underscores `text` has."""
    if text.isascii():
        return len(text.encode("ascii").translate(_SPLIT_TABLE).split())
    return len(_WORD.findall(text))


def terms_of_word(word: str) -> tuple[str, ...]:
    """The terms one run of letters, digits and underscores gives, as `term_counts` counts them
    (its identifier starts at its first letter or underscore)."""
    found = IDENTIFIER.search(word)
    return _expand(found.group()) if found else ()


def query_terms(text: str) -> list[str]:
    """The distinct searchable terms of a task description, in order of appearance."""
    seen: dict[str, None] = {}
    for token in IDENTIFIER.findall(text):
        whole = token.lower()
        if whole in STOPWORDS or len(whole) < 2:
            continue
        if "_" in token or split_identifier(token) != (stem(whole),):
            seen.setdefault(whole, None)
        for piece in split_identifier(token):
            if piece not in STOPWORDS:
                seen.setdefault(piece, None)
    return list(seen)


def query_identifiers(text: str) -> set[str]:
    """Tokens of a task that look like code names: `load_config`, `CodeIndex`, `parse`."""
    return {t for t in IDENTIFIER.findall(text) if len(t) > 2 and t.lower() not in STOPWORDS}


# Tasks that name a linter, a type checker or a style check ("Fix CS/WS issues", "fix mypy findings",
# "chore: fix clippy lints"): they say what flagged the code, not where it is. A name followed by
# `/`, `-` or `::` is something else (RuboCop's `Lint/` cops, `eslint-plugin-x`, `Rack::Lint`).
_HOUSEKEEPING = re.compile(
    r"(?<![\w/.:-])(?:lint|lints|linter|linters|linting|clippy|mypy|pyright|flake8|ruff|pylint|eslint|tslint|rubocop|"
    r"phpstan|psalm|phpcs|php-cs-fixer|cs/ws|codestyle|code style|coding style|gofmt|gofumpt|golangci-lint|"
    r"staticcheck|go vet|spotless|checkstyle|error ?prone|rustfmt|clang-tidy|(?:cs|ws|whitespace|style) (?:issues?|violations?|errors?))"
    r"(?![\w/-]|::)",
    re.IGNORECASE,
)


def names_a_checker(task: str) -> bool:
    """Whether a task's first line names a linter, type checker or style check as what it is about
    (a body that mentions one in passing does not count)."""
    return _HOUSEKEEPING.search(task.strip().split("\n", 1)[0]) is not None


def path_mentions(text: str) -> list[str]:
    """Things in a task that look like file paths or file names: `llmdev/cli.py`, `index.ts`."""
    return [m.strip("./") for m in PATH_LIKE.findall(text)]
