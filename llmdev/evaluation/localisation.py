"""Score a localisation task: does the context llmdev builds for the fix's message, at the commit
before the fix, hold the files and functions the fix changed? Lexical (no model), or model-assisted:
a model first picks files from the map of the best-ranked ones; its runs are stored as `MODEL [locate]`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmdev.code.index import CodeIndex
    from llmdev.context.select import ContextSelection, Locator
    from llmdev.evaluation.mining import Task
    from llmdev.repo.discovery import Repository


@dataclass(frozen=True)
class Target:
    path: str
    name: str
    line: int
    end_line: int

    def label(self) -> str:
        return f"{self.path}:{self.name}"


@dataclass
class LocalisationScore:
    score: float
    file_recall: float
    function_recall: float | None  # None when the fix changed no line inside a definition
    files: list[str] = field(default_factory=list)
    found_files: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    found_functions: list[str] = field(default_factory=list)
    context_tokens: int = 0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def target_definitions(index: "CodeIndex", lines: dict[str, list[int]]) -> list[Target]:
    """The innermost definition around each changed line, once each."""
    from llmdev.code.index import innermost

    found: dict[tuple[str, int], Target] = {}
    for path, numbers in lines.items():
        tags = [t for t in index.definition_tags(path)]
        for number in numbers:
            tag = innermost(tags, number)
            if tag is not None:
                found.setdefault((path, tag.line), Target(path, tag.name, tag.line, tag.end_line))
    return list(found.values())


def _covered(target: Target, selection: "ContextSelection") -> bool:
    """A chosen definition holds the target, or is part of it (a method of a changed class)."""
    for ranked in selection.files:
        if ranked.path != target.path:
            continue
        for symbol in ranked.symbols:
            holds = symbol.line <= target.line and target.end_line <= symbol.end_line
            within = target.line <= symbol.line and symbol.end_line <= target.end_line
            if holds or within:
                return True
    return False


def score_selection(lines: dict[str, list[int]], index: "CodeIndex", selection: "ContextSelection") -> LocalisationScore:
    files = sorted(p for p in lines if p in index.shas)
    chosen = {f.path for f in selection.files}
    found_files = [p for p in files if p in chosen]
    targets = target_definitions(index, {p: lines[p] for p in files})
    found = [t for t in targets if _covered(t, selection)]
    file_recall = len(found_files) / len(files) if files else 0.0
    function_recall = len(found) / len(targets) if targets else None
    score = file_recall if function_recall is None else (file_recall + function_recall) / 2
    return LocalisationScore(
        score, file_recall, function_recall, files, found_files,
        [t.label() for t in targets], [t.label() for t in found], selection.tokens,
    )


LOCATE_SUFFIX = " [locate]"


def locate_label(model: str) -> str:
    """What a model's model-assisted localisation runs are stored under."""
    return model + LOCATE_SUFFIX


def located_model(label: str) -> str | None:
    """The model of a `MODEL [locate]` label, else None."""
    return label[: -len(LOCATE_SUFFIX)] if label.endswith(LOCATE_SUFFIX) else None


def score_localisation(
    repo: "Repository", task: "Task", budget: int, locate: "Locator | None" = None, settings: object = None
) -> LocalisationScore:
    """`repo` is a work tree at the fix's parent; the fix's message is the question."""
    from llmdev.code.index import load_index
    from llmdev.context.select import select_context

    index = load_index(repo, show_progress=False, settings=settings)
    selection = select_context(repo, task.payload["query"], budget=budget, index=index, locate=locate)
    return score_selection(task.payload["lines"], index, selection)
