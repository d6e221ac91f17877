"""Map the paths a stack trace prints to the repository's files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Sequence

from llmdev.debug.traces import StackTrace

# Paths that are never the repository's own code, whatever their suffix.
FOREIGN_PARTS = ("site-packages", "dist-packages", "node_modules", "/usr/lib/", "/usr/local/lib/", "/.cargo/registry/", "/go/pkg/mod/", "/rustc/")


@dataclass(frozen=True)
class Location:
    """A frame inside the repository."""

    path: str  # relative to the repository root, with '/'
    line: int
    function: str | None
    trace: int  # index of the trace it came from


class FileMapper:
    def __init__(self, root: Path, files: Sequence[str], cwd: Path | None = None) -> None:
        self.root = root.resolve()
        self.files = set(files)
        self.by_name: dict[str, list[str]] = {}
        for path in files:
            self.by_name.setdefault(PurePosixPath(path).name, []).append(path)
        self.cwd = (cwd or Path.cwd()).resolve()

    def map(self, printed: str) -> str | None:
        """The repository file a printed path means, or None if it is not one of ours."""
        path = printed.strip().removeprefix("file://")
        if not path or path.startswith("<") or any(part in path for part in FOREIGN_PARTS):
            return None
        direct = self._direct(path)
        if direct is not None:
            return direct
        if os.path.isabs(path) and Path(path).exists():
            return None  # a real file outside the repository (the standard library, a toolchain)
        return self._by_suffix(path.replace("\\", "/").removeprefix("./"))

    def _direct(self, path: str) -> str | None:
        for base in (self.cwd, self.root):
            candidate = Path(os.path.normpath(base / path))
            try:
                relative = candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
            if relative in self.files:
                return relative
        return None

    def _by_suffix(self, path: str) -> str | None:
        """Match the longest tail of the printed path; a tail shared by several files matches none."""
        parts = PurePosixPath(path).parts
        candidates = self.by_name.get(parts[-1], []) if parts else []
        for size in range(len(parts), 0, -1):
            tail = "/".join(parts[-size:])
            hits = [f for f in candidates if f == tail or f.endswith("/" + tail)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                return None
        return None


def local_frames(traces: Sequence[StackTrace], mapper: FileMapper) -> list[Location]:
    """The frames that are in the repository, innermost first per trace, without repeats."""
    seen: set[tuple[str, int]] = set()
    found: list[Location] = []
    for number, trace in enumerate(traces):
        for frame in trace.frames:
            path = mapper.map(frame.path)
            if path is None or (path, frame.line) in seen:
                continue
            seen.add((path, frame.line))
            found.append(Location(path, frame.line, frame.function, number))
    return found

