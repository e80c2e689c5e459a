"""Join codes cannot be enumerated: wrong codes slow a session, and the server, down."""

from __future__ import annotations

import pytest

from loyalty_model.workshop.access import (
    CLIENT_FAILURES_PER_MINUTE,
    FREE_ATTEMPTS,
    SERVER_FAILURES_PER_MINUTE,
    FailureLimiter,
    JoinLimits,
    SessionGuard,
    cooldown_after,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_wrong_codes_are_free_then_the_wait_doubles() -> None:
    assert [cooldown_after(n) for n in range(FREE_ATTEMPTS)] == [0.0] * FREE_ATTEMPTS
    waits = [cooldown_after(n) for n in range(FREE_ATTEMPTS, FREE_ATTEMPTS + 4)]
    assert waits == [15.0, 30.0, 60.0, 120.0]
    assert cooldown_after(100) == 15 * 60


def test_a_session_waits_after_its_fifth_wrong_code() -> None:
    guard = SessionGuard()
    for _ in range(FREE_ATTEMPTS - 1):
        guard.failed(now=0.0)
        assert guard.wait(now=0.0) == 0.0
    guard.failed(now=0.0)
    assert guard.wait(now=0.0) == 15.0
    assert guard.wait(now=15.0) == 0.0
    guard.failed(now=15.0)
    assert guard.wait(now=15.0) == 30.0


def test_failures_leave_the_window_after_a_minute() -> None:
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        assert limiter.wait("ip") == 0
        limiter.failed("ip")
        clock.now += 10
    assert limiter.wait("ip") == pytest.approx(30.0)  # the first failure expires at +60
    assert limiter.wait("other") == 0
    clock.now += 30
    assert limiter.wait("ip") == 0


def test_fresh_sessions_do_not_get_fresh_attempts() -> None:
    """A reload makes a new session; the server-wide limit still holds."""
    clock = Clock()
    limits = JoinLimits(clock=clock)
    for i in range(SERVER_FAILURES_PER_MINUTE):
        limits.failed(SessionGuard(), client=f"10.0.0.{i}")
    assert limits.wait(SessionGuard(), client="10.9.9.9") > 0
    clock.now += 61
    assert limits.wait(SessionGuard(), client="10.9.9.9") == 0


def test_one_client_is_limited_before_the_whole_server() -> None:
    clock = Clock()
    limits = JoinLimits(clock=clock)
    for _ in range(CLIENT_FAILURES_PER_MINUTE):
        limits.failed(SessionGuard(), client="10.0.0.1")
    assert limits.wait(SessionGuard(), client="10.0.0.1") > 0
    assert limits.wait(SessionGuard(), client="10.0.0.2") == 0
    assert limits.wait(SessionGuard(), client=None) == 0
