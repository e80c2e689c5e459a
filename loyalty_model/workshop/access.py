"""Keep join codes from being enumerated: wrong codes are rate-limited per session and per server.

A join code has 32^6 ≈ 1.07e9 values, which is only safe because nobody can try many of them:
one browser session gets five wrong codes, then waits longer and longer; and because a new
session is one page reload away, the whole server also accepts only so many failed look-ups a
minute (in total and per client address). The clock is passed in so tests need not sleep.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_ATTEMPTS = 5  # wrong codes a session may enter before the first cool-down
FIRST_COOLDOWN = 15.0  # seconds; doubles with every further wrong code
MAX_COOLDOWN = 15 * 60.0
SERVER_FAILURES_PER_MINUTE = 30
CLIENT_FAILURES_PER_MINUTE = 10

Clock = Callable[[], float]


def cooldown_after(failures: int) -> float:
    """Seconds a session must wait after its `failures`-th wrong code (0 for the free ones)."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_COOLDOWN, FIRST_COOLDOWN * 2 ** (failures - FREE_ATTEMPTS))


@dataclass
class SessionGuard:
    """One browser session's wrong codes; lives in Session State."""

    failures: int = 0
    blocked_until: float = 0.0

    def wait(self, now: float) -> float:
        """Seconds before this session may try a code again (0 = now)."""
        return max(0.0, self.blocked_until - now)

    def failed(self, now: float) -> None:
        self.failures += 1
        self.blocked_until = now + cooldown_after(self.failures)

    def succeeded(self) -> None:
        self.failures = 0
        self.blocked_until = 0.0


@dataclass
class FailureLimiter:
    """Failed look-ups per key in a sliding window, shared by every session of the server.

    Thread-safe: Streamlit runs each session in its own thread.
    """

    limit: int
    window: float = 60.0
    clock: Clock = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._failures.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def wait(self, key: str) -> float:
        """Seconds until `key` may look a code up again (0 = now)."""
        with self._lock:
            now = self.clock()
            stamps = self._recent(key, now)
            if len(stamps) < self.limit:
                return 0.0
            return stamps[len(stamps) - self.limit] + self.window - now

    def failed(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle clients rather than grow forever
                for idle in [k for k, v in self._failures.items() if not v]:
                    del self._failures[idle]


@dataclass
class JoinLimits:
    """The server-wide limits: all failures together, and failures per client address."""

    clock: Clock = time.monotonic
    server: FailureLimiter = field(init=False)
    clients: FailureLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.server = FailureLimiter(SERVER_FAILURES_PER_MINUTE, clock=self.clock)
        self.clients = FailureLimiter(CLIENT_FAILURES_PER_MINUTE, clock=self.clock)

    def wait(self, guard: SessionGuard, client: str | None) -> float:
        """Seconds before this session (from this client) may look up a code."""
        waits = [guard.wait(self.clock()), self.server.wait("*")]
        if client:
            waits.append(self.clients.wait(client))
        return max(waits)

    def failed(self, guard: SessionGuard, client: str | None) -> None:
        guard.failed(self.clock())
        self.server.failed("*")
        if client:
            self.clients.failed(client)
