"""Tasks mined from the made-up history: the fix, the commit it fixed, and commit messages."""

from __future__ import annotations

from llmdev.config.schema import EvalConfig
from llmdev.evaluation.mining import COMMIT_MSG, LOCALISATION, REVIEW, is_source, mine_tasks
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History


def _mine(history: History, **kwargs: object) -> dict[str, list]:
    settings = kwargs.pop("settings", EvalConfig())
    found: dict[str, list] = {}
    for task in mine_tasks(open_repository(history.root), settings, **kwargs):  # type: ignore[arg-type]
        found.setdefault(task.kind, []).append(task)
    return found


def test_the_fix_is_a_localisation_task_with_the_lines_it_changed(history: History) -> None:
    (task,) = _mine(history)[LOCALISATION]
    assert (task.sha, task.parent, task.id) == (history.fix, history.docs, f"localisation:{history.fix}")
    assert task.payload == {"query": "Fix off-by-one in average\n\naverage() added one to every result.",
                            "lines": {"stats.py": [history.bug_line()]}}


def test_the_commit_a_later_fix_changed_is_a_review_task(history: History) -> None:
    (task,) = _mine(history)[REVIEW]
    assert (task.sha, task.parent, task.subject) == (history.buggy, history.initial, "Add average and spread helpers")
    assert task.payload["targets"] == [["stats.py", history.bug_line()]]
    assert task.payload["fixes"] == [{"sha": history.fix, "subject": "Fix off-by-one in average"}]


def test_every_commit_with_a_parent_is_a_commit_message_task(history: History) -> None:
    tasks = _mine(history)[COMMIT_MSG]
    assert [t.sha for t in tasks] == [history.feature, history.fix, history.docs, history.buggy]
    assert tasks[1].payload == {"message": "Fix off-by-one in average\n\naverage() added one to every result."}


def test_limit_kinds_and_thresholds(history: History) -> None:
    assert [t.sha for t in _mine(history, limit=2, kinds=[COMMIT_MSG])[COMMIT_MSG]] == [history.feature, history.fix]
    assert set(_mine(history, kinds=[LOCALISATION])) == {LOCALISATION}
    assert _mine(history, settings=EvalConfig(max_lines=5)).get(LOCALISATION) is None  # the fix changes 7 lines
    assert _mine(history, settings=EvalConfig(fix_pattern=r"\bcorrect\b")).get(REVIEW) is None


def test_is_source() -> None:
    assert is_source("src/app.py") and is_source("lib/x.go")
    assert not is_source("tests/test_app.py") and not is_source("README.md") and not is_source("app_test.go")
