"""Hold the team's self-image against its numbers: self-scores, KPI scores, gaps and priorities.

Every threshold comes from `ScoringSettings` (data/kpis.toml) so the numbers on screen can be
traced and changed; nothing here is a hidden constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from loyalty_model.assessment.kpi_scoring import KpiResult, drivers, layer_kpi_scores, score_kpis
from loyalty_model.messages import Message, Number, localized
from loyalty_model.model import Model, ScoringSettings

# no_evidence: no KPI for the layer was loaded; unscored: KPIs loaded, none could be scored (set a
# target); not_rated: the numbers speak but nobody rated the layer yet.
STATUSES = ("blind_spot", "hidden_strength", "aligned", "unscored", "not_rated", "no_evidence")


class ScoringInputError(ValueError):
    """Ratings or KPI values that cannot be scored; the message is for the user.

    `str(error)` is English, for logs and the English CLI; `localized(lang)` is for the user.
    """

    def localized(self, lang: str = "en") -> str:
        return localized(self.args[0], lang) if self.args else ""


@dataclass(frozen=True)
class StatementResult:
    statement_id: str
    layer: str
    mean: float | None  # on the 1-5 scale
    spread: float | None  # population std-dev of the ratings, 1-5 scale
    n: int  # ratings given (excluding "don't know")
    dont_know: int
    discussion: bool


@dataclass(frozen=True)
class LayerResult:
    layer: str
    self_score: float | None
    kpi_score: float | None
    gap: float | None
    status: str
    spread: float | None  # std-dev of participants' layer self-scores, 0-100
    n_participants: int
    kpis_loaded: int = 0  # KPIs in the data for this layer, scored or not
    drivers: tuple[str, ...] = ()  # scored KPIs, the one pulling the score down hardest first

    @property
    def evidence_score(self) -> float | None:
        """What the priority rests on: the numbers when there are any, else the team's view."""
        return self.kpi_score if self.kpi_score is not None else self.self_score


