"""The file path that heads an edit block, in the spellings models use: alone on its line (bare,
quoted, backticked, bold, as a heading or after `File:`), as a comment line (`// src/a.js`,
`<!-- a.html -->`), or in a fence's info string (```` ```python:app.py ````, `title="a b.py"`).
Prose is never a path: "as done in `app/a.py`:" names no file."""

from __future__ import annotations

import re
from typing import Collection

FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(.*?)\s*$")
HEADING = re.compile(r"^(?:#{1,6}\s+|[-*+]\s+)")
LABEL = re.compile(r"^(?:file|filename|file name|path)\s*:\s*", re.IGNORECASE)
QUOTED = re.compile(r"^(`+|\"|')(.+?)\1$")
BARE = re.compile(r"^[^\s`\"'<>|*]+$")
COMMENTS = (
    re.compile(r"^(?://+|#+|--|;+|%+)\s*(.+?)\s*$"),
    re.compile(r"^/\*+\s*(.+?)\s*\*+/$"),
    re.compile(r"^<!--\s*(.+?)\s*-->$"),
)
ATTRIBUTE = re.compile(r"""\b(?:title|file|filename|path)=(?:"([^"]+)"|'([^']+)'|(\S+))""", re.IGNORECASE)
# Conventional file names without a dot or a slash: anything else that bare must be a known file,
# so a one-word line of prose ("Fix") never names a file.
PLAIN_NAMES = frozenset(
    "makefile gnumakefile dockerfile containerfile license licence copying readme changelog authors notice "
    "procfile gemfile rakefile jenkinsfile vagrantfile brewfile justfile pipfile caddyfile codeowners".split()
)


def _unwrap(text: str) -> str:
    """`**x**`, `__x__`, `*x*` -> x (once)."""
    for mark in ("**", "__", "*"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            return text[len(mark) : -len(mark)].strip()
    return text


def _normal(path: str) -> str:
    path = path.replace("\\", "/")
    return path[2:] if path.startswith("./") else path


def _bare_ok(token: str, known: Collection[str]) -> bool:
    if not BARE.match(token) or not re.search(r"\w", token):
        return False
    if "/" in token or re.search(r"\w\.\w|^\.\w", token):
        return True
    return token.casefold() in PLAIN_NAMES or _normal(token) in known


def path_line(line: str, known: Collection[str] = ()) -> str | None:
    """The path if `line` is a file path alone on its line, in any usual decoration; else None."""
    text = HEADING.sub("", line.strip())
    text = _unwrap(text)
    text = LABEL.sub("", text).strip()
    colon = text.endswith(":")
    text = _unwrap(text.rstrip(":").strip())
    quoted = QUOTED.match(text)
    if quoted:
        inner = quoted.group(2).strip()
        return _normal(inner) if inner and "\n" not in inner and "`" not in inner else None
    if colon and not ("." in text or "/" in text):
        return None
    return _normal(text) if text and _bare_ok(text, known) else None


def comment_path(line: str, known: Collection[str] = ()) -> str | None:
    """The path if `line` is a comment holding only a path (`// src/a.js`, `# a.py`, `<!-- a.html -->`)."""
    text = line.strip()
    for pattern in COMMENTS:
        found = pattern.match(text)
        if found:
            return path_line(found.group(1), known)
    return None


def fence_path(line: str, known: Collection[str] = ()) -> str | None:
    """The path a fence's info string names (```python:app.py, ```js src/a.js, ``` title="a b.py"), or None."""
    found = FENCE.match(line)
    if not found or not found.group(2):
        return None
    info = found.group(2)
    attribute = ATTRIBUTE.search(info)
    if attribute:
        return _normal(next(g for g in attribute.groups() if g))
    words = info.split()
    language, _, after = words[0].partition(":")
    if after and language and re.fullmatch(r"[\w+#.-]+", language):
        return _normal(after)
    candidates = words[1:] if len(words) > 1 else words
    for word in reversed(candidates):
        if ("/" in word or re.search(r"\w\.\w", word)) and _bare_ok(word, known):
            return _normal(word)
    return None
