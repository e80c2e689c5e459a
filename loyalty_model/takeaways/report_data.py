"""Everything a report needs, gathered once, so the PDF, the deck and presenter mode tell one story.

The renderers only lay out what is here: they never score, query or translate business logic
themselves. That keeps the PDF and the deck in step with each other and with the results page;
how each single value is written is report_text.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from loyalty_model.assessment.actions import proposed_actions
from loyalty_model.assessment.anonymity import (
    DEFAULT_LEVEL,
    DEFAULT_SMALLEST_GROUP,
    mask_ratings,
)
from loyalty_model.assessment.kpi_scoring import kpi_trend, layer_kpi_trend
from loyalty_model.assessment.scoring import Assessment, assess
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_date, t
from loyalty_model.model import KpiSpec, Model, ScoringSettings
from loyalty_model.takeaways import charts
from loyalty_model.takeaways.report_business import BusinessCase, business_case
from loyalty_model.takeaways.report_parts import ReportChart, ReportComment

if TYPE_CHECKING:  # the CLI builds reports from files and never needs the database layer
    from sqlalchemy import Engine

    from loyalty_model.workshop import storage

ACTION_COLUMNS = ["action", "layer", "owner", "due_date"]


@dataclass(frozen=True)
class ReportData:
    model: Model
    lang: str
    title: str
    team: str
    on: date
    participants: int
    assessment: Assessment
    kpis: pd.DataFrame
    trend: pd.DataFrame  # period, layer, score: the layers' KPI scores per period
    actions: pd.DataFrame
    actions_proposed: bool  # True when the plan is the model's first proposal, not the team's
    matrix_shares: dict[str, float] | None = None
    history: pd.DataFrame | None = None  # workshop, layer, measure, score (layer_trend_chart)
    charts: tuple[ReportChart, ...] = field(default=())
    business: BusinessCase | None = None  # None when the KPIs give no revenue and churn
    currency: str = DEFAULT_CURRENCY  # of every amount: business case and amount KPIs
    anonymity: str = DEFAULT_LEVEL  # the workshop's level; the cover says what it means
    smallest_group: int = DEFAULT_SMALLEST_GROUP
    comments: tuple[ReportComment, ...] = ()

    def layer_comments(self, layer_id: str) -> list[ReportComment]:
        """A layer's comments, those marked for discussion first."""
        found = [c for c in self.comments if c.layer == layer_id]
        return sorted(found, key=lambda c: not c.marked)

    def anonymity_note(self) -> str:
        """One line on how anonymous the answers in this report are."""
        return t(f"anonymity.report_{self.anonymity}", self.lang, n=self.smallest_group)

    def kpi_specs(self) -> list[KpiSpec]:
        """KPIs to define in the appendix: those with data, else the whole catalogue."""
        used = [self.model.kpis[r.kpi] for r in self.assessment.kpis]
        return used or list(self.model.kpis.values())

    def layer_actions(self, layer_id: str) -> pd.DataFrame:
        return self.actions[self.actions["layer"] == layer_id]


def _clean_actions(actions: pd.DataFrame | None) -> pd.DataFrame:
    if actions is None or actions.empty:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    frame = actions.reindex(columns=ACTION_COLUMNS).astype(object)
    frame = frame.where(frame.notna(), None)
    frame["action"] = frame["action"].map(lambda v: "" if v is None else str(v).strip())
    return frame[frame["action"] != ""].reset_index(drop=True)


def build_report_data(ratings: pd.DataFrame, kpis: pd.DataFrame | None, model: Model,
                      lang: str, *, title: str, team: str, on: date | None = None,
                      actions: pd.DataFrame | None = None,
                      matrix_shares: dict[str, float] | None = None,
                      history: pd.DataFrame | None = None,
                      settings: ScoringSettings | None = None,
                      currency: str = DEFAULT_CURRENCY,
                      targets: dict[str, float] | None = None,
                      anonymity: str = DEFAULT_LEVEL,
                      smallest_group: int = DEFAULT_SMALLEST_GROUP,
                      comments: tuple[ReportComment, ...] = ()) -> ReportData:
    """Score once and collect the report's content; bad ratings raise ScoringInputError.

    `targets` are the team's KPI targets from the targets step (they override a file's).
    `ratings` are masked here by the anonymity level (assessment.anonymity), so no caller can
    print a statement fewer than `smallest_group` people rated in an aggregates-only workshop.
    """
    ratings = mask_ratings(ratings, anonymity, smallest_group)
    settings = settings or model.scoring
    kpis = kpis if kpis is not None else pd.DataFrame(columns=["kpi", "value", "period", "target"])
    assessment = assess(ratings, kpis, model, settings, targets)
    on = on or date.today()
    plan = _clean_actions(actions)
    proposed = plan.empty
    if proposed:
        plan = _clean_actions(proposed_actions(assessment, model, lang, today=on))
    answered = ratings["participant"].dropna().astype(str).str.strip()
    data = ReportData(
        model=model, lang=lang, title=title, team=team, on=on,
        participants=int(answered[answered != ""].nunique()),
        assessment=assessment, kpis=kpis,
        trend=layer_kpi_trend(kpi_trend(kpis, model, settings, targets), model),
        actions=plan, actions_proposed=proposed,
        matrix_shares=matrix_shares or None,
        history=history if history is not None and not history.empty else None,
        business=business_case(kpis, model, lang, currency),
        currency=currency, anonymity=anonymity, smallest_group=smallest_group,
        comments=tuple(comments),
    )
    return _with_charts(data)


