"""Tags of one source file: definitions with their span and signature, and references by name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from llmdev.code.languages import grammar, is_test_path, language_for, tag_query
from llmdev.code.terms import looks_random, term_and_identifier_counts, term_counts

# Definitions whose functions are methods.
CONTAINER_KINDS = frozenset({"class", "interface", "impl", "enum", "struct", "trait"})
MAX_PARSE_BYTES = 2_000_000
MAX_REFERENCES = 20_000
MAX_SIGNATURE_LINES = 4
# A definition on a line longer than this keeps no signature: such lines are minified or generated
# code (a 700 KB bundle has a thousand definitions on 155 lines), the text would say nothing, and
# scanning it for secrets once per definition took 75 s on one such file.
MAX_SIGNATURE_LINE = 1_000
COMMENT_STARTS = ("#", "//", "/*", "*", "--")

# Compact forms stored in the index: (name, kind, line, end_line, signature) and (name, kind, line).
DefRow = tuple[str, str, int, int, str]
RefRow = tuple[str, str, int]


class Tag(NamedTuple):
    """A definition (class, function, method, ...) or a reference to a name, with 1-based inclusive
    lines. A named tuple: files have thousands of them, made each time a file's tags are asked for."""

    name: str
    kind: str
    line: int
    end_line: int
    signature: str
    is_definition: bool


@dataclass
class ParsedFile:
    """Everything the index keeps about one blob.

    Test files are summarised by text: `identifiers` (how often each identifier occurs) stands in
    for their references in the repository summary and their definitions do not count there, so
    their tags are only extracted (`tagged`) when something asks for them.
    """

    language: str | None
    definitions: list[DefRow] = field(default_factory=list)
    references: list[RefRow] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    line_count: int = 0
    complete: bool = True  # False when only the head (language, definitions) was loaded
    identifiers: dict[str, int] | None = None  # set: the summary takes these, not the tags
    tagged: bool = True  # False: definitions and references were not extracted yet

    def head(self) -> tuple[Any, ...]:
        return (self.language, self.definitions, self.line_count, self.tagged)

    def tail(self) -> tuple[Any, ...]:
        return (self.references, self.terms, self.identifiers)

    @classmethod
    def from_parts(cls, head: tuple[Any, ...], tail: tuple[Any, ...] | None) -> "ParsedFile":
        language, definitions, line_count, tagged = head
        if tail is None:
            return cls(language, definitions, [], {}, line_count, complete=False, tagged=tagged)
        references, terms, identifiers = tail
        return cls(language, definitions, references, terms, line_count, True, identifiers, tagged)


def parse_file(path: str, text: str, data: bytes | None = None, *, tags: bool = True) -> ParsedFile:
    """Tags and terms of a file; files in languages without a grammar get terms only.
    `data` is the file's bytes when the caller has them (saves encoding `text` again);
    tags=False leaves a test file's tags to `add_tags`, when they are needed."""
    language = language_for(path)
    lines = text.splitlines()
    if language is not None and is_test_path(path):
        terms, identifiers = term_and_identifier_counts(text)
        parsed = ParsedFile(language, terms=terms, line_count=len(lines), identifiers=identifiers, tagged=False)
        return add_tags(parsed, text, data, lines) if tags else parsed
    parsed = ParsedFile(language, terms=term_counts(text), line_count=len(lines))
    return parsed if language is None else add_tags(parsed, text, data, lines)


def add_tags(parsed: ParsedFile, text: str, data: bytes | None = None, lines: list[str] | None = None) -> ParsedFile:
    """`parsed` with the definitions and references of `text` (its content) extracted."""
    parsed.tagged = True
    if parsed.language is None:
        return parsed
    if data is None:
        data = text.encode("utf-8", errors="surrogateescape")
    if len(data) > MAX_PARSE_BYTES:
        return parsed
    parsed.definitions, parsed.references = _extract(parsed.language, data, text.splitlines() if lines is None else lines)
    return parsed


