"""Property of the whole edit pipeline (parse, plan, feedback round, containment, atomic write):
for generated files and answers, a run applies exactly the intended edits or changes no byte
anywhere (work tree and .git). Files are full of marker-like lines; answers mix good blocks with
hostile or broken ones."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmdev.backends.base import Message
from llmdev.edits.atomic import write_changes
from llmdev.edits.conversation import EditsFailed, propose_edits
from llmdev.errors import LlmdevError
from tests.edits.scratch import tree_digest, write_files

# Lines that look like edit markers, fences, underlines and conflict markers, next to plain code.
CONTENT_LINES = [
    "x = 1", "    y = 2", "\tz = 3", "", "=======", "======", "<<<<<<< HEAD", ">>>>>>> feature", "```", "~~~python",
    "Install", "-------", "MAX_RETRIES = 30", "RETRIES = 3", "# note", "end", "<!-- app.md -->", "// src/a.js",
]
# REPLACE text may hold anything but a divider-like line: after a divider one cannot be told from a doubled divider.
REPLACE_LINES = [line for line in CONTENT_LINES if not line.startswith("======")] + ["new line", "    added()"]
NAMES = ["notes.txt", "docs/guide.rst", "Makefile", "docs/my notes.md", "LICENSE"]
HOSTILE = [
    "gitdir/config\n<<<<<<< SEARCH\n=======\n[core]\n\tfsmonitor = touch pwned\n>>>>>>> REPLACE\n",
    ".GIT/hooks/pre-commit\n<<<<<<< SEARCH\n=======\n#!/bin/sh\n>>>>>>> REPLACE\n",
    "../outside.txt\n<<<<<<< SEARCH\n=======\nx\n>>>>>>> REPLACE\n",
    "as done in `notes.txt`:\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n",
    "notes.txt\n<<<<<<< SEARCH\nx = 1\n=======\n",
    ">>>>>>> REPLACE\n",
    "notes.txt\n<<<<<<< SEARCH\nthis text is in no file\n=======\nx\n>>>>>>> REPLACE\n",
]


@dataclass
class Scenario:
    files: dict[str, str]
    answer: str
    expected: dict[str, str]  # every file after the intended edits
    hostile: bool
    refusable: bool = False  # an all-blank SEARCH (reads as "create the file"), or divider-like lines next to the divider
    blocks: list[str] = field(default_factory=list)


def _occurrences(lines: list[str], part: list[str]) -> int:
    return sum(1 for i in range(len(lines) - len(part) + 1) if lines[i : i + len(part)] == part)


def _header(name: str, style: int) -> str:
    if " " in name or style == 1:
        return f"`{name}`\n"
    return f"```text:{name}\n" if style == 2 else f"{name}\n"


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    files = {n: "\n".join(draw(st.lists(st.sampled_from(CONTENT_LINES), min_size=1, max_size=12))) + "\n" for n in names}
    state = {n: t.split("\n")[:-1] for n, t in files.items()}
    blocks, refusable = [], False
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(names))
        lines = state[name]
        if not lines:
            continue
        start = draw(st.integers(0, len(lines) - 1))
        size = draw(st.integers(1, min(4, len(lines) - start)))
        search = lines[start : start + size]
        if _occurrences(lines, search) != 1:
            continue
        replace = draw(st.lists(st.sampled_from(REPLACE_LINES), max_size=4).filter(lambda r: r != [""]))  # one blank line reads as empty
        divider = draw(st.sampled_from(["=======\n", "=======\n=======\n"]))
        ambiguous_divider = divider.count("=======") > 1 or search[-1].startswith("======")  # ends SEARCH, or doubled?
        refusable = refusable or not "".join(search).strip() or ambiguous_divider
        style = draw(st.integers(0, 2))
        fence_close = "```\n" if style == 2 else ""
        blocks.append(_header(name, style) + "<<<<<<< SEARCH\n" + "".join(s + "\n" for s in search)
                      + divider + "".join(r + "\n" for r in replace)
                      + ">>>>>>> REPLACE\n" + fence_close)
        state[name] = lines[:start] + replace + lines[start + size :]
    hostile = draw(st.booleans()) or not blocks
    if hostile:
        blocks.insert(draw(st.integers(0, len(blocks))), draw(st.sampled_from(HOSTILE)))
    expected = {n: "".join(line + "\n" for line in state[n]) for n in names}
    return Scenario(files, "I change it.\n\n" + "\n".join(blocks) + "\nCommit message: Change it\n", expected, hostile, refusable, blocks)


def run_pipeline(root: Path, answer: str, known: list[str]) -> bool:
    """`gen --yes` without the CLI: ask (the same answer to any feedback), plan, write. True if written."""
    def ask(messages: list[Message]) -> str:
        return answer

    try:
        proposed = propose_edits(ask, [Message("user", "change it")], root, known_files=known)
        write_changes(root, proposed.plan.changes)
    except (EditsFailed, LlmdevError):
        return False
    return bool(proposed.plan.changes)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_a_run_applies_exactly_the_intended_edits_or_changes_nothing(scenario: Scenario) -> None:
    with tempfile.TemporaryDirectory() as folder:
        top = Path(folder)
        root = top / "proj"
        root.mkdir()
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        write_files(root, scenario.files)
        (root / "gitdir").symlink_to(".git")
        before = tree_digest(top)
        written = run_pipeline(root, scenario.answer, list(scenario.files))
        after = tree_digest(top)
        if not written:
            assert after == before
            assert scenario.hostile or scenario.refusable or scenario.expected == scenario.files, scenario.answer
            return
        assert not scenario.hostile, scenario.answer
        assert {n: (root / n).read_text() for n in scenario.files} == scenario.expected
        assert {k: v for k, v in after.items() if k.removeprefix("proj/") not in scenario.files} == {
            k: v for k, v in before.items() if k.removeprefix("proj/") not in scenario.files
        }
