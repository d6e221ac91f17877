"""Read a CI log the way GitHub's runner does: which lines would it act on as workflow commands?"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    data: str
    line: str


def _parse(line: str) -> Command | None:
    """A `::name props::data` line (after leading spaces) or a `##[name props]data` anywhere in it.
    Every name counts (the runner knows about fifteen; counting all of them errs on the safe side)."""
    stripped = line.lstrip()
    if stripped.startswith("::") and (end := stripped.find("::", 2)) > 0:
        return Command(stripped[2:end].split(" ", 1)[0], stripped[end + 2:], line)
    if (start := line.find("##[")) >= 0 and (close := line.find("]", start)) > 0:
        return Command(line[start + 3:close].split(" ", 1)[0], line[close + 1:], line)
    return None


def commands_run(log: str) -> list[Command]:
    """The commands the runner would act on, in order, honouring `stop-commands` and its resume token."""
    acted: list[Command] = []
    token: str | None = None
    for line in re.split(r"\r\n|\r|\n", log):
        command = _parse(line)
        if command is None:
            continue
        if token is not None:
            if command.name.lower() == token.lower():
                token = None
            continue
        if command.name == "stop-commands":
            token = command.data
            continue
        acted.append(command)
    assert token is None, f"commands are still stopped at the end of the log (token {token})"
    return acted
