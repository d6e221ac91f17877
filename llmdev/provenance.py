"""Repository text in a prompt, fenced as data and labelled with where it came from.

Every piece of repository content that goes into a prompt (a diff, a file, a definition, a
caller, the repository map, a command's output) sits inside a fence:

    <data id="3f9a1c2b7d4e" kind="diff" path="app/db.py" blob="9fceb02d0ae5">
    ...
    </data id="3f9a1c2b7d4e">

The id is a keyed hash of the piece (the key is random, kept in the user data dir), so text
inside the piece cannot close its fence or open a fence that passes for one of ours, and the
same piece gets the same fence in every run (the review cache still hits). The system prompts
tell the model that fenced text is data, never instructions; the privacy guard reads the labels
to judge each piece by the path it came from.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

KINDS = ("diff", "file", "code", "definition", "caller", "map", "log", "commits", "rules", "text")
ID_LENGTH = 12
FENCE = re.compile(
    r'<data id="(?P<id>[0-9a-f]{12})"(?P<attrs>(?: [a-z_]+="(?:[^"\\\n]|\\.)*")*)>\n.*?</data id="(?P=id)">',
    re.DOTALL,
)
ATTR = re.compile(r' (?P<name>[a-z_]+)=(?P<value>"(?:[^"\\\n]|\\.)*")')


@dataclass(frozen=True)
class FencedPiece:
    """One fenced piece of a prompt text: its labels, and where the whole fence sits (offsets)."""

    kind: str
    path: str | None
    old_path: str | None
    start: int
    end: int
    blob: str | None = None

    @property
    def paths(self) -> list[str]:
        return [p for p in (self.path, self.old_path) if p]


def _attribute(value: str | None) -> str:
    return json.dumps(value, ensure_ascii=False)


def fence(kind: str, text: str, path: str | None = None, *, old_path: str | None = None, blob: str | None = None) -> str:
    """`text` inside a data fence labelled with its kind, source path, a rename's old path and the
    git blob it was read from, when known."""
    from llmdev.privacy.placeholders import keyed_hex

    if kind not in KINDS:
        raise ValueError(f"unknown data kind {kind!r}")
    labels = f' kind="{kind}"'
    if path is not None:
        labels += f" path={_attribute(path)}"
    if old_path is not None and old_path != path:
        labels += f" from={_attribute(old_path)}"
    if blob and blob.strip("0"):  # git writes all zeros for a side it has no blob for
        labels += f" blob={_attribute(blob[:12])}"
    body = text.rstrip("\n")
    ident = keyed_hex(f"fence\0{labels}\0{body}", ID_LENGTH)
    return f'<data id="{ident}"{labels}>\n{body}\n</data id="{ident}">'


def fence_rows(kind: str, rows: list[tuple[str, str]]) -> str:
    """(path, row) pairs as one fence per source path, in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for path, row in rows:
        grouped.setdefault(path, []).append(row)
    return "\n".join(fence(kind, "\n".join(texts), path) for path, texts in grouped.items())


def fenced_pieces(text: str) -> list[FencedPiece]:
    """The outermost fences in `text`, in order (a fence-like text inside a piece is part of it)."""
    pieces: list[FencedPiece] = []
    for match in FENCE.finditer(text):
        labels = {m.group("name"): json.loads(m.group("value")) for m in ATTR.finditer(match.group("attrs"))}
        kind, path, old_path, blob = (labels.get(name) for name in ("kind", "path", "from", "blob"))
        pieces.append(FencedPiece(str(kind or ""), path, old_path, match.start(), match.end(), blob))
    return pieces


def piece_at(pieces: list[FencedPiece], offset: int) -> FencedPiece | None:
    return next((p for p in pieces if p.start <= offset < p.end), None)
