"""Localisation: the context built for the fix's message, at the fix's parent, holds what it changed."""

from __future__ import annotations

from llmdev.code.index import load_index
from llmdev.config.schema import EvalConfig
from llmdev.context.select import ContextSelection, RankedFile, SymbolRef
from llmdev.evaluation.localisation import score_localisation, score_selection, target_definitions
from llmdev.evaluation.mining import LOCALISATION, mine_tasks
from llmdev.evaluation.scratch import ScratchCheckout
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History


def _task_and_parent(history: History):  # type: ignore[no-untyped-def]
    repo = open_repository(history.root)
    (task,) = mine_tasks(repo, EvalConfig(), kinds=[LOCALISATION])
    return task, ScratchCheckout(repo).at(task.parent)


def test_the_fixed_function_is_the_target(history: History) -> None:
    task, parent = _task_and_parent(history)
    (target,) = target_definitions(load_index(parent, show_progress=False), task.payload["lines"])
    assert (target.path, target.name) == ("stats.py", "average")


def test_a_context_holding_the_fixed_function_scores_one(history: History) -> None:
    task, parent = _task_and_parent(history)
    scored = score_localisation(parent, task, budget=2000)
    assert scored.score == 1.0 and scored.files == ["stats.py"] and scored.found_functions == ["stats.py:average"]
    assert scored.context_tokens > 0


def test_a_context_with_the_file_but_not_the_function_scores_half(history: History) -> None:
    task, parent = _task_and_parent(history)
    index = load_index(parent, show_progress=False)
    elsewhere = ContextSelection("q", 100, 10, [RankedFile("stats.py", 1.0, [SymbolRef("total", "function", 4, 5)])])
    scored = score_selection(task.payload["lines"], index, elsewhere)
    assert (scored.file_recall, scored.function_recall, scored.score) == (1.0, 0.0, 0.5)
    empty = score_selection(task.payload["lines"], index, ContextSelection("q", 100, 0, []))
    assert empty.score == 0.0 and empty.found_files == []
