"""What every trace parser returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass(frozen=True)
class Frame:
    """One place in a stack trace, as printed (the path is not yet mapped to the repository)."""

    path: str
    line: int
    function: str | None = None
    column: int | None = None


@dataclass
class StackTrace:
    language: str  # python, pytest, javascript, go, rust, java, generic
    message: str  # the error itself, e.g. "ZeroDivisionError: division by zero"
    frames: list[Frame] = field(default_factory=list)  # innermost (where it failed) first
    code: list[str] = field(default_factory=list)  # source lines the trace printed, e.g. pytest's '>' lines
    title: str = ""  # e.g. the failing test's name


def output_lines(output: str) -> list[str]:
    """The output's lines without colour codes or CRs."""
    return ANSI.sub("", output).replace("\r\n", "\n").replace("\r", "\n").split("\n")