@dataclass(frozen=True)
class Assessment:
    layers: tuple[LayerResult, ...]
    statements: tuple[StatementResult, ...]
    kpis: tuple[KpiResult, ...]
    priorities: tuple[str, ...]
    settings: ScoringSettings

    def layer(self, layer_id: str) -> LayerResult:
        return next(r for r in self.layers if r.layer == layer_id)

    def is_weak(self, layer_id: str) -> bool:
        """Scoring below the weak line on the evidence the priorities use."""
        score = self.layer(layer_id).evidence_score
        return score is not None and score < self.settings.weak_layer_below

    def kpi(self, kpi_id: str) -> KpiResult | None:
        return next((r for r in self.kpis if r.kpi == kpi_id), None)

    def statement(self, statement_id: str) -> StatementResult:
        return next(s for s in self.statements if s.statement_id == statement_id)

    def discussion_points(self) -> list[StatementResult]:
        points = [s for s in self.statements if s.discussion]
        return sorted(points, key=lambda s: -(s.spread or 0))

    def to_dict(self) -> dict:
        return {
            "layers": [
                {
                    "layer": r.layer,
                    "self_score": _round(r.self_score),
                    "kpi_score": _round(r.kpi_score),
                    "gap": _round(r.gap),
                    "status": r.status,
                    "driving_kpis": [
                        {"kpi": k.kpi, "score": _round(k.score), "basis": k.basis}
                        for k in (self.kpi(kpi_id) for kpi_id in r.drivers) if k is not None
                    ],
                }
                for r in self.layers
            ],
            "kpis": [
                {"kpi": k.kpi, "layer": k.layer, "value": k.value, "period": k.period,
                 "target": k.target, "score": _round(k.score), "band": k.band,
                 "basis": k.basis}
                for k in self.kpis
            ],
            "priorities": list(self.priorities),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def rating_to_score(rating: float) -> float:
    """Map the 1-5 agreement scale onto 0-100 (1 -> 0, 3 -> 50, 5 -> 100)."""
    return (rating - 1.0) * 25.0


# --- ratings -----------------------------------------------------------------------------------


def validate_ratings(ratings: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Return ratings as (participant, statement_id, rating) with rating float or NaN.

    NaN means "don't know". Anything else outside 1-5, or an unknown statement, is refused with a
    message that names the row, because a silently dropped answer is a lost answer. Answers to a
    statement the model has retired (model.toml [retired]) are left out: a workshop rated before
    the statement changed still scores on the statements it shares with today's model.
    """
    missing = {"participant", "statement_id", "rating"} - set(ratings.columns)
    if missing:
        raise ScoringInputError(Message("ratings.missing_columns",
                                        columns=", ".join(sorted(missing))))
    frame = ratings[["participant", "statement_id", "rating"]].copy()
    frame["participant"] = frame["participant"].astype("string").str.strip()
    frame["statement_id"] = frame["statement_id"].astype("string").str.strip()
    known = {s.id for s in model.statements}
    raw = frame["rating"].astype("string").str.strip().replace("", pd.NA)
    numeric = pd.to_numeric(raw, errors="coerce")
    for position, (participant, statement_id, text, number) in enumerate(
        zip(frame["participant"], frame["statement_id"], raw, numeric, strict=True)
    ):
        row = Number(position + 2, en_group="")  # as in a spreadsheet: header is row 1
        if pd.isna(participant) or not participant:
            raise ScoringInputError(Message("ratings.participant_empty", row=row))
        if statement_id not in known and statement_id not in model.retired:
            raise ScoringInputError(Message("ratings.unknown_statement", row=row,
                                            statement=statement_id))
        if pd.isna(text):
            continue
        if pd.isna(number) or number not in (1, 2, 3, 4, 5):
            raise ScoringInputError(Message("ratings.bad_rating", row=row, value=text))
    frame["rating"] = numeric.astype(float)
    frame = frame[~frame["statement_id"].isin(list(model.retired))].reset_index(drop=True)
    if frame.duplicated(["participant", "statement_id"]).any():
        dup = frame[frame.duplicated(["participant", "statement_id"])].iloc[0]
        raise ScoringInputError(Message("ratings.duplicate", participant=dup["participant"],
                                        statement=dup["statement_id"]))
    return frame

def score_statements(ratings: pd.DataFrame, model: Model, settings: ScoringSettings
                     ) -> tuple[StatementResult, ...]:
    # One pass to group the ratings; a boolean filter per statement cost ~8 ms per assessment.
    by_statement: dict[str, list[float]] = {}
    for statement_id, rating in zip(ratings["statement_id"], ratings["rating"], strict=True):
        by_statement.setdefault(statement_id, []).append(rating)
    results = []
    for statement in model.statements:
        rows = pd.Series(by_statement.get(statement.id, []), dtype=float)
        given = rows.dropna()
        mean = float(given.mean()) if len(given) else None
        spread = float(given.std(ddof=0)) if len(given) else None
        results.append(StatementResult(
            statement_id=statement.id,
            layer=statement.layer,
            mean=mean,
            spread=spread,
            n=len(given),
            dont_know=int(rows.isna().sum()),
            discussion=spread is not None and len(given) >= 2
            and spread >= settings.discussion_spread,
        ))
    return tuple(results)


def _self_scores(ratings: pd.DataFrame, model: Model
                 ) -> dict[str, tuple[float | None, float | None, int]]:
    """Per layer: (self-score 0-100, spread between participants 0-100, participants who rated)."""
    layer_of = {s.id: s.layer for s in model.statements}
    given = ratings.dropna(subset=["rating"]).assign(
        layer=lambda f: f["statement_id"].map(layer_of),
        score=lambda f: f["rating"].map(rating_to_score),
    )
    out: dict[str, tuple[float | None, float | None, int]] = {}
    for layer in model.layers:
        rows = given[given["layer"] == layer.id]
        if rows.empty:
            out[layer.id] = (None, None, 0)
            continue
        per_participant = rows.groupby("participant")["score"].mean()
        out[layer.id] = (
            float(rows["score"].mean()),
            float(per_participant.std(ddof=0)),
            len(per_participant),
        )
    return out


# --- layers and priorities ---------------------------------------------------------------------


def gap_status(self_score: float | None, kpi_score: float | None, threshold: float) -> str:
    """Name the relation between what the team believes and what its numbers show."""
    if self_score is None or kpi_score is None:
        return "no_evidence"
    gap = self_score - kpi_score
    if gap > threshold:
        return "blind_spot"
    if gap < -threshold:
        return "hidden_strength"
    return "aligned"


def layer_status(self_score: float | None, kpi_score: float | None, kpis_loaded: int,
                 threshold: float) -> str:
    """The status a layer shows: the gap when both sides exist, else what is missing."""
    if not kpis_loaded:
        return "no_evidence"
    if kpi_score is None:
        return "unscored"
    if self_score is None:
        return "not_rated"
    return gap_status(self_score, kpi_score, threshold)


def prioritise(layers: tuple[LayerResult, ...], model: Model, settings: ScoringSettings
               ) -> tuple[str, ...]:
    """Most urgent first. A weak basic always comes before WOW, as the model demands.

    Weak basics first (weakest first), then every other layer by its score; a layer with no
    score at all goes last. Ties keep the model's order: product before communication, and so on.
    """
    basic = {layer.id: layer.basic for layer in model.layers}
    order = {layer.id: layer.order for layer in model.layers}

    def key(result: LayerResult) -> tuple[int, float, int]:
        score = result.evidence_score
        if score is None:
            return (2, 0.0, order[result.layer])
        weak_basic = basic[result.layer] and score < settings.weak_layer_below
        return (0 if weak_basic else 1, score, order[result.layer])

    return tuple(r.layer for r in sorted(layers, key=key))


def assess(ratings: pd.DataFrame, kpis: pd.DataFrame | None, model: Model,
           settings: ScoringSettings | None = None,
           targets: Mapping[str, float] | None = None) -> Assessment:
    """Score a workshop: the one entry point the app, the CLI and the reports share.

    `targets` are the team's own KPI targets (the targets step), by KPI id; they override a
    target column in the KPI data and the catalogue's starting targets.
    """
    settings = settings or model.scoring
    ratings = validate_ratings(ratings, model)
    statements = score_statements(ratings, model, settings)
    kpi_results = score_kpis(kpis, model, settings, targets)
    self_scores = _self_scores(ratings, model)
    kpi_scores = layer_kpi_scores(kpi_results, model)
    layers = []
    for layer in model.layers:
        self_score, spread, n = self_scores[layer.id]
        kpi_score = kpi_scores[layer.id]
        gap = self_score - kpi_score if self_score is not None and kpi_score is not None else None
        loaded = sum(1 for r in kpi_results if r.layer == layer.id)
        layers.append(LayerResult(
            layer=layer.id, self_score=self_score, kpi_score=kpi_score, gap=gap,
            status=layer_status(self_score, kpi_score, loaded, settings.gap_threshold),
            spread=spread, n_participants=n, kpis_loaded=loaded,
            drivers=tuple(r.kpi for r in drivers(kpi_results, layer.id, kpi_score, model)),
        ))
    layer_results = tuple(layers)
    return Assessment(
        layers=layer_results,
        statements=statements,
        kpis=kpi_results,
        priorities=prioritise(layer_results, model, settings),
        settings=settings,
    )


def with_settings(model: Model, **changes: float) -> ScoringSettings:
    """The model's default settings with some numbers changed (from the results page sliders)."""
    return replace(model.scoring, **changes)
