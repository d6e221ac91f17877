"""Python tracebacks and pytest failure reports."""

from __future__ import annotations

import re

from llmdev.debug.traces.model import Frame, StackTrace

TRACEBACK = re.compile(r"^\s*Traceback \(most recent call last\):\s*$")
FILE_LINE = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>\S+))?')
EXCEPTION = re.compile(r"^(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Warning|Failure)\b.*$|^[\w.]+: .+$")
MARKERS = re.compile(r"^\s*[~^\s]+$")
PYTEST_SECTION = re.compile(r"^_{3,} (?P<name>.+?) _{3,}$")
PYTEST_LOCATION = re.compile(r"^(?P<path>[^\s:][^:]*\.py):(?P<line>\d+):(?: in (?P<func>\S+)| (?P<kind>[\w.]+))?\s*$")
PYTEST_DEF = re.compile(r"^\s*(?:async\s+)?def (\w+)\(")


def parse_tracebacks(lines: list[str]) -> list[StackTrace]:
    """Every `Traceback (most recent call last):` block, chained ones included."""
    traces = []
    for start, line in enumerate(lines):
        if TRACEBACK.match(line):
            traces.append(_one_traceback(lines, start + 1))
    return [t for t in traces if t.frames]


def _one_traceback(lines: list[str], index: int) -> StackTrace:
    frames: list[Frame] = []
    code: list[str] = []
    while index < len(lines):
        line = lines[index]
        found = FILE_LINE.match(line)
        if found:
            frames.append(Frame(found["path"], int(found["line"]), found["func"]))
        elif line.startswith((" ", "\t")) and line.strip():
            if not MARKERS.match(line):
                code.append(line.strip())
        elif line.strip():
            break
        index += 1
    message = lines[index].strip() if index < len(lines) else ""
    frames.reverse()
    code.reverse()
    return StackTrace("python", message, frames, code)


def parse_pytest(lines: list[str]) -> list[StackTrace]:
    """pytest's failure sections (long or short --tb), one trace per failing test."""
    traces: list[StackTrace] = []
    current: StackTrace | None = None
    function: str | None = None
    after_location = False
    for line in lines:
        section = PYTEST_SECTION.match(line)
        if section and not set(section["name"]) <= {"_", " "}:
            if current is not None and current.frames:
                traces.append(current)
            current, function = StackTrace("pytest", "", title=section["name"]), None
            continue
        if current is None:
            continue
        if after_location and line.startswith("    ") and line.strip():
            current.code.append(line.strip())  # --tb=short prints the failing line under its location
        after_location = _pytest_line(current, line, function)
        if after_location:
            function = None
        definition = PYTEST_DEF.match(line)
        if definition:
            function = definition.group(1)
    if current is not None and current.frames:
        traces.append(current)
    for trace in traces:
        trace.frames.reverse()
        trace.code.reverse()
    return traces


def _pytest_line(trace: StackTrace, line: str, function: str | None) -> bool:
    """Take what one line says; True if it was a frame's location."""
    location = PYTEST_LOCATION.match(line)
    if location:
        trace.frames.append(Frame(location["path"], int(location["line"]), location["func"] or function))
        if location["kind"] and not trace.message:
            trace.message = location["kind"]
        return True
    if line.startswith(">"):
        trace.code.append(line[1:].strip())
    elif line.startswith("E ") and line[1:].strip() and not trace.message:
        trace.message = line[1:].strip()
    return False
