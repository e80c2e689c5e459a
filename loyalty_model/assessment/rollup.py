"""One client, many teams: the teams' own results side by side, and what they add up to.

Computed only from each workshop's `assess()` result, so a team's cell in the client view is the
very number its own results page shows. The client's layers are the mean of its teams' latest
scores (every team counts once, however many people it has: management compares teams, not
heads), and the client's priorities follow the model's rule through `scoring.prioritise`: a
weak basic comes before a weaker WOW. Which store or file the workshops came from is the
caller's business (loyalty_model.workshop.client_rollup, the CLI).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean

import pandas as pd

from loyalty_model.assessment.actions import ACTION_COLUMNS, proposed_actions
from loyalty_model.assessment.reading import status_key
from loyalty_model.assessment.scoring import Assessment, LayerResult, layer_status, prioritise
from loyalty_model.model import Model, ScoringSettings

# statuses that say something about the team's view against its numbers; the others only say
# what is missing, which is no disagreement between teams
GAP_STATUSES = ("blind_spot", "hidden_strength", "aligned")
TOP = 3  # a team's "priorities" are its first three, as its results page shows them
HEATMAP_COLUMNS = ["team", "layer", "self_score", "kpi_score", "gap", "status", "status_key",
                   "priority"]
TREND_COLUMNS = ["team", "workshop", "date", "layer", "measure", "score"]
PLAN_COLUMNS = ["team", *ACTION_COLUMNS]


@dataclass(frozen=True)
class TeamWorkshop:
    """One of a team's workshops, already scored."""

    name: str
    on: datetime | date
    assessment: Assessment
    actions: pd.DataFrame  # ACTION_COLUMNS; the team's own plan, or the proposed one
    actions_proposed: bool = False
    participants: int = 0


@dataclass(frozen=True)
class Team:
    name: str
    workshops: tuple[TeamWorkshop, ...]  # oldest first

    @property
    def latest(self) -> TeamWorkshop:
        return self.workshops[-1]


@dataclass(frozen=True)
class LayerSplit:
    """A layer the teams read differently: which teams see which status."""

    layer: str
    teams_by_status: dict[str, tuple[str, ...]]
    lowest: float | None  # the lowest and highest team self-score on the layer
    highest: float | None


@dataclass(frozen=True)
class SharedPriority:
    layer: str
    teams: tuple[str, ...]


@dataclass(frozen=True)
class Rollup:
    client: str
    teams: tuple[Team, ...]
    overall: Assessment  # the client's layers and priorities (no statements or KPIs of its own)

    @property
    def priorities(self) -> tuple[str, ...]:
        return self.overall.priorities

    def team(self, name: str) -> Team:
        return next(team for team in self.teams if team.name == name)


def team_workshop(name: str, on: datetime | date, assessment: Assessment,
                  actions: pd.DataFrame | None, model: Model, lang: str,
                  participants: int = 0) -> TeamWorkshop:
    """A scored workshop with its action plan: the stored one, else the model's proposal (as
    the team's action page would propose it), marked as proposed."""
    plan = actions if actions is not None else pd.DataFrame(columns=ACTION_COLUMNS)
    plan = plan[plan["action"].fillna("").astype(str).str.strip() != ""] if len(plan) else plan
    proposed = plan.empty
    if proposed:
        day = on.date() if isinstance(on, datetime) else on
        plan = proposed_actions(assessment, model, lang, today=day)
    return TeamWorkshop(name, on, assessment, plan.reset_index(drop=True), proposed,
                        participants)


def _mean(values: Sequence[float | None]) -> float | None:
    given = [v for v in values if v is not None]
    return mean(given) if given else None


def overall_assessment(teams: Sequence[Team], model: Model, settings: ScoringSettings
                       ) -> Assessment:
    """The client's layers: each the mean of its teams' latest scores, with the same status
    rules and the same priority rule as one team's results."""
    layers = []
    for layer in model.layers:
        results = [team.latest.assessment.layer(layer.id) for team in teams]
        self_score = _mean([r.self_score for r in results])
        kpi_score = _mean([r.kpi_score for r in results])
        gap = self_score - kpi_score if self_score is not None and kpi_score is not None else None
        loaded = sum(r.kpis_loaded for r in results)
        layers.append(LayerResult(
            layer=layer.id, self_score=self_score, kpi_score=kpi_score, gap=gap,
            status=layer_status(self_score, kpi_score, loaded, settings.gap_threshold),
            spread=None, n_participants=sum(r.n_participants for r in results),
            kpis_loaded=loaded))
    results = tuple(layers)
    return Assessment(layers=results, statements=(), kpis=(),
                      priorities=prioritise(results, model, settings), settings=settings)


