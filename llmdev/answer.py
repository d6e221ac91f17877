"""Show a model's answer as it streams: Markdown on a terminal, plain text in a pipe."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from llmdev import console


class AnswerStream:
    """A text sink for `Backend.chat`; use as a context manager around the call."""

    def __init__(self, markdown: bool | None = None) -> None:
        self.markdown = console.stdout_is_terminal() if markdown is None else markdown
        self.text = ""
        self._live: Any = None

    def __enter__(self) -> "AnswerStream":
        if self.markdown:
            from rich.live import Live
            from rich.markdown import Markdown

            self._live = Live(Markdown(""), console=console.out_console(), auto_refresh=False, vertical_overflow="visible")
            self._live.__enter__()
        return self

    def __call__(self, chunk: str) -> None:
        self.text += chunk
        if self._live is not None:
            from rich.markdown import Markdown

            self._live.update(Markdown(self.text), refresh=True)
        else:
            sys.stdout.write(chunk)
            sys.stdout.flush()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(kind, exc, tb)
        elif self.text and not self.text.endswith("\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()
