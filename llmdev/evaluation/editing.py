"""The edit task of `llmdev eval`: a fix commit's message is the instruction, the files it changed
are named, and the model's edits (in one edit format) are planned on the commit's parent, never
written. The score is the share of those files that come out as the commit left them (trailing
whitespace aside). With several `--edit-format`s the same tasks run once per format, so the
formats are compared on equal terms; each run is stored as `model [format]`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.loader import LoadedConfig
    from llmdev.edits.formats import EditFormat
    from llmdev.evaluation.mining import Task
    from llmdev.repo.discovery import Repository

COMMAND = "eval"
LABEL = re.compile(r"^(?P<model>.+) \[(?P<format>search-replace|whole)\]$")


def format_label(model: str, edit_format: str) -> str:
    return f"{model} [{edit_format}]"


def split_label(label: str) -> tuple[str, "EditFormat | None"]:
    """(model, the format the label fixes, or None for the model's configured one)."""
    found = LABEL.match(label)
    return (found.group("model"), found.group("format")) if found else (label, None)  # type: ignore[return-value]


def _asker(config: "LoadedConfig", model: str, files: list[str]) -> Callable[[list["Message"]], str]:
    from llmdev.calls import default_options, execute, prepare
    from llmdev.evaluation.tasks import Skip, privacy_stop

    def ask(messages: list["Message"]) -> str:
        prepared = prepare(COMMAND, messages, config, model_flag=model, files=files, options=default_options(config.settings))
        if (why := privacy_stop([prepared], model)) is not None:
            raise Skip(why)
        return execute(prepared, config).text

    return ask


def _lines(data: bytes | None) -> list[str] | None:
    return None if data is None else [line.rstrip() for line in data.decode("utf-8", "replace").splitlines()]


def score_edit(repo: "Repository", config: "LoadedConfig", task: "Task", label: str) -> tuple[float, dict]:
    """Ask for the task's change in the label's format (else the model's) and score the planned files."""
    from llmdev.edits.conversation import EditsFailed, propose_edits
    from llmdev.edits.formats import edit_format_for
    from llmdev.edits.request import gen_request

    model, fixed = split_label(label)
    edit_format = fixed or edit_format_for(model, config.settings)
    paths: list[str] = list(task.payload["files"])
    context, messages = gen_request(repo, config, task.payload["instruction"], paths, edit_format)
    details: dict = {"format": edit_format, "files": paths}
    try:
        proposed = propose_edits(_asker(config, model, context.files), messages, repo.root, known_files=paths, edit_format=edit_format)
    except EditsFailed as exc:
        return 0.0, details | {"applied": False, "reason": exc.message, "failures": exc.failures[:5]}
    planned = {c.path: c.after for c in proposed.plan.changes}
    committed = {p: repo.git_bytes("show", f"{task.sha}:{p}", check=False) for p in paths}
    exact = [p for p in paths if _lines(planned.get(p, (repo.root / p).read_bytes())) == _lines(committed[p])]
    return len(exact) / len(paths), details | {"applied": True, "exact": exact, "rounds": len(proposed.answers)}

