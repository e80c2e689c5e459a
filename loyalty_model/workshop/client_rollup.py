"""A client's roll-up from the database: every team's workshops read in a handful of queries.

A client of 40 teams has some 160 workshops; reading them one workshop at a time took 800
round trips. Here the ratings, KPIs, targets and plans of all of them come in one query each,
then every workshop is scored by the same `assess()` its own results page uses
(loyalty_model.assessment.rollup explains what is added up and how).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine, select

from loyalty_model.assessment.actions import ACTION_COLUMNS
from loyalty_model.assessment.anonymity import mask_ratings
from loyalty_model.assessment.rollup import (
    Rollup,
    Team,
    build_rollup,
    team_workshop,
)
from loyalty_model.assessment.scoring import Assessment, assess
from loyalty_model.model import Model, ScoringSettings
from loyalty_model.workshop import storage
from loyalty_model.workshop.live import workshop_labels


def _by_workshop(engine: Engine, query, ids: list[int]) -> dict[int, list]:  # noqa: ANN001
    grouped: dict[int, list] = defaultdict(list)
    if not ids:
        return grouped
    with engine.connect() as conn:
        for row in conn.execute(query).all():
            grouped[row.workshop_id].append(row)
    return grouped


def load_client_rollup(engine: Engine, client: storage.Client, model: Model, lang: str = "en",
                       settings: ScoringSettings | None = None) -> Rollup:
    """The client's roll-up as its view, PDF and deck show it, in `lang` (workshop labels and
    proposed actions are written in it)."""
    teams = storage.client_workshops(engine, client.id)
    ids = [w.id for team in teams for w in team]
    r, k, g, a = storage.ratings, storage.kpi_values, storage.kpi_targets, storage.actions
    ratings = _by_workshop(engine, select(r.c.workshop_id, r.c.participant_id, r.c.statement_id,
                                          r.c.rating).where(r.c.workshop_id.in_(ids))
                           .order_by(r.c.participant_id, r.c.id), ids)
    kpis = _by_workshop(engine, select(k.c.workshop_id, k.c.kpi, k.c.value, k.c.period,
                                       k.c.target).where(k.c.workshop_id.in_(ids))
                        .order_by(k.c.id), ids)
    targets = _by_workshop(engine, select(g.c.workshop_id, g.c.kpi, g.c.target)
                           .where(g.c.workshop_id.in_(ids)), ids)
    plans = _by_workshop(engine, select(a.c.workshop_id, *(a.c[c] for c in ACTION_COLUMNS))
                         .where(a.c.workshop_id.in_(ids)).order_by(a.c.position), ids)
    built = []
    for team in teams:
        entries = []
        for label, workshop in zip(workshop_labels(team, lang), team, strict=True):
            rows = tuple((row.participant_id, row.statement_id, row.rating)
                         for row in ratings.get(workshop.id, []))
            assessment = _assessment(
                rows, tuple(tuple(row[1:]) for row in kpis.get(workshop.id, [])),
                tuple(sorted((row.kpi, float(row.target)) for row in targets.get(workshop.id, []))),
                workshop.anonymity, workshop.smallest_group, _Same(model),
                settings or model.scoring)
            plan = pd.DataFrame([tuple(row[1:]) for row in plans.get(workshop.id, [])],
                                columns=ACTION_COLUMNS)
            entries.append(team_workshop(label, workshop.created_at, assessment, plan, model,
                                         lang, participants=len({row[0] for row in rows})))
        built.append(Team(team[-1].team, tuple(entries)))
    return build_rollup(client.name, built, model, settings)


class _Same:
    """A model as a cache key: the same object, not an equal one (a Model holds dicts)."""

    def __init__(self, model: Model) -> None:
        self.model = model

    def __hash__(self) -> int:
        return id(self.model)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.model is self.model


@lru_cache(maxsize=4096)
def _assessment(ratings: tuple, kpis: tuple, targets: tuple, anonymity: str, smallest: int,
                same: _Same, settings: ScoringSettings) -> Assessment:
    """One workshop scored, remembered by its content: when one person rates in one team of a
    40-team client, the page scores that workshop again, not all 160 (3.5 s of CPU)."""
    frame = pd.DataFrame(
        [{"participant": f"p{person}", "statement_id": statement,
          "rating": float("nan") if rating is None else float(rating)}
         for person, statement, rating in ratings],
        columns=["participant", "statement_id", "rating"]).astype({"rating": float})
    kpi_frame = pd.DataFrame(list(kpis), columns=["kpi", "value", "period", "target"]).astype(
        {"kpi": "string", "value": float, "period": "string", "target": float})
    # held to the workshop's anonymity level, as its own results page is
    shown = mask_ratings(frame, anonymity, smallest)
    return assess(shown, kpi_frame, same.model, settings, dict(targets))


def clear_cache() -> None:
    """Forget scored workshops (the benchmark measures a cold first load)."""
    _assessment.cache_clear()
