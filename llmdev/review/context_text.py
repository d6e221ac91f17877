"""Repository context for each hunk, as prompt blocks: the enclosing code, the definitions the changed
lines use, and the callers of the symbols they change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.provenance import fence, fence_rows

if TYPE_CHECKING:
    from llmdev.context.diff_context import HunkContext
    from llmdev.repo.diff_types import DiffSpec, FileDiff
    from llmdev.repo.discovery import Repository

NUMBER_WIDTH = 5


def _hunk_span(context: "HunkContext") -> tuple[int, int]:
    hunk = context.hunk
    return hunk.new_start, hunk.new_start + max(hunk.new_count - 1, 0)


def _shown(number: int, spans: list[tuple[int, int]]) -> bool:
    return any(first <= number <= last for first, last in spans)


def enclosing_block(context: "HunkContext", spans: list[tuple[int, int]]) -> str:
    """The enclosing definition with line numbers; the lines the diff already shows are elided."""
    tag = context.new_enclosing
    if tag is None or not context.new_enclosing_code:
        return ""
    rows: list[str] = []
    elided: list[int] = []
    for offset, text in enumerate(context.new_enclosing_code.splitlines()):
        number = tag.line + offset
        if _shown(number, spans):
            elided.append(number)
            continue
        if elided:
            rows.append(f"{'':>{NUMBER_WIDTH}}   … lines {elided[0]}-{elided[-1]} are in the diff")
            elided = []
        rows.append(f"{number:>{NUMBER_WIDTH}}   {text.rstrip()}")
    if not any(not row.lstrip().startswith("…") for row in rows):
        return ""  # the diff shows all of it
    if elided:
        rows.append(f"{'':>{NUMBER_WIDTH}}   … lines {elided[0]}-{elided[-1]} are in the diff")
    shown_to = tag.line + len(context.new_enclosing_code.splitlines()) - 1
    if shown_to < tag.end_line:
        rows.append(f"{'':>{NUMBER_WIDTH}}   … lines {shown_to + 1}-{tag.end_line} are not shown")
    title = f"Enclosing {tag.kind} `{tag.name}` in {context.path} (lines {tag.line}-{tag.end_line}):\n"
    return title + fence("code", "\n".join(rows), context.path)


def definitions_block(context: "HunkContext") -> str:
    if not context.definitions:
        return ""
    rows = [(path, f"- {tag.kind} `{tag.name}` at {path}:{tag.line}: {tag.signature.strip()}") for path, tag in context.definitions]
    return "Definitions used by the changed lines:\n" + fence_rows("definition", rows)


def callers_block(context: "HunkContext") -> str:
    if not context.callers:
        return ""
    names = ", ".join(f"`{n}`" for n in context.changed_symbols)
    rows = [(path, f"- {path}:{line}: {text}") for path, line, text in context.callers]
    return f"Callers of the changed {names}:\n" + fence_rows("caller", rows)


def hunk_contexts(
    repo: "Repository", diffs: list["FileDiff"], spec: "DiffSpec", settings: object = None
) -> dict[tuple[str, int], tuple[str, ...]]:
    """(path, hunk number) -> context blocks, from the code index (repository intelligence).

    An enclosing definition is given once per file, with the first hunk inside it."""
    from llmdev.context.diff_context import diff_context
    from llmdev.repo.diffs import new_side_rev

    where = {id(h): (d.path, i) for d in diffs for i, h in enumerate(d.hunks)}
    by_file: dict[str, list["HunkContext"]] = {}
    for context in diff_context(repo, diffs, new_side_rev=new_side_rev(spec), settings=settings):
        if id(context.hunk) in where:
            by_file.setdefault(context.path, []).append(context)
    found: dict[tuple[str, int], tuple[str, ...]] = {}
    for contexts in by_file.values():
        spans = [_hunk_span(c) for c in contexts]
        given: set[tuple[int, int]] = set()
        for context in contexts:
            tag = context.new_enclosing
            enclosing = ""
            if tag is not None and (tag.line, tag.end_line) not in given:
                given.add((tag.line, tag.end_line))
                enclosing = enclosing_block(context, spans)
            blocks = (enclosing, definitions_block(context), callers_block(context))
            found[where[id(context.hunk)]] = tuple(b for b in blocks if b)
    return found
