"""GitHub Actions workflow commands: escaping for our own, and a fence around text that is not ours.

The runner reads every line of a step's stdout and stderr. It takes a line as a command when,
after leading whitespace, it starts with `::` (`::error file=…::message`), or when it contains
`##[` anywhere (the legacy `##[error]message` form). `::stop-commands::TOKEN` turns that off
until a line `::TOKEN::`; a fresh random TOKEN cannot be guessed by text written before it.
"""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from typing import Any, Mapping

# Characters .NET may skip when it compares strings (format and control characters, spaces):
# dropped before looking for a command, so that `\u200b::error::` still counts as one.
_IGNORED_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A command's message, after `::` (GitHub's rule: %, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value (`file=`, `title=`): also `:` and `,`, which end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _visible(line: str) -> str:
    kept = (c for c in unicodedata.normalize("NFKC", line) if not c.isspace() and unicodedata.category(c) not in _IGNORED_CATEGORIES)
    return "".join(kept)


def could_start_command(text: str) -> bool:
    """Whether any line of `text` might be read as a workflow command (errs on the side of yes)."""
    return any(_visible(line).startswith("::") or "##[" in _visible(line) for line in text.splitlines())


def _token(text: str) -> str:
    while True:
        token = f"llmdev-{secrets.token_hex(16)}"
        if token.lower() not in text.lower():
            return token


def fence_lines(text: str) -> tuple[str, str]:
    """The lines that go before and after `text` so that none of its lines acts as a command."""
    token = _token(text)
    return f"::stop-commands::{token}\n", f"::{token}::\n"


def fence(text: str) -> str:
    """`text` between `::stop-commands::TOKEN` and `::TOKEN::`."""
    before, after = fence_lines(text)
    return before + text + ("" if text.endswith("\n") or not text else "\n") + after


def needs_fence(text: str, environ: Mapping[str, str] | None = None) -> bool:
    """Under GitHub Actions, text that could hold a command must be fenced."""
    return in_github_actions(environ) and could_start_command(text)


def guard(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Free text for stdout or stderr: fenced when `needs_fence`, else exactly as given."""
    return fence(text) if needs_fence(text, environ) else text


def dump_json(data: Any, indent: int | None = 2) -> str:
    """JSON in ASCII with every `#` written as `\\u0023`: the same data, but no line of it can carry
    a workflow command (`##[error]…` counts anywhere in a line) when it is printed in a CI log."""
    return json.dumps(data, indent=indent, ensure_ascii=True).replace("#", "\\u0023")


class StreamGuard:
    """`guard` for text that arrives in pieces: whole lines pass through as they complete, and the
    fence opens before the first line that could act as a command (it closes at `finish`)."""

    def __init__(self) -> None:
        self._partial = ""
        self._end = ""

    def feed(self, text: str) -> str:
        """What may be written now: the lines `text` completes."""
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        return "".join(self._line(line + "\n") for line in lines)

    def finish(self) -> str:
        """The rest: an unfinished last line (ended) and the fence's closing line."""
        rest = self._line(self._partial + "\n") if self._partial else ""
        self._partial = ""
        return rest + self._end

    def _line(self, line: str) -> str:
        if self._end or not could_start_command(line):
            return line
        start, self._end = fence_lines("")
        return start + line
