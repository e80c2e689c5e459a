"""What the facilitator projects while the room rates, and how a team moved across workshops.

Only aggregates leave this module for the room: the participants see the same numbers once the
facilitator reveals them, never each other's answers. Everything is computed from the database
on each call (a few hundred rows), so every device and every server process agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine

from loyalty_model.assessment.anonymity import (
    DEFAULT_LEVEL,
    DEFAULT_SMALLEST_GROUP,
    hidden_count,
    mask_ratings,
)
from loyalty_model.assessment.scoring import Assessment, StatementResult, assess
from loyalty_model.i18n import fmt_date, fmt_number, t
from loyalty_model.model import Model, ScoringSettings
from loyalty_model.workshop import storage

TREND_COLUMNS = ["workshop", "date", "layer", "measure", "score"]


@dataclass(frozen=True)
class LayerLive:
    layer: str
    finished: int  # participants who answered every statement of the layer ("don't know" counts)
    self_score: float | None  # 0-100, mean of all ratings
    disagreement: float | None  # see layer_disagreement: std-dev on the 1-5 rating scale
    rated_by: int  # participants with at least one rating (not "don't know") in the layer


@dataclass(frozen=True)
class LiveView:
    joined: int
    people: tuple[str | None, ...]  # names as typed (None = anonymous), in joining order
    answers: int
    finished_all: int
    layers: tuple[LayerLive, ...]
    assessment: Assessment  # masked by the workshop's anonymity level (storage.shown_ratings)
    anonymity: str = DEFAULT_LEVEL
    smallest_group: int = DEFAULT_SMALLEST_GROUP
    held_back: int = 0  # answered statements not shown yet: fewer than smallest_group rated them
    comments: tuple[storage.Comment, ...] = ()  # as storage.shown_comments shows them

    def top_discussion_points(self, limit: int = 3) -> list[StatementResult]:
        return self.assessment.discussion_points()[:limit]

    def labels(self, lang: str = "en") -> list[str]:
        """Who is in the room, as participant_labels shows them: render as text, never HTML."""
        return participant_labels(self.people, lang)


def participant_labels(names: Sequence[str | None], lang: str = "en") -> list[str]:
    """How people are shown: their name, or "Participant 3" by their place in the joining order.

    Never a database id ("#13" told the room nothing and leaked how busy the server is). Two
    people with the same name stay two people: "Anna", "Anna (4)".
    """
    counts: dict[str, int] = {}
    for name in names:
        if name:
            counts[name] = counts.get(name, 0) + 1
    labels = []
    for number, name in enumerate(names, start=1):
        if not name:
            labels.append(t("live.participant_n", lang, n=number))
        else:
            labels.append(name if counts[name] == 1 else f"{name} ({number})")
    return labels


def layer_disagreement(assessment: Assessment, layer_id: str) -> float | None:
    """How much the room disagrees on a layer, on the same scale as a statement's spread.

    The mean of its statements' standard deviations (ratings 1-5, "don't know" left out) over
    the statements at least two people rated; None until then. One scale everywhere: 0 = all
    gave the same answer, 1.0 or more = a discussion point (ScoringSettings.discussion_spread),
    2 = the room is split between 1 and 5.
    """
    spreads = [s.spread for s in assessment.statements
               if s.layer == layer_id and s.spread is not None and s.n >= 2]
    return sum(spreads) / len(spreads) if spreads else None


def fmt_disagreement(value: float | None, lang: str = "en") -> str:
    """A disagreement (std-dev on the 1-5 scale) as every screen shows it: "1.4", "1,4", "–"."""
    return fmt_number(value, lang, 1)


def finished_per_layer(answered: pd.DataFrame, model: Model) -> dict[str, int]:
    """Per layer, how many participants have answered all of its statements.

    :param answered: one row per (participant_id, statement_id) answered, as storage.progress.
    """
    layer_of = {s.id: s.layer for s in model.statements}
    sizes = {layer.id: len(layer.statements) for layer in model.layers}
    counts = {layer.id: 0 for layer in model.layers}
    if answered.empty:
        return counts
    per = (answered.assign(layer=answered["statement_id"].map(layer_of))
           .dropna(subset=["layer"])
           .groupby(["participant_id", "layer"])["statement_id"].nunique())
    for (_, layer), done in per.items():
        if done >= sizes[layer]:
            counts[layer] += 1
    return counts


def live_view(engine: Engine, workshop_id: int, model: Model,
              settings: ScoringSettings | None = None) -> LiveView:
    """The live aggregate of one workshop, held to its anonymity level."""
    workshop = storage.get_workshop(engine, workshop_id)
    people = storage.list_participants(engine, workshop_id)
    answered = storage.progress(engine, workshop_id)
    ratings = storage.ratings_frame(engine, workshop_id)
    level, smallest = workshop.anonymity, workshop.smallest_group
    assessment = assess(mask_ratings(ratings, level, smallest), None, model, settings)
    finished = finished_per_layer(answered, model)
    total = len(model.statements)
    per_person = answered.groupby("participant_id")["statement_id"].nunique()
    layers = tuple(
        LayerLive(layer=r.layer, finished=finished[r.layer], self_score=r.self_score,
                  disagreement=layer_disagreement(assessment, r.layer),
                  rated_by=r.n_participants)
        for r in assessment.layers
    )
    return LiveView(
        joined=len(people), people=tuple(p.name for p in people), answers=len(answered),
        finished_all=int((per_person >= total).sum()), layers=layers, assessment=assessment,
        anonymity=level, smallest_group=smallest,
        held_back=hidden_count(ratings, [s.id for s in model.statements], level, smallest),
        comments=tuple(storage.shown_comments(engine, workshop, model)),
    )


def statement_spread(assessment: Assessment) -> list[StatementResult]:
    """Statements with at least one rating, most disputed first."""
    rated = [s for s in assessment.statements if s.spread is not None]
    return sorted(rated, key=lambda s: (-(s.spread or 0.0), s.statement_id))


# --- trend across a team's workshops ---------------------------------------------------------


def trend_frame(entries: Sequence[tuple[str, datetime, Assessment]]) -> pd.DataFrame:
    """Tidy rows (workshop, date, layer, measure, score) from assessed workshops, oldest first.

    measure is "self" (the team's view) or "kpi" (the numbers); a missing score stays missing.
    """
    rows = []
    for label, when, assessment in entries:
        for result in assessment.layers:
            rows.append({"workshop": label, "date": when, "layer": result.layer,
                         "measure": "self", "score": result.self_score})
            rows.append({"workshop": label, "date": when, "layer": result.layer,
                         "measure": "kpi", "score": result.kpi_score})
    frame = pd.DataFrame(rows, columns=TREND_COLUMNS)
    return frame.astype({"score": float})


def workshop_labels(workshops: Sequence[storage.Workshop], lang: str) -> list[str]:
    """"2026-03-02 · Q1 review": unique, so two workshops never share a point on the axis."""
    labels = [f"{fmt_date(w.created_at, lang)} · {w.name}" for w in workshops]
    return [label if labels.count(label) == 1 else f"{label} ({w.code})"
            for label, w in zip(labels, workshops, strict=True)]


def team_trend(engine: Engine, workshop: storage.Workshop, model: Model, lang: str = "en",
               settings: ScoringSettings | None = None) -> pd.DataFrame:
    """Layer scores and KPI scores of every workshop in this workshop's series."""
    series = storage.series_workshops(engine, workshop)
    entries = [
        (label, w.created_at, assess(storage.shown_ratings(engine, w),
                                     storage.kpis_frame(engine, w.id), model, settings,
                                     storage.targets(engine, w.id)))
        for label, w in zip(workshop_labels(series, lang), series, strict=True)
    ]
    return trend_frame(entries)
