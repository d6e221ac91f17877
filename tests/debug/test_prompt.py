from __future__ import annotations

import re
from pathlib import Path

from llmdev.debug.context import FailureContext, RecentChanges
from llmdev.debug.prompt import changes_text, debug_messages

DIFF = "diff --git a/geo.py b/geo.py\n--- a/geo.py\n+++ b/geo.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
LOG = "commit abc1234 2026-01-02 Use cubes\n" + DIFF


def test_recent_changes_are_labelled_and_fenced_by_the_templates(tmp_path: Path) -> None:
    text = changes_text(tmp_path, RecentChanges(DIFF, LOG))
    assert re.match(r'Uncommitted:\n<data id="[0-9a-f]{12}" kind="diff">\ndiff --git a/geo.py b/geo.py', text)
    assert re.search(r'\n\nLast commits touching these files:\n<data id="[0-9a-f]{12}" kind="commits">\ncommit abc1234 2026-01-02 Use cubes\n', text)
    assert changes_text(tmp_path, RecentChanges(commits=LOG)).startswith("Last commits touching these files:")
    assert changes_text(tmp_path, RecentChanges()) == "(none)"


def test_a_repository_can_reword_the_labels(tmp_path: Path) -> None:
    override = tmp_path / ".llmdev" / "prompts" / "debug"
    override.mkdir(parents=True)
    (override / "uncommitted.md").write_text("Not committed yet:\n$diff\n", encoding="utf-8")
    context = FailureContext([], [], recent_changes=RecentChanges(DIFF))
    messages = debug_messages(tmp_path, command="pytest", status="failed", output="E boom", context=context)
    assert re.search(r'# Recent changes to these files\nNot committed yet:\n<data id="[0-9a-f]{12}" kind="diff">\ndiff --git a/geo.py', messages[-1].content)
