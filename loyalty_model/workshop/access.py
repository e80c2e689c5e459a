"""Who may look a join code up, and when: limits that stop guessing without locking a room out.

A join code has 32^6 ≈ 1.07e9 values, which is only safe because nobody can try many of them.
The limits must not turn on the people they protect, though: a flood of wrong codes once
locked a whole room out of its own workshop. So the order of judgement is:

1. A participant link (code + token) is checked first and never limited: a token has 144
   random bits, guessing one is hopeless, and a person reopening their own link must get in.
2. Then the client's own record, first the browser session (5 wrong codes free, then waits
   that double), then its address: more than `CLIENT_FAILURES` misses in a minute and it
   waits (a whole room behind one company NAT may mistype `ROOM_FAILURES` times).
3. A session that has not missed yet gets its code judged: a valid code is never refused
   because of what others did. Only a session that has already missed waits when the whole
   server has seen more than `SERVER_FAILURES` misses in the last minute (the brake against
   many addresses guessing at once). Neither allowance is below `ROOM_FAILURES`.

The counts per address and for the server are kept in the database (storage.limits), so they
span server processes and a new session cannot reset them. Addresses are stored hashed.

The client's address is the connection's peer; `X-Forwarded-For` is believed only from proxies
the operator listed in SKAB_TRUSTED_PROXIES (`client_address`). Without that, everyone behind a
proxy has one address, so none is used: one noisy client must not lock out the room.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from loyalty_model.workshop.storage import limits

FREE_ATTEMPTS = 5  # wrong codes a session may enter before the first cool-down
FIRST_COOLDOWN = 15.0  # seconds; doubles with every further wrong code
MAX_COOLDOWN = 15 * 60.0
ROOM_SIZE = 30  # the largest room the product is made for (PRODUCT.md: 3-30 people)
ROOM_FAILURES = ROOM_SIZE * 2  # a full room joining at once, everyone mistyping twice
CLIENT_FAILURES = ROOM_FAILURES  # misses allowed per address and minute (a room on one NAT)
SERVER_FAILURES = 2 * ROOM_FAILURES  # misses allowed per minute, all addresses together
WINDOW = 60.0  # seconds
SERVER_SCOPE = "server"
TRUSTED_PROXIES_ENV = "SKAB_TRUSTED_PROXIES"

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


def client_scope(address: str) -> str:
    """How an address is counted: hashed, so the table holds no IP addresses."""
    return "client:" + hashlib.sha256(address.encode()).hexdigest()[:40]


class JoinLimits:
    """The limits of the module docstring, counted in the database behind `engine`."""

    def __init__(self, engine: Engine, clock: Clock = time.time) -> None:
        self.engine = engine
        self.clock = clock

    def _wait(self, scope: str, allowed: int, now: float) -> float:
        """Seconds until `scope` has at most `allowed` misses in the window again."""
        over = limits.nth_latest_failure(self.engine, scope, now - WINDOW, allowed + 1)
        return 0.0 if over is None else max(0.0, over + WINDOW - now)

    def wait(self, guard: SessionGuard, client: str | None) -> float:
        """Seconds before this session (from this client) may have a code looked up (0 = now).

        Call only for a code without a valid token; see the module docstring for the order.
        """
        now = self.clock()
        wait = guard.wait(now)
        if wait == 0 and client:
            wait = self._wait(client_scope(client), CLIENT_FAILURES, now)
        if wait == 0 and guard.failures:
            wait = self._wait(SERVER_SCOPE, SERVER_FAILURES, now)
        return wait

    def failed(self, guard: SessionGuard, client: str | None) -> None:
        """A wrong code or a foreign token: counted for the session, the address and the server."""
        now = self.clock()
        guard.failed(now)
        scopes = [SERVER_SCOPE] + ([client_scope(client)] if client else [])
        limits.record_failures(self.engine, scopes, now, keep=2 * WINDOW)


# --- which client is asking ----------------------------------------------------------------------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Proxies:
    """A set of addresses trusted to report the client in X-Forwarded-For ("*" = any)."""

    networks: tuple[Network, ...] = ()
    anything: bool = False

    @classmethod
    def parse(cls, text: str | None) -> Proxies:
        """Comma-separated addresses or networks, e.g. "127.0.0.1, 10.0.0.0/8"; bad items are
        ignored (trusting less is the safe side). Loopback counts as one: "127.0.0.1" or
        "::1" trusts a proxy on this machine, whichever of the two it connects from."""
        items = [item.strip() for item in (text or "").split(",") if item.strip()]
        if "*" in items:
            return cls(anything=True)
        if {"127.0.0.1", "::1", "localhost"} & set(items):
            items += ["127.0.0.1", "::1"]
        networks = []
        for item in items:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                continue
        return cls(tuple(networks))

    def __contains__(self, host: object) -> bool:
        if self.anything:
            return True
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def covers(self, other: Proxies) -> bool:
        """Every address `other` trusts is trusted here too."""
        if self.anything:
            return True
        if other.anything:
            return False
        return all(any(network.version == mine.version and network.subnet_of(mine)
                       for mine in self.networks) for network in other.networks)


LOOPBACK = Proxies.parse("127.0.0.1, ::1")


def _host(hop: str) -> str:
    """An X-Forwarded-For item without a port: "1.2.3.4:5" → "1.2.3.4", "[::1]:5" → "::1"."""
    if hop.startswith("[") and "]" in hop:
        return hop[1:hop.index("]")]
    return hop.rsplit(":", 1)[0] if hop.count(":") == 1 else hop


def forwarded_hops(header: str | None) -> list[str]:
    return [_host(hop.strip()) for hop in (header or "").split(",") if hop.strip()]


def _rightmost_untrusted(hops: list[str], trusted: Proxies) -> str:
    """The client as a chain of proxies reports it: each proxy appends the address it saw."""
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0]


def client_address(peer: str | None, forwarded_for: str | None, trusted: Proxies,
                   server_trusts: Proxies = LOOPBACK) -> tuple[str | None, bool]:
    """The address to count a client's failures under, and whether a forwarded header was
    ignored because it came from a peer that is not a trusted proxy.

    :param peer: the connection's address as Streamlit reports it (None for a loopback peer).
        The web server (uvicorn) has already replaced it by a forwarded address when the real
        peer was one it trusts (`server_trusts`: FORWARDED_ALLOW_IPS, by default loopback);
        that is undone here unless `trusted` covers those peers too.
    :returns: (address, ignored); address None = cannot be told apart from other clients.
    """
    hops = forwarded_hops(forwarded_for)
    if not hops:
        return peer, False
    if peer is not None and peer == _rightmost_untrusted(hops, server_trusts):
        peer_trusted = trusted.covers(server_trusts)  # peer was one the web server trusts
        untrusted_peer: str | None = None  # a proxy; which one is not known
    else:
        peer_trusted = (peer or "127.0.0.1") in trusted
        untrusted_peer = peer
    if not peer_trusted:
        return untrusted_peer, True
    client = _rightmost_untrusted(hops, trusted)
    try:
        return str(ipaddress.ip_address(client)), False
    except ValueError:
        return None, False
