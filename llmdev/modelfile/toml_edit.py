"""Set one string key in a TOML table by editing the text, keeping every other line (comments too).

A small, checked edit rather than a TOML writer: the result is parsed again and must hold the new
value and everything the file held before, or nothing is written.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, Sequence

from llmdev.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
HEADER = re.compile(r"^\s*\[(?!\[)(?P<name>[^\]]+)\]\s*(#.*)?$")
KEY_LINE = re.compile(r"^\s*(?P<key>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")


def toml_key(key: str) -> str:
    return key if BARE_KEY.match(key) else json.dumps(key)


def _name_parts(name: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in name.split("."))


def _unquote(key: str) -> str:
    return json.loads(key) if key.startswith('"') else key.strip("'")


def _section(lines: list[str], table: Sequence[str]) -> tuple[int, int] | None:
    """(header line, end) of `[table]`, end being the next header or the end of the file."""
    start = None
    for number, line in enumerate(lines):
        match = HEADER.match(line)
        if match is None:
            continue
        if start is not None:
            return start, number
        if _name_parts(match.group("name")) == tuple(table):
            start = number
    return (start, len(lines)) if start is not None else None


def set_string(text: str, table: Sequence[str], key: str, value: str) -> str:
    """`text` with `table.key = "value"`: the key's line replaced, or added to the table, or a new table."""
    lines = text.splitlines()
    entry = f"{toml_key(key)} = {json.dumps(value)}"
    found = _section(lines, table)
    if found is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ([""] if lines else []) + [f"[{'.'.join(toml_key(t) for t in table)}]", entry]
        return "\n".join(lines) + "\n"
    start, end = found
    for number in range(start + 1, end):
        match = KEY_LINE.match(lines[number])
        if match and _unquote(match.group("key")) == key:
            lines[number] = entry
            return "\n".join(lines) + "\n"
    last = max((n for n in range(start, end) if lines[n].strip() and not lines[n].lstrip().startswith("#")), default=start)
    lines.insert(last + 1, entry)
    return "\n".join(lines) + "\n"


def _lookup(data: dict[str, Any], path: Sequence[str]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def set_alias(path: Path, table: Sequence[str], alias: str, target: str) -> None:
    """Write `alias = "target"` into `table` of the TOML file at `path` (created if missing)."""
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    manual = f'add it yourself: [{".".join(table)}] {toml_key(alias)} = "{target}"'
    try:
        old = tomllib.loads(before)
        after = set_string(before, table, alias, target)
        new = tomllib.loads(after)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"cannot add the alias to {path}: {exc}", manual) from None
    expected = dict(_lookup(old, table) or {}) | {alias: target}
    if _lookup(new, table) != expected or _without(new, table) != _without(old, table):
        raise ConfigError(f"cannot add the alias to {path} by a simple edit (its [{'.'.join(table)}] is written unusually)", manual)
    path.write_text(after, encoding="utf-8")


def _without(data: dict[str, Any], table: Sequence[str]) -> dict[str, Any]:
    """The parsed file less the edited table, to check nothing else changed."""
    if not table:
        return data
    head, rest = table[0], table[1:]
    copy = dict(data)
    if head in copy:
        if rest and isinstance(copy[head], dict):
            copy[head] = _without(copy[head], rest)
        elif not rest:
            copy.pop(head)
    return copy
