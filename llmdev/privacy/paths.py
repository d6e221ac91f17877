"""Private paths: files never sent to a remote model, and where their diffs sit in a prompt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

# gitignore-style; a pattern without a slash matches at any depth.
DEFAULT_PRIVATE_PATHS = (
    "**/secrets/**",
    "**/.secrets/**",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    ".env",
    ".env.*",
    ".envrc",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    ".pgpass",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    "**/.aws/credentials",
    "**/.ssh/**",
    "*.tfstate",
    "*.tfstate.*",
    "*.tfvars",
)

DIFF_HEADER = re.compile(r"^diff --git a/(?P<a>\S+) b/(?P<b>\S+)[ \t]*$", re.MULTILINE)
FILE_MARKERS = re.compile(r"^(?:\+\+\+ b/|--- a/|rename (?:from|to) |copy (?:from|to) )(?P<path>\S+)[ \t]*$", re.MULTILINE)
# Lines that can follow a `diff --git` header and still belong to that file's diff.
DIFF_BODY_LINE = re.compile(
    r"^(?:[ +\-\\]|@@ |index |new file mode|deleted file mode|old mode|new mode|similarity index|"
    r"dissimilarity index|rename (?:from|to) |copy (?:from|to) |Binary files |GIT binary patch|literal |delta |$)"
)


@dataclass(frozen=True)
class DiffSection:
    """One file's part of a diff inside a text, by character offsets."""

    path: str
    start: int
    end: int


class PathRules:
    """The private path patterns, minus the allowed ones."""

    def __init__(self, extra: Iterable[str] = (), allow: Iterable[str] = ()) -> None:
        self.patterns = [*DEFAULT_PRIVATE_PATHS, *extra]
        self._allow = list(allow)
        self._needles = _needles(self.patterns)

    # Compiled when a path first passes the plain-text test: importing pathspec alone costs about
    # 20 ms, which a command checking only ordinary paths (an edited source file) need not pay.
    @cached_property
    def _each(self) -> "list[tuple[str, GitIgnoreSpec]]":
        from pathspec import GitIgnoreSpec

        return [(p, GitIgnoreSpec.from_lines([p])) for p in self.patterns]

    @cached_property
    def _allowed(self) -> "GitIgnoreSpec":
        from pathspec import GitIgnoreSpec

        return GitIgnoreSpec.from_lines(self._allow)

    def matching_pattern(self, path: str) -> str | None:
        """The pattern that makes `path` (repository-relative) private, or None."""
        clean = path.strip()
        clean = (clean[2:] if clean.startswith("./") else clean).lstrip("/")
        if not clean or (self._needles is not None and not any(n in clean for n in self._needles)):
            return None  # no pattern can match: the common case, decided without a regex
        if self._allowed.match_file(clean):
            return None
        return next((pattern for pattern, spec in self._each if spec.match_file(clean)), None)


def _needles(patterns: Iterable[str]) -> tuple[str, ...] | None:
    """For each pattern the longest run of plain characters any path it matches must contain:
    a path holding none of them matches no pattern. None when a pattern has no such run."""
    needles = []
    for pattern in patterns:
        if pattern.startswith("!") or not pattern.strip() or pattern.startswith("#"):
            continue  # negations and comments make nothing private on their own
        while pattern.endswith(" ") and not pattern.endswith("\\ "):
            pattern = pattern[:-1]  # unescaped trailing spaces are not part of a gitignore pattern
        runs = _plain_runs(pattern)
        best = max(runs, key=len, default="")
        if not best:
            return None
        needles.append(best)
    return tuple(dict.fromkeys(needles))


def _plain_runs(pattern: str) -> list[str]:
    """The stretches of a gitignore pattern between wildcards and bracket expressions."""
    runs, current, i = [], [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            current.append(pattern[i + 1])
            i += 2
            continue
        if char in "*?[":
            runs.append("".join(current))
            current = []
            if char == "[":
                close = pattern.find("]", i + 2)
                if close < 0:
                    return []  # an unclosed bracket: let the exact check decide
                i = close
        else:
            current.append(char)
        i += 1
    runs.append("".join(current))
    return [run.strip("/") for run in runs if run.strip("/")]


def index_rules(settings: object = None) -> PathRules:
    """The private paths kept out of the code index: the built-ins and `[privacy] paths`.

    `allow_paths` is not applied here: the merged settings may hold a repository's own
    `allow_paths`, which the guard ignores but the index could not tell apart."""
    return PathRules(index_paths(settings))


def index_paths(settings: object = None) -> list[str]:
    """The `[privacy] paths` that `index_rules` adds to the built-ins."""
    privacy = getattr(settings, "privacy", None)
    return list(privacy.paths) if privacy is not None else []


def diff_sections(text: str) -> list[DiffSection]:
    """Each `diff --git` block in `text`, up to the first line that is not part of a diff."""
    sections: list[DiffSection] = []
    headers = list(DIFF_HEADER.finditer(text))
    for index, header in enumerate(headers):
        limit = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        end = header.end()
        for line in re.finditer(r"\n([^\n]*)", text[header.end():limit]):
            if not DIFF_BODY_LINE.match(line.group(1)):
                break
            end = header.end() + line.end()
        sections.append(DiffSection(header.group("b"), header.start(), end))
        if header.group("a") != header.group("b"):
            sections.append(DiffSection(header.group("a"), header.start(), end))
    return sections


def paths_in_text(text: str) -> list[tuple[str, int]]:
    """Paths named by diff headers in `text`, with the offset where each is named."""
    named = [(s.path, s.start) for s in diff_sections(text)]
    named += [(m.group("path"), m.start()) for m in FILE_MARKERS.finditer(text)]
    return sorted(set(named), key=lambda item: item[1])
