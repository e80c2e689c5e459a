"""Who gets into a workshop from the participant page: a link's token first, then a code.

The order and the limits are loyalty_model.workshop.access's (see its docstring); this module
only supplies what Streamlit knows: the session's own record, and the client's address as the
connection and a trusted proxy report it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import streamlit as st

from loyalty_model.workshop import access, storage
from views._common import engine

log = logging.getLogger("skab_promoters.join")
_warned: set[str] = set()  # forwarded headers from an untrusted peer: logged once per process


@dataclass(frozen=True)
class Held:
    """The code was not looked up: this client has to wait first."""

    seconds: float


def guard() -> access.SessionGuard:
    return st.session_state.setdefault("join_guard", access.SessionGuard())


def client() -> str | None:
    """This client's address for the limits (None: cannot be told apart from others)."""
    try:
        forwarded = ", ".join(st.context.headers.get_all("X-Forwarded-For")) or None
        peer = st.context.ip_address
    except Exception:  # noqa: BLE001 (no request, e.g. AppTest)
        return None
    if not isinstance(peer, str | None) or not isinstance(forwarded, str | None):
        return None  # AppTest fills the context with stand-ins
    address, ignored = access.client_address(
        peer, forwarded, access.Proxies.parse(os.environ.get(access.TRUSTED_PROXIES_ENV)),
        access.Proxies.parse(os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")))
    if ignored and "xff" not in _warned:
        _warned.add("xff")
        log.warning("X-Forwarded-For is ignored: it comes from an address not listed in %s, so "
                    "clients behind that proxy are not told apart; list the proxy there",
                    access.TRUSTED_PROXIES_ENV)
    return address


def by_link(code: str, token: str) -> tuple[storage.Workshop, storage.Participant] | None:
    """A participant's own link: never limited, a token cannot be guessed (access.py)."""
    workshop = storage.workshop_by_code(engine(), code)
    if workshop is None:
        return None
    participant = storage.participant_by_token(engine(), workshop.id, token)
    return (workshop, participant) if participant is not None else None


def by_code(code: str | None) -> storage.Workshop | Held | None:
    """The workshop with this code, unless this client has to wait first; a miss counts."""
    limits = access.JoinLimits(engine())
    address = client()
    wait = limits.wait(guard(), address)
    if wait > 0:
        return Held(wait)
    workshop = storage.workshop_by_code(engine(), code or "")
    if workshop is None:
        limits.failed(guard(), address)
    return workshop


def failed() -> None:
    """A token that opens nothing (forged, or from another workshop) counts as a miss."""
    access.JoinLimits(engine()).failed(guard(), client())
