"""A file's text as lines, remembering its encoding, byte-order mark and each line's ending."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

_NEWLINE = re.compile(r"(\r\n|\n)")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")


class NotTextError(ValueError):
    """The bytes are not text llmdev can edit and write back unchanged."""


@dataclass
class TextFile:
    """Lines without their endings; `endings[i]` is the ending of `lines[i]` ('' on an unterminated last line)."""

    lines: list[str] = field(default_factory=list)
    endings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    bom: bytes = b""

    @property
    def newline(self) -> str:
        """The ending most lines use: new lines get it."""
        crlf = sum(1 for e in self.endings if e == "\r\n")
        lf = sum(1 for e in self.endings if e == "\n")
        return "\r\n" if crlf > lf else "\n"

    @property
    def ends_with_newline(self) -> bool:
        return not self.endings or self.endings[-1] != ""

    def text(self) -> str:
        return "".join(line + ending for line, ending in zip(self.lines, self.endings))

    def to_bytes(self) -> bytes:
        return self.bom + self.text().encode(self.encoding)

    def copy(self) -> "TextFile":
        return TextFile(list(self.lines), list(self.endings), self.encoding, self.bom)

    def replace_lines(self, start: int, end: int, new_lines: list[str]) -> None:
        """Replace lines[start:end]; new lines take the file's usual ending, the last line keeps its state."""
        had_final_newline = self.ends_with_newline
        newline = self.newline
        self.lines[start:end] = new_lines
        self.endings[start:end] = [newline] * len(new_lines)
        if self.lines:
            self.endings[-1] = newline if had_final_newline else ""


def split_text(text: str) -> tuple[list[str], list[str]]:
    """Split on LF and CRLF only (a lone CR or a form feed stays inside its line)."""
    parts = _NEWLINE.split(text)
    lines = parts[0::2]
    endings = parts[1::2] + [""]
    if lines and lines[-1] == "" and endings[-1] == "":
        lines.pop()
        endings.pop()
    return lines, endings


def from_text(text: str, encoding: str = "utf-8", bom: bytes = b"") -> TextFile:
    lines, endings = split_text(text)
    return TextFile(lines, endings, encoding, bom)


def decode(data: bytes) -> TextFile:
    """Decode file bytes so that `to_bytes()` gives them back exactly, or raise NotTextError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data, data[len(bom):], encoding, bom)
    if b"\0" in data:
        raise NotTextError("binary file (contains NUL bytes)")
    for encoding in FALLBACK_ENCODINGS:
        try:
            return _checked(data, data, encoding, b"")
        except (UnicodeDecodeError, NotTextError):
            continue
    raise NotTextError("not decodable as text")  # pragma: no cover - latin-1 decodes anything


def _checked(original: bytes, body: bytes, encoding: str, bom: bytes) -> TextFile:
    text_file = from_text(body.decode(encoding), encoding, bom)
    if text_file.to_bytes() != original:
        raise NotTextError(f"does not round-trip as {encoding}")
    return text_file


def new_file(text: str) -> TextFile:
    """A file the model creates: UTF-8, LF, ending with a newline."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return TextFile(lines, ["\n"] * len(lines))
