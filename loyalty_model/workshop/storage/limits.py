"""Failed join-code look-ups, counted in the database (see loyalty_model.workshop.access).

In the database, not in memory, because memory is per server process and per restart: with two
processes behind a load balancer each allowed its own share, and a restart forgave everyone.
Only what the limits need is kept (a scope and a time), and only for a few minutes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, delete, insert, select

from .database import writing
from .schema import join_failures


def record_failures(engine: Engine, scopes: Sequence[str], now: float, keep: float) -> None:
    """One failed look-up, counted once in each scope; forgets failures older than `keep` s."""
    with writing(engine) as conn:
        conn.execute(delete(join_failures).where(join_failures.c.failed_at < now - keep))
        conn.execute(insert(join_failures), [{"scope": s, "failed_at": now} for s in scopes])


def nth_latest_failure(engine: Engine, scope: str, since: float, n: int) -> float | None:
    """When the `n`-th most recent failure of `scope` after `since` happened (None: fewer)."""
    query = (select(join_failures.c.failed_at)
             .where(join_failures.c.scope == scope, join_failures.c.failed_at > since)
             .order_by(join_failures.c.failed_at.desc()).offset(n - 1).limit(1))
    with engine.connect() as conn:
        return conn.execute(query).scalar()
