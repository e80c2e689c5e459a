"""What the client view, the client PDF and the client deck say, gathered once.

The heatmap and the trend are Altair specs like every other chart (charts.py): the view shows
them, the PDF and the deck render the same specs with vl-convert. The sentences here (which
teams read a layer differently, which priorities they share) are written once, so the screen,
the paper and the slides never word them differently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import altair as alt
import pandas as pd

from loyalty_model.assessment import rollup as rollups
from loyalty_model.assessment.reading import priority_reason, status_key
from loyalty_model.assessment.rollup import Rollup
from loyalty_model.i18n import fmt_number, t
from loyalty_model.model import Model
from loyalty_model.takeaways.charts import STATUS_COLOURS, layer_trend_chart, localised

# "aligned, but weak" is drawn in the aligned green, lighter: it is aligned, and not good news
HEAT_COLOURS = {**STATUS_COLOURS, "aligned_weak": "#b3d3c1"}
CELL_W, CELL_H = 118, 34


def score_pair(self_score: float | None, kpi_score: float | None, lang: str) -> str:
    """A cell's text: the team's view, then the numbers ("72 / 48"; "–" where missing)."""
    return f"{fmt_number(self_score, lang)} / {fmt_number(kpi_score, lang)}"


def heatmap_frame(rollup: Rollup, model: Model, lang: str) -> pd.DataFrame:
    """The heatmap's rows: the core's figures with names and labels in `lang`."""
    frame = rollups.heatmap_frame(rollup)
    return frame.assign(
        layer_name=frame["layer"].map(lambda k: model.layer(k).name(lang)),
        status_label=frame["status_key"].map(lambda s: t(f"status.{s}", lang)),
        label=[score_pair(s, k, lang) for s, k in zip(frame["self_score"], frame["kpi_score"],
                                                      strict=True)],
        self_text=frame["self_score"].map(lambda v: fmt_number(v, lang)),
        kpi_text=frame["kpi_score"].map(lambda v: fmt_number(v, lang)),
        gap_text=frame["gap"].map(lambda v: fmt_number(v, lang)),
    )


def heatmap_chart(rollup: Rollup, model: Model, lang: str = "en",
                  teams: list[str] | None = None) -> alt.LayerChart:
    """Teams × layers from each team's latest workshop: colour = gap status, text = the team's
    view / the numbers, as on the team's own results page. `teams`: only these (a page or a
    slide holds so many rows)."""
    frame = heatmap_frame(rollup, model, lang)
    layers = [layer.name(lang) for layer in model.layers]
    teams = teams if teams is not None else [team.name for team in rollup.teams]
    frame = frame[frame["team"].isin(teams)]
    present = [s for s in HEAT_COLOURS if s in set(frame["status_key"])]
    base = alt.Chart(frame).encode(
        x=alt.X("layer_name:N", sort=layers, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=CELL_W)),
        y=alt.Y("team:N", sort=teams, title=None, axis=alt.Axis(labelLimit=220)))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status_label:N", title=None,
                        scale=alt.Scale(domain=[t(f"status.{s}", lang) for s in present],
                                        range=[HEAT_COLOURS[s] for s in present]),
                        legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("team:N", title=t("client.col_team", lang)),
                 alt.Tooltip("layer_name:N", title=t("export.layer", lang)),
                 alt.Tooltip("self_text:N", title=t("chart.self", lang)),
                 alt.Tooltip("kpi_text:N", title=t("chart.kpi", lang)),
                 alt.Tooltip("gap_text:N", title=t("export.gap", lang)),
                 alt.Tooltip("status_label:N", title=t("export.status", lang))])
    text = base.mark_text(fontSize=13, fontWeight="bold", color="#222222").encode(text="label:N")
    return localised(alt.layer(cells, text, title=t("client.heatmap_title", lang)).properties(
        width=alt.Step(CELL_W), height=alt.Step(CELL_H)), lang)


def team_trend_chart(rollup: Rollup, team: str, model: Model, lang: str = "en"
                     ) -> alt.Chart | None:
    """One team's layers across its workshops; None until it has two."""
    frame = rollups.trend_frame(replace(rollup, teams=(rollup.team(team),)))
    if frame["workshop"].nunique() < 2:
        return None
    measures = {"self": t("chart.self", lang), "kpi": t("chart.kpi", lang)}
    chart = layer_trend_chart(frame.assign(measure=frame["measure"].map(measures)), model, lang)
    # level labels: turned on end, long workshop labels took the plot's height on screen
    return chart.encode(x=alt.X("workshop:O", sort=None, title=None,
                                axis=alt.Axis(labelAngle=0, labelLimit=200)))


