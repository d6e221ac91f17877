"""Stack traces from JavaScript/Node, Go, Rust and Java, and plain `path:line` locations."""

from __future__ import annotations

import re

from llmdev.debug.traces.model import Frame, StackTrace

JS_PATH = r"(?:file://)?(?P<path>[^()\s]+?\.(?:[cm]?[jt]sx?|vue|svelte|coffee))"
NODE_AT = re.compile(r"^\s+at (?:(?:async )?(?P<func>[^()]+?) \()?" + JS_PATH + r":(?P<line>\d+):(?P<col>\d+)\)?\s*$")
NODE_TAP_FRAME = re.compile(r"^\s+(?:(?P<func>[^()\s][^()]*?) \()?" + JS_PATH + r":(?P<line>\d+):(?P<col>\d+)\)?\s*$")
NODE_TAP_STACK = re.compile(r"^\s+stack: \|-?\s*$")
NODE_TAP_ERROR = re.compile(r"^\s+error: [|>]-?\s*$|^\s+error: '(?P<inline>.*)'\s*$")
NODE_ERROR = re.compile(r"^\s*(?:Uncaught )?(?:[\w.$]*(?:Error|Exception)|AssertionError \[\w+\])\b.*$")
GO_PANIC = re.compile(r"^(?:panic|fatal error): (?P<message>.+)$")
GO_FUNC = re.compile(r"^(?P<func>[\w./*()\-\[\]{},]+)\(.*\)$")
GO_FILE = re.compile(r"^\t(?P<path>\S+\.go):(?P<line>\d+)(?: \+0x[0-9a-f]+)?$")
GO_TEST_FAIL = re.compile(r"^\s*--- FAIL: (?P<test>\S+)")
GO_TEST_LINE = re.compile(r"^\s+(?P<path>[\w./\-]+\.go):(?P<line>\d+): (?P<message>.+)$")
RUST_PANIC = re.compile(r"^thread '(?P<thread>[^']*)'(?: \(\d+\))? panicked at (?:'(?P<old>.*)', )?(?P<path>[^\s:]+\.rs):(?P<line>\d+):(?P<col>\d+):?$")
RUST_FRAME = re.compile(r"^\s*\d+: (?P<func>\S+)$")
RUST_AT = re.compile(r"^\s+at (?P<path>\S+\.rs):(?P<line>\d+):(?P<col>\d+)$")
JAVA_AT = re.compile(r"^\s*at (?:[\w.$/@]+/)?(?P<cls>[\w$.]+)\.(?P<method>[\w$<>]+)\((?P<file>[\w$]+\.(?:java|kt|scala|groovy)):(?P<line>\d+)\)$")
JAVA_EXCEPTION = re.compile(r"^(?:Exception in thread \"[^\"]*\" |Caused by: )?(?P<message>[\w$.]+(?:Exception|Error|Throwable)\b.*)$")
GENERIC = re.compile(r"(?:^|\s)(?P<path>[\w./\-]+\.[A-Za-z]{1,5}):(?P<line>\d+)(?::(?P<col>\d+))?\b")


def parse_node(lines: list[str]) -> list[StackTrace]:
    """V8 traces: an `Error: message` line, then `    at func (path:line:col)` lines, innermost first."""
    traces: list[StackTrace] = []
    current: StackTrace | None = None
    for number, line in enumerate(lines):
        frame = NODE_AT.match(line)
        if frame:
            if current is None:
                message = next((lines[i].strip() for i in range(number - 1, max(-1, number - 6), -1) if NODE_ERROR.match(lines[i])), "")
                current = StackTrace("javascript", message)
                traces.append(current)
            _add_node_frame(current, frame)
        elif current is not None and not JAVA_AT.match(line):
            current = None
    return [t for t in traces + parse_node_tap(lines) if t.frames]


def parse_node_tap(lines: list[str]) -> list[StackTrace]:
    """`node --test` (TAP) failures: an `error:` block, then a `stack: |-` block of frames without 'at'."""
    traces: list[StackTrace] = []
    message = ""
    for number, line in enumerate(lines):
        error = NODE_TAP_ERROR.match(line)
        if error:
            following = next((n.strip() for n in lines[number + 1 : number + 4] if n.strip()), "")
            message = error["inline"] or following
        if not NODE_TAP_STACK.match(line):
            continue
        trace = StackTrace("javascript", message)
        indent = len(line) - len(line.lstrip())
        for frame_line in lines[number + 1 :]:
            if len(frame_line) - len(frame_line.lstrip()) <= indent:
                break
            frame = NODE_TAP_FRAME.match(frame_line)
            if frame:
                _add_node_frame(trace, frame)
        traces.append(trace)
    return traces