def series_history(engine: Engine, workshop: storage.Workshop, model: Model, lang: str,
                   settings: ScoringSettings | None = None) -> pd.DataFrame:
    """Layer scores of the workshops in this one's series up to it, for the trend chart.

    Only the series counts, never the team name: two clients can share a team name, and joining
    a series takes the earlier workshop's facilitator key (storage.link_to_earlier).
    """
    from loyalty_model.workshop import storage

    rows = []
    for earlier in storage.series_workshops(engine, workshop):
        if (earlier.created_at, earlier.id) > (workshop.created_at, workshop.id):
            continue
        result = assess(storage.shown_ratings(engine, earlier),
                        storage.kpis_frame(engine, earlier.id), model, settings,
                        storage.targets(engine, earlier.id))
        label = f"{earlier.name} ({fmt_date(earlier.created_at, lang)})"
        for layer in result.layers:
            rows.append({"workshop": label, "layer": layer.layer,
                         "measure": t("chart.self", lang), "score": layer.self_score})
            rows.append({"workshop": label, "layer": layer.layer,
                         "measure": t("chart.kpi", lang), "score": layer.kpi_score})
    return pd.DataFrame(rows, columns=["workshop", "layer", "measure", "score"])


def from_workshop(engine: Engine, workshop: storage.Workshop, model: Model,
                  lang: str | None = None, *, settings: ScoringSettings | None = None,
                  matrix_shares: dict[str, float] | None = None,
                  on: date | None = None) -> ReportData:
    """The report of one stored workshop, with the trend across its series when there is one."""
    from loyalty_model.workshop import storage
    from loyalty_model.workshop.settings import workshop_currency

    lang = lang or workshop.language
    created = workshop.created_at
    history = series_history(engine, workshop, model, lang, settings)
    if not matrix_shares:
        stored = storage.load_evidence(engine, workshop.id, "loyalty_matrix") or {}
        matrix_shares = stored.get("shares")
    return build_report_data(
        storage.ratings_frame(engine, workshop.id), storage.kpis_frame(engine, workshop.id),
        model, lang, title=workshop.name, team=workshop.team,
        on=on or (created.date() if isinstance(created, datetime) else date.today()),
        actions=storage.actions_frame(engine, workshop.id),
        matrix_shares=matrix_shares,
        history=history, settings=settings,
        currency=workshop_currency(engine, workshop.id),
        targets=storage.targets(engine, workshop.id),
        anonymity=workshop.anonymity, smallest_group=workshop.smallest_group,
        comments=tuple(ReportComment(c.layer, c.text, c.author, c.marked)
                       for c in storage.shown_comments(engine, workshop, model)),
    )


def _with_charts(data: ReportData) -> ReportData:
    return replace(data, charts=tuple(report_charts(data)))


def report_charts(data: ReportData) -> list[ReportChart]:
    """The charts worth showing for this data, in the order the room should see them."""
    model, lang, assessment = data.model, data.lang, data.assessment
    threshold = int(assessment.settings.gap_threshold)
    out = [
        ReportChart("self_vs_kpi", t("chart.self_vs_kpi", lang),
                    charts.self_vs_kpi_chart(assessment, model, lang),
                    t("report.caption_self_vs_kpi", lang)),
        ReportChart("gaps", t("chart.gaps", lang), charts.gaps_chart(assessment, model, lang),
                    t("report.caption_gaps", lang, threshold=threshold)),
    ]
    if any(s.mean is not None for s in assessment.statements):
        out.append(ReportChart("spread", t("chart.spread", lang),
                               charts.spread_chart(assessment, model, lang),
                               t("report.caption_spread", lang)))
    if not data.trend.empty and data.trend.dropna(subset=["score"])["period"].nunique() > 1:
        out.append(ReportChart("kpi_trend", t("chart.kpi_trend", lang),
                               charts.kpi_trend_chart(data.trend, model, lang),
                               t("report.caption_kpi_trend", lang)))
    if data.matrix_shares:
        out.append(ReportChart("matrix", t("chart.matrix", lang),
                               charts.loyalty_matrix_chart(data.matrix_shares, model, lang),
                               t("report.caption_matrix", lang)))
    if data.history is not None and data.history["workshop"].nunique() > 1:
        out.append(ReportChart("layer_trend", t("chart.layer_trend", lang),
                               charts.layer_trend_chart(data.history, model, lang),
                               t("report.caption_layer_trend", lang)))
    return out


def layer_spread_chart(data: ReportData, layer_id: str,
                       label_width: int = charts.LABEL_LINE) -> alt.TopLevelMixin | None:
    """The spread chart of one layer, or None when nobody rated it."""
    rated = [s for s in data.assessment.statements if s.layer == layer_id and s.mean is not None]
    if not rated:
        return None
    return charts.spread_chart(data.assessment, data.model, data.lang, layer_id, label_width)