def build_rollup(client: str, teams: Sequence[Team], model: Model,
                 settings: ScoringSettings | None = None) -> Rollup:
    """The roll-up of `teams` (each with at least one workshop), teams in the given order."""
    kept = tuple(team for team in teams if team.workshops)
    return Rollup(client, kept, overall_assessment(kept, model, settings or model.scoring))


# --- what the client view, the PDF and the deck show ------------------------------------------


def heatmap_frame(rollup: Rollup) -> pd.DataFrame:
    """One row per team and layer from each team's latest workshop: the figures its own results
    page shows, the status as it reads there (a weak "aligned" says so) and the layer's rank."""
    rows = []
    for team in rollup.teams:
        assessment = team.latest.assessment
        for result in assessment.layers:
            rows.append({"team": team.name, "layer": result.layer,
                         "self_score": result.self_score, "kpi_score": result.kpi_score,
                         "gap": result.gap, "status": result.status,
                         "status_key": status_key(assessment, result.layer),
                         "priority": assessment.priorities.index(result.layer) + 1})
    return pd.DataFrame(rows, columns=HEATMAP_COLUMNS).astype(
        {"self_score": float, "kpi_score": float, "gap": float})


def team_disagreements(rollup: Rollup, model: Model) -> list[LayerSplit]:
    """Layers on which teams see different things (one a blind spot, another aligned): the
    conversation management should have first. Blind spots against alignment come first."""
    splits = []
    for layer in model.layers:
        by_status: dict[str, list[str]] = {}
        scores = []
        for team in rollup.teams:
            result = team.latest.assessment.layer(layer.id)
            if result.self_score is not None:
                scores.append(result.self_score)
            if result.status in GAP_STATUSES:
                by_status.setdefault(result.status, []).append(team.name)
        if len(by_status) >= 2:
            splits.append(LayerSplit(
                layer.id, {s: tuple(by_status[s]) for s in GAP_STATUSES if s in by_status},
                min(scores) if scores else None, max(scores) if scores else None))
    return sorted(splits, key=lambda s: (not ({"blind_spot", "aligned"} <= set(s.teams_by_status)),
                                         model.layer(s.layer).order))


def shared_priorities(rollup: Rollup, model: Model, top: int = TOP) -> list[SharedPriority]:
    """Layers among the first `top` priorities of two or more teams, most teams first."""
    holders: dict[str, list[str]] = {}
    for team in rollup.teams:
        for layer_id in team.latest.assessment.priorities[:top]:
            holders.setdefault(layer_id, []).append(team.name)
    shared = [SharedPriority(layer_id, tuple(names)) for layer_id, names in holders.items()
              if len(names) >= 2]
    rank = {layer_id: i for i, layer_id in enumerate(rollup.priorities)}
    return sorted(shared, key=lambda s: (-len(s.teams), rank.get(s.layer, 99),
                                         model.layer(s.layer).order))


def trend_frame(rollup: Rollup) -> pd.DataFrame:
    """Tidy rows (team, workshop, date, layer, measure, score) over every team's workshops."""
    rows = []
    for team in rollup.teams:
        for workshop in team.workshops:
            for result in workshop.assessment.layers:
                for measure, score in (("self", result.self_score), ("kpi", result.kpi_score)):
                    rows.append({"team": team.name, "workshop": workshop.name,
                                 "date": workshop.on, "layer": result.layer,
                                 "measure": measure, "score": score})
    return pd.DataFrame(rows, columns=TREND_COLUMNS).astype({"score": float})


def combined_plan(rollup: Rollup) -> pd.DataFrame:
    """Every team's action plan from its latest workshop in one table, with the team for each
    action: actions on the client's most urgent layers first (basics before WOW, as the client's
    priorities order them), then by due date and team."""
    rank = {layer_id: i for i, layer_id in enumerate(rollup.priorities)}
    frames = [team.latest.actions.assign(team=team.name) for team in rollup.teams
              if not team.latest.actions.empty]
    if not frames:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    plan = pd.concat(frames, ignore_index=True)[PLAN_COLUMNS]
    order = plan.assign(
        _rank=plan["layer"].map(lambda layer: rank.get(layer, len(rank))),
        _due=plan["due_date"].fillna("9999").astype(str),
        _team=plan["team"].str.casefold())
    return (order.sort_values(["_rank", "_due", "_team"], kind="stable")[PLAN_COLUMNS]
            .reset_index(drop=True))


def proposed_teams(rollup: Rollup) -> list[str]:
    """Teams whose plan in the roll-up is the model's proposal, not one they wrote."""
    return [team.name for team in rollup.teams if team.latest.actions_proposed]