def team_names(names: tuple[str, ...] | list[str], lang: str) -> str:
    """"Sales, Support and Warehouse" / "Salg, Support og Lager"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return t("client.and_list", lang, first=", ".join(names[:-1]), last=names[-1])


def split_lines(rollup: Rollup, model: Model, lang: str) -> list[str]:
    """One sentence per layer the teams read differently."""
    lines = []
    for split in rollups.team_disagreements(rollup, model):
        parts = [t("client.split_part", lang, status=t(f"status.{status}", lang).lower(),
                   teams=team_names(teams, lang))
                 for status, teams in split.teams_by_status.items()]
        lines.append(t("client.split_line", lang, layer=model.layer(split.layer).name(lang),
                       parts="; ".join(parts), low=fmt_number(split.lowest, lang),
                       high=fmt_number(split.highest, lang)))
    return lines


def shared_lines(rollup: Rollup, model: Model, lang: str) -> list[str]:
    return [t("client.shared_line", lang, layer=model.layer(item.layer).name(lang),
              n=len(item.teams), total=len(rollup.teams), teams=team_names(item.teams, lang))
            for item in rollups.shared_priorities(rollup, model)]


def priority_lines(rollup: Rollup, model: Model, lang: str) -> list[tuple[str, str]]:
    """(headline, why) per client-level priority, most urgent first."""
    overall = rollup.overall
    lines = []
    for rank, layer_id in enumerate(overall.priorities, start=1):
        result = overall.layer(layer_id)
        headline = t("client.priority_line", lang, rank=rank,
                     layer=model.layer(layer_id).name(lang),
                     self=fmt_number(result.self_score, lang),
                     kpi=fmt_number(result.kpi_score, lang),
                     status=t(f"status.{status_key(overall, layer_id)}", lang))
        lines.append((headline, priority_reason(result, model, overall, lang)))
    return lines


def plan_rows(rollup: Rollup, model: Model, lang: str) -> list[list[str]]:
    """The combined action plan as table rows: team, action, layer, owner, due date."""
    from loyalty_model.takeaways.report_text import due_text

    rows = []
    for row in rollups.combined_plan(rollup).to_dict("records"):
        layer = row.get("layer")
        try:
            layer_name = model.layer(str(layer)).name(lang) if layer else "–"
        except KeyError:
            layer_name = str(layer)
        rows.append([row["team"], row["action"], layer_name, row.get("owner") or "–",
                     due_text(row.get("due_date"), lang)])
    return rows


@dataclass
class RollupReport:
    """Everything the client PDF and deck print. `title` and `team` name the document as the
    shared page furniture (pdf_document, pptx_deck) expects."""

    rollup: Rollup
    model: Model
    lang: str
    on: date
    title: str = ""
    team: str = ""

    @property
    def participants(self) -> int:
        return sum(team.latest.participants for team in self.rollup.teams)

    def workshops(self) -> int:
        return sum(len(team.workshops) for team in self.rollup.teams)


def build_rollup_report(rollup: Rollup, model: Model, lang: str,
                        on: date | None = None) -> RollupReport:
    return RollupReport(rollup=rollup, model=model, lang=lang, on=on or date.today(),
                        title=t("client.report_title", lang, client=rollup.client),
                        team=rollup.client)


def team_chunks(rollup: Rollup, size: int) -> list[list[str]]:
    """Team names in groups of `size`, for a heatmap split over pages or slides."""
    names = [team.name for team in rollup.teams]
    return [names[i:i + size] for i in range(0, len(names), size)] or [[]]


def _round(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 1)


def rollup_dict(rollup: Rollup, model: Model) -> dict:
    """The roll-up as JSON-ready data (the CLI's `--format json`): ids, not translated text."""
    def layers(assessment) -> list[dict]:  # noqa: ANN001 (Assessment)
        return [{"layer": r.layer, "self_score": _round(r.self_score),
                 "kpi_score": _round(r.kpi_score), "gap": _round(r.gap), "status": r.status}
                for r in assessment.layers]

    plan = rollups.combined_plan(rollup)
    return {
        "client": rollup.client,
        "layers": layers(rollup.overall),
        "priorities": list(rollup.priorities),
        "teams": [{
            "team": team.name,
            "latest": layers(team.latest.assessment),
            "priorities": list(team.latest.assessment.priorities),
            "workshops": [{"name": w.name, "date": w.on.isoformat() if w.on else None,
                           "participants": w.participants, "layers": layers(w.assessment),
                           "actions_proposed": w.actions_proposed}
                          for w in team.workshops],
        } for team in rollup.teams],
        "disagreements": [{"layer": s.layer,
                           "teams_by_status": {k: list(v) for k, v in s.teams_by_status.items()},
                           "lowest_self_score": _round(s.lowest),
                           "highest_self_score": _round(s.highest)}
                          for s in rollups.team_disagreements(rollup, model)],
        "shared_priorities": [{"layer": s.layer, "teams": list(s.teams)}
                              for s in rollups.shared_priorities(rollup, model)],
        "action_plan": [{key: (None if not isinstance(value, str) and pd.isna(value) else value)
                         for key, value in row.items()} for row in plan.to_dict("records")],
    }
