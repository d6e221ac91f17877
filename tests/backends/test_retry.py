"""How long a server asks llmdev to wait before it retries."""

from __future__ import annotations

import email.utils
import time

import pytest

from llmdev.backends.retry import retry_after_s


def test_seconds_and_milliseconds() -> None:
    assert retry_after_s({"Retry-After": "2"}) == 2.0
    assert retry_after_s({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_s({"Retry-After": "-3"}) == 0.0
    assert retry_after_s({}) is None


def test_an_http_date_is_the_time_until_it() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (retry_after_s({"Retry-After": later}) or 0) <= 30
    assert retry_after_s({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0


@pytest.mark.parametrize("value", ["soon", "", "Wed, 99 Foo 2015"])
def test_a_header_that_is_neither_is_ignored(value: str) -> None:
    assert retry_after_s({"Retry-After": value}) is None
