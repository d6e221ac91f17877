"""Read `git diff --raw -p -z` output: raw records give statuses, modes, blobs and exact paths;
the patch that follows gives the hunks, one section per raw record (two for a type change)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from llmdev.repo.diff_types import DiffLine, FileDiff, FileStatus, Hunk

SUBMODULE_MODE = "160000"
STATUSES: dict[str, FileStatus] = {
    "A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied", "T": "type-changed",
}
HUNK_HEADER = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")
SECTION_STARTS = (b"diff --git ", b"* Unmerged path ")


@dataclass
class RawRecord:
    old_mode: str
    new_mode: str
    old_sha: str
    new_sha: str
    letter: str  # A, M, D, R, C, T, U or X
    score: int | None
    old_path: str
    new_path: str


@dataclass
class PatchSection:
    header: bytes
    size: int = 0  # bytes of patch text
    binary: bool = False
    index_new: str | None = None  # the new blob from the "index a..b" line
    hunks: list[Hunk] = field(default_factory=list)
    undecodable: bool = False


def split_raw(data: bytes) -> tuple[list[RawRecord], bytes]:
    """The raw records at the start of `data` and the patch text after them."""
    fields = data.split(b"\0")
    records: list[RawRecord] = []
    i = 0
    consumed = 0
    while i < len(fields) and fields[i].startswith(b":"):
        old_mode, new_mode, old_sha, new_sha, status = fields[i][1:].decode("ascii").split(" ")
        two_paths = status[0] in "RC"
        old_path = fields[i + 1].decode("utf-8", "surrogateescape")
        new_path = fields[i + 2].decode("utf-8", "surrogateescape") if two_paths else old_path
        score = int(status[1:]) if status[1:].isdigit() else None
        records.append(RawRecord(old_mode, new_mode, old_sha, new_sha, status[0], score, old_path, new_path))
        step = 3 if two_paths else 2
        consumed += sum(len(f) + 1 for f in fields[i : i + step])
        i += step
    patch = data[consumed:]
    return records, patch[1:] if patch.startswith(b"\0") else patch


def parse_patch(patch: bytes) -> list[PatchSection]:
    """Split the patch into per-file sections and parse their hunks."""
    lines = patch.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    sections: list[PatchSection] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(SECTION_STARTS):
            sections.append(PatchSection(header=line, size=len(line) + 1))
            i += 1
        elif not sections:
            i += 1  # stray text before the first section: ignore
        elif line.startswith(b"@@ "):
            i = _read_hunk(lines, i, sections[-1])
        else:
            _read_meta(line, sections[-1])
            i += 1
    return sections


def _read_meta(line: bytes, section: PatchSection) -> None:
    section.size += len(line) + 1
    if line.startswith(b"Binary files ") or line == b"GIT binary patch":
        section.binary = True
    elif line.startswith(b"index "):
        shas = line.split(b" ")[1].split(b"..")
        if len(shas) == 2:
            section.index_new = shas[1].decode("ascii", "replace")


def _read_hunk(lines: list[bytes], i: int, section: PatchSection) -> int:
    """Parse the hunk whose header is lines[i]; return the index just after it."""
    match = HUNK_HEADER.match(lines[i])
    if match is None:  # not a hunk header after all: keep it as metadata
        _read_meta(lines[i], section)
        return i + 1
    old_start, old_count, new_start, new_count = (int(g) if g is not None else 1 for g in match.groups()[:4])
    section.size += len(lines[i]) + 1
    hunk = Hunk(old_start, old_count, new_start, new_count, _text(match.group(5), section))
    old_left, new_left = old_count, new_count
    old_no, new_no = old_start, new_start
    i += 1
    while i < len(lines) and (old_left > 0 or new_left > 0 or lines[i].startswith(b"\\")):
        raw = lines[i]
        section.size += len(raw) + 1
        i += 1
        kind = raw[:1] or b" "  # diff.suppressBlankEmpty prints empty context lines bare
        if kind == b"\\":
            if hunk.lines:
                last = hunk.lines[-1]
                hunk.lines[-1] = DiffLine(last.kind, last.text, last.old_no, last.new_no, no_newline=True)
            continue
        text = _text(raw[1:], section)
        if kind == b"+":
            hunk.lines.append(DiffLine("+", text, None, new_no))
            new_no, new_left = new_no + 1, new_left - 1
        elif kind == b"-":
            hunk.lines.append(DiffLine("-", text, old_no, None))
            old_no, old_left = old_no + 1, old_left - 1
        else:
            hunk.lines.append(DiffLine(" ", text, old_no, new_no))
            old_no, new_no, old_left, new_left = old_no + 1, new_no + 1, old_left - 1, new_left - 1
    section.hunks.append(hunk)
    return i


def _text(data: bytes, section: PatchSection) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        section.undecodable = True
        return data.decode("utf-8", "replace")


def c_quote(name: str) -> bytes:
    """A path as git prints it in headers with core.quotepath=off (C-style when needed)."""
    raw = name.encode("utf-8", "surrogateescape")
    if not any(b < 0x20 or b in (0x22, 0x5C, 0x7F) for b in raw):
        return raw
    escapes = {0x07: b"\\a", 0x08: b"\\b", 0x09: b"\\t", 0x0A: b"\\n", 0x0B: b"\\v", 0x0C: b"\\f", 0x0D: b"\\r", 0x22: b'\\"', 0x5C: b"\\\\"}
    out = bytearray(b'"')
    for b in raw:
        if b in escapes:
            out += escapes[b]
        elif b < 0x20 or b == 0x7F:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return bytes(out + b'"')


def expected_header(record: RawRecord) -> bytes:
    if record.letter == "U":
        return b"* Unmerged path " + record.new_path.encode("utf-8", "surrogateescape")
    return b"diff --git " + c_quote("a/" + record.old_path) + b" " + c_quote("b/" + record.new_path)


def pair_sections(records: list[RawRecord], sections: list[PatchSection]) -> list[list[PatchSection]]:
    """The patch sections of each raw record, in order (git writes both in the same order)."""
    paired: list[list[PatchSection]] = []
    j = 0
    for record in records:
        header = expected_header(record)
        mine: list[PatchSection] = []
        while j < len(sections) and sections[j].header == header:
            mine.append(sections[j])
            j += 1
        if not mine and j < len(sections):  # unexpected quoting: fall back to order alone
            take = 2 if record.letter == "T" else 1
            mine, j = sections[j : j + take], j + take
        paired.append(mine)
    return paired


def build_file_diff(record: RawRecord, sections: list[PatchSection], max_bytes: int) -> FileDiff:
    """One file's diff from its raw record and patch sections."""
    status: FileStatus = STATUSES.get(record.letter, "modified")
    diff = FileDiff(
        path=record.new_path,
        old_path=None if status == "added" else record.old_path,
        status=status,
        binary=any(s.binary for s in sections),
        hunks=[hunk for s in sections for hunk in s.hunks],
        old_blob=None if status == "added" else _sha(record.old_sha),
        new_blob=None if status == "deleted" else _new_blob(record, sections),
        old_mode=None if status == "added" else record.old_mode,
        new_mode=None if status == "deleted" else record.new_mode,
        similarity=record.score if status in ("renamed", "copied") else None,
    )
    diff.skipped_reason = _skip_reason(record, diff, sections, max_bytes)
    if diff.skipped_reason:
        diff.hunks = []
    return diff


def _skip_reason(record: RawRecord, diff: FileDiff, sections: list[PatchSection], max_bytes: int) -> str | None:
    if SUBMODULE_MODE in (record.old_mode, record.new_mode):
        return "submodule"
    if diff.binary:
        return "binary"
    if record.letter == "U":
        return "unmerged"
    if any(s.undecodable for s in sections):
        return "not UTF-8"
    if sum(s.size for s in sections) > max_bytes:
        return f"diff larger than {max_bytes // 1024} KB"
    return None


def _sha(value: str | None) -> str | None:
    return value if value and value.strip("0") else None


def _new_blob(record: RawRecord, sections: list[PatchSection]) -> str | None:
    """The new side's blob; git leaves it zero in raw output for working-tree files."""
    known = _sha(record.new_sha)
    if known:
        return known
    from_patch = [s.index_new for s in sections if _sha(s.index_new)]
    if from_patch:
        return from_patch[-1]
    return _sha(record.old_sha) if record.letter != "U" else None  # content unchanged (mode or rename only)
