"""Stack-trace parsers for the languages llmdev debugs; `parse_traces` runs them all."""

from __future__ import annotations

from llmdev.debug.traces.model import Frame, StackTrace, output_lines
from llmdev.debug.traces.other import parse_go, parse_java, parse_locations, parse_node, parse_rust
from llmdev.debug.traces.python import parse_pytest, parse_tracebacks

PARSERS = (parse_pytest, parse_tracebacks, parse_node, parse_go, parse_rust, parse_java)


def parse_traces(output: str) -> list[StackTrace]:
    """Every stack trace in a command's output; plain `path:line` mentions if there is none."""
    lines = output_lines(output)
    traces = [trace for parser in PARSERS for trace in parser(lines)]
    return traces or parse_locations(lines)


__all__ = ["Frame", "StackTrace", "parse_traces"]
