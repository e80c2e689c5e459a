"""Clients: a consultant's organisation, whose teams' workshops are seen side by side.

A client has a key of its own, shown once and kept only as its SHA-256 (like a facilitator key).
Attaching a workshop needs both keys: the workshop's facilitator key (it is yours) and the client
key (the client is yours), so nobody can pull a stranger's team into their client or push their
own into someone else's. A team is a series of workshops (follow-ups and linked earlier ones), so
a follow-up created after attaching belongs to the client without another step.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, case, func, insert, or_, select, update

from .database import writing
from .schema import _now, actions, clients, kpi_targets, kpi_values, ratings, workshops
from .workshop import WORKSHOP_NAME_CHARS, Workshop, _hash_key, _workshop, is_facilitator

CLIENT_NAME_CHARS = WORKSHOP_NAME_CHARS


@dataclass(frozen=True)
class Client:
    id: int
    name: str
    created_at: datetime


def _client(row) -> Client:  # noqa: ANN001 (SQLAlchemy Row)
    return Client(id=row.id, name=row.name, created_at=row.created_at)


def create_client(engine: Engine, name: str) -> tuple[Client, str]:
    """A new client; returns it and its key, which is shown only this once."""
    name = (name or "").strip()[:CLIENT_NAME_CHARS]
    if not name:
        raise ValueError("a client needs a name")
    key = secrets.token_urlsafe(18)
    with writing(engine) as conn:
        result = conn.execute(insert(clients).values(name=name, key_hash=_hash_key(key),
                                                     created_at=_now()))
        client_id = result.inserted_primary_key[0]
    return Client(client_id, name, _now()), key


def client_by_key(engine: Engine, client_id: object, key: str | None) -> Client | None:
    """The client if `key` is its key; None for anything else (no hint which part was wrong)."""
    try:
        number = int(str(client_id))
    except (TypeError, ValueError):
        return None
    if not key or number <= 0 or number > 2**31:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(clients).where(clients.c.id == number)).first()
    if row is None or not hmac.compare_digest(row.key_hash, _hash_key(key)):
        return None
    return _client(row)


def is_client_key(engine: Engine, client_id: object, key: str | None) -> bool:
    return client_by_key(engine, client_id, key) is not None


def attach_workshop(engine: Engine, workshop: Workshop, facilitator_key: str | None,
                    client_id: object, client_key: str | None) -> Client | None:
    """Put the workshop's team (its whole series) under the client; needs both keys.

    Returns the client, or None (and changes nothing) when either key does not fit.
    """
    client = client_by_key(engine, client_id, client_key)
    if client is None or not is_facilitator(engine, workshop, facilitator_key):
        return None
    series = workshop.series or workshop.code
    with writing(engine) as conn:
        conn.execute(update(workshops)
                     .where(or_(workshops.c.id == workshop.id,
                                (workshops.c.series == series)
                                & (workshops.c.team == workshop.team)))
                     .values(client_id=client.id))
    return client


def detach_workshop(engine: Engine, workshop: Workshop, facilitator_key: str | None) -> bool:
    """Take the workshop's team (its whole series) out of its client: the client's view,
    reports and exports stop showing it; no workshop, rating or comment is deleted, and the
    team can be added again with the client link. Needs the facilitator key; False (and
    nothing changed) when it does not fit."""
    if not is_facilitator(engine, workshop, facilitator_key):
        return False
    series = workshop.series or workshop.code
    with writing(engine) as conn:
        conn.execute(update(workshops)
                     .where(or_(workshops.c.id == workshop.id, workshops.c.series == series))
                     .values(client_id=None))
    return True


def remove_team(engine: Engine, client_id: object, client_key: str | None, team: str) -> bool:
    """Take a team (as `client_workshops` groups it: by name) out of the client, from the
    client's own view; like `detach_workshop` nothing is deleted. Needs the client key; False
    (and nothing changed) when it does not fit or the client has no such team."""
    client = client_by_key(engine, client_id, client_key)
    if client is None:
        return False
    wanted = " ".join(team.split()).casefold()
    found = [w for members in client_workshops(engine, client.id) for w in members
             if " ".join(w.team.split()).casefold() == wanted]
    if not found:
        return False
    with writing(engine) as conn:
        conn.execute(update(workshops)
                     .where(workshops.c.client_id == client.id,
                            or_(workshops.c.id.in_([w.id for w in found]),
                                workshops.c.series.in_({w.series or w.code for w in found})))
                     .values(client_id=None))
    return True


def workshop_client(engine: Engine, workshop: Workshop) -> Client | None:
    """The client the workshop's team belongs to, for its facilitator page."""
    series = workshop.series or workshop.code
    with engine.connect() as conn:
        row = conn.execute(
            select(clients).join(workshops, workshops.c.client_id == clients.c.id)
            .where(or_(workshops.c.id == workshop.id,
                       (workshops.c.series == series) & (workshops.c.team == workshop.team)))
            .order_by(clients.c.id).limit(1)).first()
    return _client(row) if row else None


