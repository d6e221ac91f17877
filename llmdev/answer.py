"""Show a model's answer as it streams: Markdown on a terminal, plain text in a pipe.

On a terminal each Markdown block is printed once, when it completes; only the open block is
live, re-rendered at most `REFRESH_S` apart. So the work per chunk does not grow with the answer.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any, Iterable

from llmdev import console
from llmdev.answer_blocks import Block, BlockSplitter
from llmdev.workflow_commands import StreamGuard, in_github_actions

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from llmdev.backends.base import ChatResult

REFRESH_S = 0.05


class AnswerStream:
    """A text sink for `Backend.chat`; use as a context manager around the call."""

    def __init__(self, markdown: bool | None = None) -> None:
        self.markdown = console.stdout_is_terminal() if markdown is None else markdown
        self._parts: list[str] = []
        self._live: Any = None
        self._splitter: BlockSplitter | None = None
        self._gap = False  # whether the next block starts with a blank line, as in Rich's whole document
        self._next_refresh = 0.0
        self._guard: StreamGuard | None = None  # under GitHub Actions, a piped answer is written line by line

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self._parts)

    def __enter__(self) -> "AnswerStream":
        if self.markdown:
            from rich.live import Live
            from rich.text import Text

            out = console.out_console()
            self._splitter = BlockSplitter(max_lines=max(8, out.height // 2))
            self._live = Live(Text(""), console=out, auto_refresh=False, vertical_overflow="visible", transient=True)
            self._live.__enter__()
        elif in_github_actions():
            self._guard = StreamGuard()
        return self

    def __call__(self, chunk: str) -> None:
        self._parts.append(chunk)
        if self._splitter is None:
            sys.stdout.write(self._guard.feed(chunk) if self._guard else chunk)
            sys.stdout.flush()
            return
        done = self._splitter.feed(chunk)
        if done:
            from rich.text import Text

            self._live.update(Text(""), refresh=False)  # so printing above it does not re-render the old block
            self._print(done)
        now = time.monotonic()
        if done or now >= self._next_refresh:
            self._show_open()
            self._next_refresh = now + REFRESH_S

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._splitter is not None:
            self._live.__exit__(kind, exc, tb)
            self._print(self._splitter.finish(), live=False)
        elif self._guard is not None:
            sys.stdout.write(self._guard.finish())
            sys.stdout.flush()
        elif self._parts and not self._parts[-1].endswith("\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()

    def _show_open(self) -> None:
        from rich.markdown import Markdown
        from rich.text import Text

        assert self._splitter is not None
        text = self._splitter.open_text()
        self._live.update(_Trimmed(Markdown(text), self._gap) if text.strip() else Text(""), refresh=True)

    def _print(self, blocks: Iterable[Block], live: bool = True) -> None:
        """Completed blocks, above the live region, each once."""
        from rich.markdown import Markdown

        out = self._live.console if live else console.out_console()
        for block in blocks:
            out.print(_Trimmed(Markdown(block.text), self._gap and not block.continues, block.continues, block.cut))
            self._gap = not block.is_rule


def require_answer(result: "ChatResult") -> None:
    """An answer with no text is a failure to say, not a silent success."""
    if not result.text.strip():
        from llmdev.errors import ModelError

        reason = f" (finish reason: {result.finish_reason})" if result.finish_reason else ""
        raise ModelError(f"{result.model} sent an empty answer{reason}", "ask again, or try another model with -m")


class _Trimmed:
    """A renderable without its leading empty lines, after one blank line when `gap`.

    Rich puts one blank line between a document's blocks; rendered one by one, some blocks
    (lists, quotes) would bring their own as well. The parts of a cut code block lose the
    padding lines where they meet (`top`, `bottom`).
    """

    def __init__(self, renderable: Any, gap: bool, top: bool = False, bottom: bool = False) -> None:
        self.renderable = renderable
        self.gap = gap
        self.top = top
        self.bottom = bottom

    def __rich_console__(self, console: "Console", options: "ConsoleOptions") -> "RenderResult":
        from rich.segment import Segment

        lines = console.render_lines(self.renderable, options, pad=False)
        texts = ["".join(s.text for s in line) for line in lines]
        start, end = 0, len(lines)
        while start < end and not texts[start].strip("\n" if not self.top else None):
            start += 1
        while self.bottom and end > start and not texts[end - 1].strip():
            end -= 1
        if start == end:
            return
        if self.gap:
            yield Segment.line()
        for line in lines[start:end]:
            yield from line
            yield Segment.line()