def _extract(language: str, data: bytes, lines: list[str]) -> tuple[list[DefRow], list[RefRow]]:
    """One pass of the tags query: definitions with their name capture, and references."""
    from tree_sitter import Parser, QueryCursor

    tree = Parser(grammar(language)).parse(data)
    reference_kinds = _reference_kinds(language)
    definitions: dict[tuple[int, str], DefRow] = {}
    name_starts: set[int] = set()
    ref_nodes: list[Any] = []
    ref_kinds: list[str] = []
    add_node, add_kind = ref_nodes.append, ref_kinds.append
    for _, captures in QueryCursor(tag_query(language)).matches(tree.root_node):
        # Most matches are a single reference; a definition match also holds its name.
        name_nodes = captures.get("name") if len(captures) > 1 else None
        for capture, nodes in captures.items():
            kind = reference_kinds.get(capture)
            if kind is not None:
                for node in nodes:
                    add_node(node)
                    add_kind(kind)
            elif name_nodes and capture.startswith("definition."):
                row = _definition(capture[11:], nodes[0], name_nodes[0], lines)
                definitions.setdefault((row[2], row[0]), row)
                name_starts.add(name_nodes[0].start_byte)
    refs: list[RefRow] = []
    add_ref = refs.append
    for node, kind in zip(ref_nodes[:MAX_REFERENCES], ref_kinds):
        start = node.start_byte
        if start not in name_starts:
            name = data[start : node.end_byte].decode("utf-8", "replace")
            if not looks_random(name):  # a key pasted into code parses as a name: the index keeps none
                add_ref((name, kind, node.start_point[0] + 1))
    return _classify_methods(sorted(definitions.values(), key=lambda d: (d[2], -d[3]))), refs


@lru_cache(maxsize=None)
def _reference_kinds(language: str) -> dict[str, str]:
    """The query's `reference.<kind>` capture names -> kind."""
    query = tag_query(language)
    names = (query.capture_name(i) for i in range(query.capture_count))
    return {name: name[10:] for name in names if name.startswith("reference.")}


def _definition(kind: str, node: Any, name_node: Any, lines: list[str]) -> DefRow:
    """The stored row of one definition; its signature runs up to where the body starts."""
    start, end = node.start_point[0], node.end_point[0]
    if node.end_point[1] == 0 and end > start:
        end -= 1
    body = node.child_by_field_name("body")
    last = start
    if body is not None and body.start_point[0] > start:
        last = body.start_point[0] - (1 if _blank_before(body, lines) else 0)
    last = min(last, start + MAX_SIGNATURE_LINES - 1, len(lines) - 1)
    while last > start and _is_comment_or_blank(lines[last]):
        last -= 1
    shown = lines[start : last + 1]
    signature = "" if any(len(line) > MAX_SIGNATURE_LINE for line in shown) else without_secrets("\n".join(line.rstrip() for line in shown))
    name = name_node.text.decode("utf-8", "replace").split("<")[0].strip()
    return (name, kind, start + 1, end + 1, signature)


LONG_TOKEN = re.compile(r"[A-Za-z0-9_+/=.-]{12,}")


def without_secrets(signature: str) -> str:
    """The signature with secrets (a default value such as `token="…"`) replaced by placeholders;
    only a signature holding a random-looking token or a quoted value is scanned."""
    quoted = "=" in signature and ('"' in signature or "'" in signature)
    if not quoted and not any(looks_random(t) for t in LONG_TOKEN.findall(signature)):
        return signature
    from llmdev.privacy.own_files import scrub

    return scrub(signature)


def _is_comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith(COMMENT_STARTS)


def _blank_before(body: Any, lines: list[str]) -> bool:
    """True when the body starts on its own line (Python blocks), so that line is not signature."""
    row, column = body.start_point
    return row < len(lines) and not lines[row][:column].strip()


def _classify_methods(definitions: list[DefRow]) -> list[DefRow]:
    """Functions defined directly inside a class-like definition are methods."""
    result: list[DefRow] = []
    open_defs: list[DefRow] = []
    for row in definitions:
        while open_defs and open_defs[-1][3] < row[2]:
            open_defs.pop()
        if row[1] == "function" and open_defs and open_defs[-1][1] in CONTAINER_KINDS:
            row = (row[0], "method", row[2], row[3], row[4])
        result.append(row)
        open_defs.append(row)
    return result


def tags_of(parsed: ParsedFile) -> list[Tag]:
    """Definitions and references as Tag objects, ordered by line."""
    tags = [Tag(n, k, line, end, sig, True) for n, k, line, end, sig in parsed.definitions]
    tags.extend(Tag(n, k, line, line, "", False) for n, k, line in parsed.references)
    tags.sort(key=lambda t: (t.line, not t.is_definition))
    return tags
