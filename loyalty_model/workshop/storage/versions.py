"""One cheap fingerprint of everything a workshop's pages are computed from.

Pages cache what depends only on stored data (assessments, chart specs) under this version: it
changes on every write of the workshop's ratings, participants, KPIs, targets, evidence (the
loyalty matrix, the settings), comments, actions or its own row, so a cached result is never
stale. It is computed from the tables as they are, in one round trip of aggregate subqueries on
indexed `workshop_id` columns, so no write path has to remember to bump a counter (and two app
servers on one database agree on it without talking to each other).
"""

from __future__ import annotations

from sqlalchemy import Engine, Integer, cast, func, select

from .schema import (
    actions,
    comments,
    evidence,
    kpi_targets,
    kpi_values,
    participants,
    ratings,
    workshops,
)


def workshop_data_version(engine: Engine, workshop_id: int) -> tuple[str, ...]:
    """A tuple that differs whenever anything a page shows for the workshop has changed.

    Counts, largest ids and sums catch inserts, deletes, replacements (new ids) and edits in
    place (a changed rating moves its sum and its `answered_at`; a weighted sum catches two
    ratings swapping values). A workshop that does not exist has the version ("none",).
    """
    def of(table, *columns) -> list:  # noqa: ANN001
        return [select(column).where(table.c.workshop_id == workshop_id).scalar_subquery()
                for column in columns]

    query = select(
        workshops.c.name, workshops.c.team, workshops.c.language, workshops.c.revealed,
        workshops.c.joining_open, workshops.c.anonymity, workshops.c.smallest_group,
        workshops.c.series, workshops.c.client_id,
        *of(ratings, func.count(), func.max(ratings.c.id), func.max(ratings.c.answered_at),
            func.sum(func.coalesce(ratings.c.rating, -1)),
            func.sum(func.coalesce(ratings.c.rating, -1) * (ratings.c.id % 1009))),
        *of(participants, func.count(), func.max(participants.c.id),
            func.sum(func.length(func.coalesce(participants.c.name, "")))),
        *of(kpi_values, func.count(), func.max(kpi_values.c.id), func.sum(kpi_values.c.value),
            func.sum(func.coalesce(kpi_values.c.target, 0))),
        *of(kpi_targets, func.count(),
            func.sum(kpi_targets.c.target * func.length(kpi_targets.c.kpi))),
        # the loyalty matrix and the settings: small JSON, so their text itself is the version
        *of(evidence, func.count(), func.min(evidence.c.payload), func.max(evidence.c.payload),
            func.sum(func.length(evidence.c.payload))),
        *of(comments, func.count(), func.max(comments.c.id),
            func.sum(func.length(comments.c.text)),
            func.sum(cast(comments.c.marked, Integer) * (comments.c.id % 1009))),
        *of(actions, func.count(), func.max(actions.c.id),
            func.sum(func.length(actions.c.action))),
    ).where(workshops.c.id == workshop_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return ("none",) if row is None else tuple(str(value) for value in row)
