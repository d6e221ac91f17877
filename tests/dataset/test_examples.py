"""Examples from the made-up history: llmdev's prompt at the commit, answered by what was really done."""

from __future__ import annotations

import json

from llmdev.config.loader import load_config
from llmdev.dataset.examples import Sources, build_examples, edit_blocks
from llmdev.dataset.export import mine_for
from llmdev.edits.blocks import parse_edit_blocks
from llmdev.edits.plan import plan_edits
from llmdev.evaluation.scratch import ScratchCheckout
from llmdev.repo.diff_types import DiffSpec
from llmdev.repo.diffs import get_diff
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import STATS_V2, STATS_V3, History


def _examples(history: History, kind: str) -> dict[str, object]:
    repo = open_repository(history.root)
    config = load_config()
    sources = Sources(config, ScratchCheckout(repo), "ollama/llama3.1:8b")
    return {e.sha: e for e in build_examples(kind, mine_for(repo, config, kind), sources)}


def test_commit_msg_examples_are_the_commit_msg_prompt_and_the_real_message(history: History) -> None:
    examples = _examples(history, "commit-msg")
    fix = examples[history.fix]
    system, user, answer = fix.messages  # type: ignore[attr-defined]
    assert system.role == "system" and "commit messages" in system.content
    assert "+    return total(values) / count(values)" in user.content and "The staged diff" in user.content
    assert "Describe the helpers in the README" in user.content  # the subjects before the fix, not after
    assert "feat(cli)" not in user.content
    assert answer.as_dict() == {"role": "assistant", "content": "Fix off-by-one in average\n\naverage() added one to every result."}
    assert sorted(fix.files) == ["stats.py", "tests/test_stats.py"]  # type: ignore[attr-defined]


def test_review_examples_point_at_the_lines_fixed_later(history: History) -> None:
    (example,) = _examples(history, "review").values()
    assert example.sha == history.buggy  # type: ignore[attr-defined]
    *prompt, answer = example.messages  # type: ignore[attr-defined]
    assert "+ def average(values):" in prompt[-1].content
    review = json.loads(answer.content)
    (finding,) = review["findings"]
    assert (finding["path"], finding["line"], finding["end_line"]) == ("stats.py", history.bug_line(), history.bug_line())
    assert finding["title"] == "Fix off-by-one in average"


def test_gen_examples_answer_with_edit_blocks_that_apply(history: History) -> None:
    examples = _examples(history, "gen")
    *prompt, answer = examples[history.fix].messages  # type: ignore[attr-defined]
    assert "Fix off-by-one in average" in prompt[-1].content and "stats.py" in prompt[-1].content
    assert answer.content.endswith("Commit message: Fix off-by-one in average")
    parsed = parse_edit_blocks(answer.content)
    scratch = ScratchCheckout(open_repository(history.root)).at(history.docs)
    plan = plan_edits(scratch.root, parsed.blocks, known_files=["stats.py"])
    assert plan.ok
    after = {c.path: c.after for c in plan.changes}
    assert after["stats.py"] == STATS_V3.encode() and b"def test_average" in (after["tests/test_stats.py"] or b"")


def test_a_deletion_cannot_be_written_as_edit_blocks(history: History) -> None:
    history.repo.git("rm", "-q", "README.md")
    gone = history.repo.commit("Remove the README")
    repo = open_repository(history.root)
    assert edit_blocks(get_diff(repo, DiffSpec("commit", history.feature, gone))) is None
    assert edit_blocks(get_diff(repo, DiffSpec("commit", history.initial, history.buggy))) is not None
    assert STATS_V2  # the buggy commit's content, used above through history.buggy
