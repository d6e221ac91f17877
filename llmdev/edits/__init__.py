"""Edits from the model, applied safely: parse edit blocks, match them tolerantly, write all files
or none, keep an undo journal, render diffs and patches."""

from llmdev.edits.atomic import WriteRefused, write_changes
from llmdev.edits.blocks import EditBlock, ParsedEdits, parse_edit_blocks
from llmdev.edits.diff import coloured_diff, diff_stats, patch_bytes, render_patch
from llmdev.edits.plan import BlockFailure, EditPlan, FileChange, plan_edits

__all__ = [
    "BlockFailure",
    "EditBlock",
    "EditPlan",
    "FileChange",
    "ParsedEdits",
    "WriteRefused",
    "coloured_diff",
    "diff_stats",
    "parse_edit_blocks",
    "patch_bytes",
    "plan_edits",
    "render_patch",
    "write_changes",
]