def _series_of_client(client_id: int):  # noqa: ANN202 (SQLAlchemy select)
    return select(workshops.c.series).where(workshops.c.client_id == client_id)


def client_workshops(engine: Engine, client_id: int) -> list[list[Workshop]]:
    """The client's teams, each its workshops oldest first; teams in the order of their name.

    A team is a team name under this client: every workshop attached, and every workshop in the
    series of one that is (a follow-up made afterwards). Two series with the same team name are
    one team, as a consultant who ran them separately would expect.
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(workshops).where(or_(workshops.c.client_id == client_id,
                                        workshops.c.series.in_(_series_of_client(client_id))))
            .order_by(workshops.c.created_at, workshops.c.id)).all()
    # a series reached only through another client's workshop is that client's: keep rows whose
    # own client is this one or none
    teams: dict[str, list[Workshop]] = {}
    names: dict[str, str] = {}
    for row in rows:
        if row.client_id not in (None, client_id):
            continue
        workshop = _workshop(row)
        key = " ".join(workshop.team.split()).casefold()
        teams.setdefault(key, []).append(workshop)
        names[key] = workshop.team
    return [teams[key] for key in sorted(teams, key=lambda k: (names[k].casefold(), k))]


def latest_per_team(teams: list[list[Workshop]]) -> list[Workshop]:
    return [team[-1] for team in teams if team]


def client_data_version(engine: Engine, client_id: int) -> tuple:
    """A cheap fingerprint of everything a client's roll-up is computed from.

    It changes whenever a rating, KPI, target, action, anonymity level or workshop of the client
    changes, so a page may cache the roll-up under it and still never show stale numbers.
    """
    ids = select(workshops.c.id).where(or_(workshops.c.client_id == client_id,
                                           workshops.c.series.in_(_series_of_client(client_id))))
    with engine.connect() as conn:
        shape = conn.execute(select(func.count(), func.max(workshops.c.id),
                                    func.sum(workshops.c.id),
                                    func.max(workshops.c.created_at),
                                    func.sum(workshops.c.smallest_group),
                                    func.sum(case((workshops.c.anonymity == "aggregates_only", 1),
                                                  else_=0)))
                             .where(workshops.c.id.in_(ids))).one()
        answers = conn.execute(select(func.count(), func.max(ratings.c.answered_at),
                                      func.max(ratings.c.id), func.sum(ratings.c.rating))
                               .where(ratings.c.workshop_id.in_(ids))).one()
        numbers = conn.execute(select(func.count(), func.max(kpi_values.c.id),
                                      func.sum(kpi_values.c.value))
                               .where(kpi_values.c.workshop_id.in_(ids))).one()
        goals = conn.execute(select(func.count(), func.sum(kpi_targets.c.target))
                             .where(kpi_targets.c.workshop_id.in_(ids))).one()
        plans = conn.execute(select(func.count(), func.max(actions.c.id))
                             .where(actions.c.workshop_id.in_(ids))).one()
        names = conn.execute(select(func.count(), func.max(clients.c.name))
                             .where(clients.c.id == client_id)).one()
    return tuple(str(value) for part in (shape, answers, numbers, goals, plans, names)
                 for value in part)
