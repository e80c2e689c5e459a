"""Join codes cannot be enumerated, and the limits cannot be turned on a real room.

Issue 15.4 / 16.1: the limits live in the database (they span server processes and a new
session cannot reset them), X-Forwarded-For is believed only from configured proxies, a session
that has not missed is always judged, and no allowance is below what a full room needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from loyalty_model.workshop import storage
from loyalty_model.workshop.access import (
    CLIENT_FAILURES,
    FREE_ATTEMPTS,
    LOOPBACK,
    ROOM_FAILURES,
    ROOM_SIZE,
    SERVER_FAILURES,
    JoinLimits,
    Proxies,
    SessionGuard,
    client_address,
    cooldown_after,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limits(engine: Engine, clock: Clock) -> JoinLimits:
    return JoinLimits(engine, clock=clock)


def test_five_wrong_codes_are_free_then_the_wait_doubles() -> None:
    assert [cooldown_after(n) for n in range(FREE_ATTEMPTS)] == [0.0] * FREE_ATTEMPTS
    waits = [cooldown_after(n) for n in range(FREE_ATTEMPTS, FREE_ATTEMPTS + 4)]
    assert waits == [15.0, 30.0, 60.0, 120.0]
    assert cooldown_after(100) == 15 * 60


def test_a_session_waits_after_its_fifth_wrong_code(limits: JoinLimits, clock: Clock) -> None:
    guard = SessionGuard()
    for _ in range(FREE_ATTEMPTS - 1):
        limits.failed(guard, "10.0.0.1")
        assert limits.wait(guard, "10.0.0.1") == 0.0
    limits.failed(guard, "10.0.0.1")
    assert limits.wait(guard, "10.0.0.1") == 15.0
    clock.now += 15
    assert limits.wait(guard, "10.0.0.1") == 0.0


def test_no_allowance_is_below_what_a_full_room_needs() -> None:
    assert ROOM_SIZE == 30 and ROOM_FAILURES == 2 * ROOM_SIZE
    assert CLIENT_FAILURES >= ROOM_FAILURES and SERVER_FAILURES >= ROOM_FAILURES


def test_a_full_room_behind_one_address_is_never_held(limits: JoinLimits) -> None:
    """30 phones on one company NAT, everyone mistyping twice: each then types the code right
    and gets it judged."""
    room = [SessionGuard() for _ in range(ROOM_SIZE)]
    for guard in room * 2:
        assert limits.wait(guard, "198.51.100.9") == 0
        limits.failed(guard, "198.51.100.9")
    assert all(limits.wait(guard, "198.51.100.9") == 0 for guard in room)


def test_a_flood_from_elsewhere_never_holds_a_session_that_has_not_missed(
        limits: JoinLimits) -> None:
    """Issue 16.1: ~90 random codes a minute tripped the server-wide cap and then refused 10 of
    15 visits with the valid code."""
    for i in range(3 * SERVER_FAILURES):
        limits.failed(SessionGuard(), f"203.0.113.{i % 200}")
    assert limits.wait(SessionGuard(), "192.0.2.1") == 0  # a new visit: judged
    assert limits.wait(SessionGuard(), None) == 0  # also when the address is unknown
    missed = SessionGuard()
    limits.failed(missed, "192.0.2.1")  # one typo during the flood...
    assert 0 < limits.wait(missed, "192.0.2.1") <= 60  # ...and the server-wide brake applies


def test_one_address_is_held_after_its_allowance_even_with_fresh_sessions(
        limits: JoinLimits, clock: Clock) -> None:
    """A reload makes a new session; the address's count is in the database, not the session."""
    for _ in range(CLIENT_FAILURES + 1):
        limits.failed(SessionGuard(), "10.0.0.1")
    assert limits.wait(SessionGuard(), "10.0.0.1") > 0
    assert limits.wait(SessionGuard(), "10.0.0.2") == 0
    clock.now += 61
    assert limits.wait(SessionGuard(), "10.0.0.1") == 0


def test_the_counts_span_server_processes(db_path: Path, engine: Engine, clock: Clock) -> None:
    """Two server processes (two engines on one database) share one count."""
    other = storage.make_engine(f"sqlite:///{db_path}")
    try:
        first, second = JoinLimits(engine, clock=clock), JoinLimits(other, clock=clock)
        for _ in range(CLIENT_FAILURES // 2 + 1):
            first.failed(SessionGuard(), "10.0.0.1")
            second.failed(SessionGuard(), "10.0.0.1")
        assert first.wait(SessionGuard(), "10.0.0.1") > 0
        assert second.wait(SessionGuard(), "10.0.0.1") > 0
    finally:
        other.dispose()


def test_addresses_are_stored_hashed_and_old_rows_are_forgotten(
        limits: JoinLimits, engine: Engine, clock: Clock) -> None:
    limits.failed(SessionGuard(), "10.0.0.1")
    with engine.connect() as conn:
        scopes = set(conn.execute(select(storage.join_failures.c.scope)).scalars())
    assert "server" in scopes and not any("10.0.0.1" in s for s in scopes)
    clock.now += 3600
    limits.failed(SessionGuard(), "10.0.0.2")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(storage.join_failures)).scalar() == 2


# --- which client is asking --------------------------------------------------------------------

NONE = Proxies()
LOCAL_PROXY = Proxies.parse("127.0.0.1")


def test_without_a_forwarded_header_the_peer_is_the_client() -> None:
    assert client_address("192.0.2.7", None, NONE) == ("192.0.2.7", False)
    assert client_address(None, None, NONE) == (None, False)  # loopback: unknown


@pytest.mark.parametrize("spoofed", ["1.1.1.1", "2.2.2.2", "10.0.0.1, 3.3.3.3"])
def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(spoofed: str) -> None:
    """A changing spoofed X-Forwarded-For used to give every guess a fresh allowance."""
    assert client_address("192.0.2.7", spoofed, NONE) == ("192.0.2.7", True)


def test_the_web_servers_own_rewriting_from_loopback_is_undone() -> None:
    """uvicorn believes X-Forwarded-For from loopback by default and hands the app the forged
    address; without SKAB_TRUSTED_PROXIES the app treats the client as unknown instead."""
    assert client_address("1.1.1.1", "1.1.1.1", NONE, LOOPBACK) == (None, True)
    assert client_address("1.1.1.1", "1.1.1.1", LOCAL_PROXY, LOOPBACK) == ("1.1.1.1", False)


def test_a_configured_proxy_chain_names_the_rightmost_untrusted_address() -> None:
    proxies = Proxies.parse("127.0.0.1, 10.0.0.0/8")
    # the client forged "6.6.6.6"; the proxy appended the address it really saw
    assert client_address(None, "6.6.6.6, 203.0.113.7", proxies) == ("203.0.113.7", False)
    assert client_address(None, "203.0.113.7, 10.1.2.3", proxies) == ("203.0.113.7", False)
    assert client_address(None, "[2001:db8::1]:4711", proxies) == ("2001:db8::1", False)
    assert client_address(None, "not-an-address", proxies) == (None, False)


def test_proxy_lists_ignore_bad_items_and_know_what_they_cover() -> None:
    proxies = Proxies.parse("10.0.0.0/8, nonsense, ::1")
    assert "10.2.3.4" in proxies and "::1" in proxies and "11.0.0.1" not in proxies
    assert proxies.covers(Proxies.parse("10.1.0.0/16"))
    assert not Proxies.parse("10.0.0.0/8").covers(LOOPBACK) and proxies.covers(LOOPBACK)
    assert Proxies.parse("*").covers(LOOPBACK) and not LOOPBACK.covers(Proxies.parse("*"))