def _add_node_frame(trace: StackTrace, frame: re.Match[str]) -> None:
    if not frame["path"].startswith(("node:", "internal/")):
        trace.frames.append(Frame(frame["path"], int(frame["line"]), _node_func(frame["func"]), int(frame["col"])))


def _node_func(name: str | None) -> str | None:
    if not name or "<anonymous>" in name:
        return None
    return name.split(".")[-1].replace("new ", "").strip() or None


def parse_go(lines: list[str]) -> list[StackTrace]:
    """Go panics (goroutine dumps) and `go test` failure lines."""
    traces: list[StackTrace] = []
    for number, line in enumerate(lines):
        panic = GO_PANIC.match(line)
        if panic:
            traces.append(_go_panic(lines, number + 1, panic["message"]))
        failed = GO_TEST_FAIL.match(line)
        if failed:
            trace = StackTrace("go", "", title=failed["test"])
            for follow in lines[number + 1 : number + 40]:
                found = GO_TEST_LINE.match(follow)
                if found:
                    trace.frames.append(Frame(found["path"], int(found["line"]), failed["test"].split("/")[0]))
                    trace.message = trace.message or found["message"]
                elif follow.strip() and not follow.startswith((" ", "\t")):
                    break
            traces.append(trace)
    return [t for t in traces if t.frames]


def _go_panic(lines: list[str], index: int, message: str) -> StackTrace:
    trace = StackTrace("go", f"panic: {message}")
    function: str | None = None
    for line in lines[index : index + 200]:
        func = GO_FUNC.match(line)
        where = GO_FILE.match(line)
        if func:
            function = func["func"].rsplit(".", 1)[-1]
        elif where:
            trace.frames.append(Frame(where["path"], int(where["line"]), function))
        elif line.startswith(("exit status", "FAIL")):
            break
    return trace


def parse_rust(lines: list[str]) -> list[StackTrace]:
    """Rust panics (old and new message layout) and RUST_BACKTRACE frames."""
    traces = []
    for number, line in enumerate(lines):
        panic = RUST_PANIC.match(line)
        if not panic:
            continue
        message = panic["old"] or (lines[number + 1].strip() if number + 1 < len(lines) else "")
        function = panic["thread"].split("::")[-1] if panic["thread"] != "main" else None
        trace = StackTrace("rust", f"panicked: {message}", [Frame(panic["path"], int(panic["line"]), function, int(panic["col"]))])
        trace.title = panic["thread"]
        _rust_backtrace(lines, number + 1, trace)
        traces.append(trace)
    return traces


def _rust_backtrace(lines: list[str], index: int, trace: StackTrace) -> None:
    function: str | None = None
    for line in lines[index : index + 400]:
        frame = RUST_FRAME.match(line)
        where = RUST_AT.match(line)
        if frame:
            function = frame["func"].rsplit("::", 1)[-1]
        elif where and not where["path"].startswith(("/rustc/", "/cargo/")):
            found = Frame(where["path"].removeprefix("./"), int(where["line"]), function, int(where["col"]))
            if found not in trace.frames:
                trace.frames.append(found)
        elif RUST_PANIC.match(line):
            break


def parse_java(lines: list[str]) -> list[StackTrace]:
    """JVM traces: `pkg.Class.method(File.java:N)` frames; the path is guessed from the package."""
    traces: list[StackTrace] = []
    current: StackTrace | None = None
    for number, line in enumerate(lines):
        frame = JAVA_AT.match(line)
        if frame:
            if current is None:
                above = lines[number - 1].strip() if number else ""
                exception = JAVA_EXCEPTION.match(above)
                current = StackTrace("java", exception["message"] if exception else above)
                traces.append(current)
            package = frame["cls"].rsplit(".", 1)[0].replace(".", "/") if "." in frame["cls"] else ""
            path = f"{package}/{frame['file']}" if package else frame["file"]
            current.frames.append(Frame(path, int(frame["line"]), frame["method"]))
        elif not line.strip().startswith("..."):
            current = None
    return traces


def parse_locations(lines: list[str]) -> list[StackTrace]:
    """Compiler- and linter-style `path:line[:col]` mentions, when no real trace was found."""
    trace = StackTrace("generic", "")
    for line in lines:
        for found in GENERIC.finditer(line):
            col = int(found["col"]) if found["col"] else None
            trace.frames.append(Frame(found["path"], int(found["line"]), None, col))
            trace.message = trace.message or line.strip()
    return [trace] if trace.frames else []
