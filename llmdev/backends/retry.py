"""Bounded retries for model requests: back off on 429/503 and other transient failures,
honour the server's Retry-After, never retry a request the server rejected as invalid."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping, TypeVar

Result = TypeVar("Result")

FIRST_DELAY_S = 0.25  # doubled after each failed attempt
MAX_DELAY_S = 8.0  # the longest wait llmdev picks on its own
MAX_RETRY_AFTER_S = 60.0  # a server asking for a longer wait is not retried: the user decides


@dataclass
class Attempts:
    """How a request went: attempts made and seconds spent, for honest error messages."""

    started: float = field(default_factory=time.monotonic)
    made: int = 0
    waited_for: float | None = None  # a Retry-After llmdev refused to wait for

    @property
    def retries(self) -> int:
        return max(self.made - 1, 0)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def describe(self) -> str:
        """'' for one attempt, else ' after 2 retries (35.2s in all)'."""
        if self.retries == 0:
            return ""
        return f" after {self.retries} retries ({self.elapsed_s:.1f}s in all)"


def retry_after_s(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date); None when absent."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lowered:
            return max(float(lowered["retry-after-ms"]) / 1000, 0.0)
        if "retry-after" in lowered:
            return max(float(lowered["retry-after"]), 0.0)
    except ValueError:
        return _seconds_until(lowered.get("retry-after"))
    return None


def _seconds_until(http_date: str | None) -> float | None:
    """Seconds until an HTTP date; None for text that is not one (a header is the server's word)."""
    if http_date is None:
        return None
    import email.utils  # pulls in socket and random: kept off `llmdev --help`

    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def backoff_s(retry: int, asked: float | None) -> float:
    """The wait before retry number `retry` (1-based): the server's ask, else doubling from 0.25 s."""
    if asked is not None:
        return asked
    return min(FIRST_DELAY_S * 2 ** (retry - 1), MAX_DELAY_S)


def with_retries(
    send: Callable[[], Result],
    *,
    retries: int,
    transient: Callable[[BaseException], bool],
    asked_wait: Callable[[BaseException], float | None],
    attempts: Attempts,
    sleep: Callable[[float], None] = time.sleep,
) -> Result:
    """Call `send` up to 1 + `retries` times while it fails transiently; the last failure propagates."""
    while True:
        attempts.made += 1
        try:
            return send()
        except Exception as exc:
            if not transient(exc) or attempts.made > retries:
                raise
            asked = asked_wait(exc)
            if asked is not None and asked > MAX_RETRY_AFTER_S:
                attempts.waited_for = asked
                raise
            sleep(backoff_s(attempts.made, asked))
