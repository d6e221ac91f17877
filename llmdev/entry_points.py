"""Entry points of one group, read straight from the installed distributions' metadata files.

`importlib.metadata` costs about 30 ms to import (it parses e-mail style headers) and start-up
needs only the `entry_points.txt` of each distribution on `sys.path`, so llmdev reads those.
Like importlib.metadata, the first distribution of a name on `sys.path` wins.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from typing import Any, Iterator


@dataclass(frozen=True)
class EntryPoint:
    name: str
    value: str  # "module" or "module:attribute.path"
    dist_name: str
    dist_version: str

    def load(self) -> Any:
        module_name, _, attribute = self.value.partition(":")
        target: Any = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split(".")):
            target = getattr(target, part)
        return target


def _distributions() -> Iterator[tuple[str, str, str]]:
    """(name, version, metadata folder) of every distribution on sys.path, first of a name only."""
    seen: set[str] = set()
    for base in sys.path:
        try:
            entries = sorted(os.listdir(base or "."))
        except OSError:
            continue
        for entry in entries:
            stem, dot, kind = entry.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            name, _, version = stem.partition("-")
            key = name.lower().replace("-", "_").replace(".", "_")
            if key not in seen:
                seen.add(key)
                yield name, version.partition("-")[0], os.path.join(base or ".", entry)


def _parse(text: str, group: str) -> Iterator[tuple[str, str]]:
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line:
            name, _, value = line.partition("=")
            yield name.strip(), value.strip()


def entry_points(group: str) -> list[EntryPoint]:
    """Every entry point in `group`, in sys.path order."""
    found = []
    for dist_name, version, folder in _distributions():
        try:
            with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            continue
        found.extend(EntryPoint(name, value, dist_name, version) for name, value in _parse(text, group))
    return found
