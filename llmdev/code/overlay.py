"""A saved summary brought up to date for a few changed files, in memory, without a rebuild.

Editing one file must not cost a whole-repository rebuild on every run: the newest saved summary
is corrected for the files that differ (names and links now, term postings as they are read).
Centrality and the links of unchanged files stay as saved; past MAX_CHANGED files the caller
rebuilds and saves a fresh summary instead.
"""

from __future__ import annotations

from llmdev.code.summary import Delta, NameTable, Summary, name_parts_of, pack_links, path_parts_of, weighted_links
from llmdev.code.summary_build import facts_of
from llmdev.code.tags import ParsedFile

MAX_CHANGED = 64
MAX_CHANGED_SHARE = 0.05


def too_many_changes(changed: int, total: int) -> bool:
    return changed > max(MAX_CHANGED, int(total * MAX_CHANGED_SHARE))


def overlay(base: Summary, shas: dict[str, str], old: dict[str, ParsedFile], new: dict[str, ParsedFile]) -> Summary:
    """`base` corrected to the files in `shas`; `old`/`new` hold the parses of the changed paths
    (old by base path, new by current path)."""
    positions = base.index_of()
    added = sorted(p for p in shas if p not in positions)
    _prefetch_names(base, old, new)
    summary = Summary(
        base.paths + added,
        base.lengths + [0] * len(added),
        base.definers,  # corrected in place: `base` was read for this overlay alone
        base.referrers,
        base.edges + [b""] * len(added),
        base.path_parts,
        base.centrality + [0.0] * len(added),
        base.shas + [shas[p] for p in added],
        load_terms=base.load_terms,
        uses=base.uses,  # reference counts as saved: a symbol's weight in a map, not corrected
    )
    if added:
        summary.path_parts = _merged_parts(base.path_parts, path_parts_of(added, len(base.paths)))
    positions.update({p: len(base.paths) + i for i, p in enumerate(added)})
    delta = Delta(set(), {}, {})
    for path, parsed in old.items():
        _forget(summary, positions[path], parsed, delta)
    for path in base.paths:
        if path not in shas:
            summary.hidden.add(positions[path])
    new_names: set[str] = set()
    for path, parsed in new.items():
        new_names |= _learn(summary, positions[path], parsed, delta)
    for path in new:
        node = positions[path]
        links = weighted_links(node, facts_of(new[path]).references, summary.definers)
        summary.edges[node] = pack_links(sorted(links.items(), key=lambda kv: -kv[1]))
        summary.shas[node] = shas[path]
    delta.name_parts = name_parts_of(new_names)
    summary.delta = delta
    return summary


def _prefetch_names(base: Summary, old: dict[str, ParsedFile], new: dict[str, ParsedFile]) -> None:
    """Read every name entry the corrections touch in one go, not one bucket at a time."""
    names: set[str] = set()
    for parsed in (*old.values(), *new.values()):
        facts = facts_of(parsed)
        names.update(facts.definitions)
        names.update(facts.references)
    base.definers.prefetch(names)
    base.referrers.prefetch(names)


def _forget(summary: Summary, node: int, parsed: ParsedFile, delta: Delta) -> None:
    delta.stale.add(node)
    summary.lengths[node] = 0
    facts = facts_of(parsed)
    for name in facts.definitions:
        _discard(summary.definers, name, node)
    for name in facts.references:
        _discard(summary.referrers, name, node)


def _learn(summary: Summary, node: int, parsed: ParsedFile, delta: Delta) -> set[str]:
    """Record a changed file's current names and terms; the names no file defined before."""
    delta.stale.add(node)
    delta.terms[node] = parsed.terms
    facts = facts_of(parsed)
    summary.lengths[node] = facts.length
    fresh = set()
    for name in facts.definitions:
        if name not in summary.definers:
            fresh.add(name)
        summary.definers.setdefault(name, []).append(node)
    for name in facts.references:
        summary.referrers.setdefault(name, []).append(node)
    return fresh


def _discard(table: NameTable, name: str, node: int) -> None:
    nodes = table.get(name)
    if nodes and node in nodes:
        nodes.remove(node)
        if not nodes:
            del table[name]


def _merged_parts(base: dict[str, list[int]], extra: dict[str, list[int]]) -> dict[str, list[int]]:
    merged = dict(base)
    for part, nodes in extra.items():
        merged[part] = merged.get(part, []) + nodes
    return merged
