"""Plain-language reading of an assessment, shared by the results page, the reports and the CLI.

Charts show the numbers; these sentences say what they mean for the room, in the room's language.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from loyalty_model.assessment.scoring import Assessment, LayerResult
from loyalty_model.i18n import fmt_number, t
from loyalty_model.model import Model


def layer_reading(result: LayerResult, model: Model, lang: str) -> str:
    """One or two sentences: the status in the model's words, then the figures behind it."""
    layer = model.layer(result.layer)
    status_text = model.status.get(result.status)
    sentence = status_text(lang).format(layer=layer.name(lang)) if status_text else ""
    if result.self_score is None and result.kpi_score is None:
        figures = t("reading.nothing", lang)
    elif result.kpi_score is None:
        figures = t("reading.self_only", lang, self=fmt_number(result.self_score, lang))
    elif result.self_score is None:
        figures = t("reading.kpi_only", lang, kpi=fmt_number(result.kpi_score, lang))
    else:
        figures = t("reading.both", lang, self=fmt_number(result.self_score, lang),
                    kpi=fmt_number(result.kpi_score, lang),
                    gap=fmt_number(result.gap, lang))
    return f"{sentence} {figures}".strip()


def priority_reason(result: LayerResult, model: Model, assessment: Assessment, lang: str) -> str:
    """Why this layer sits where it does in the priority order."""
    layer = model.layer(result.layer)
    score = result.evidence_score
    if score is None:
        return t("reading.reason_unknown", lang)
    if layer.basic and score < assessment.settings.weak_layer_below:
        return t("reading.reason_weak_basic", lang, score=fmt_number(score, lang))
    if not layer.basic:
        return t("reading.reason_wow", lang, score=fmt_number(score, lang))
    return t("reading.reason_score", lang, score=fmt_number(score, lang))


def summary(assessment: Assessment, model: Model, lang: str, top: int = 3) -> list[str]:
    """The top priorities as sentences, most urgent first."""
    lines = []
    for rank, layer_id in enumerate(assessment.priorities[:top], start=1):
        result = assessment.layer(layer_id)
        name = model.layer(layer_id).name(lang)
        lines.append(t("reading.priority_line", lang, rank=rank, name=name,
                       status=t(f"status.{result.status}", lang),
                       reason=priority_reason(result, model, assessment, lang)))
    return lines


def proposed_actions(assessment: Assessment, model: Model, lang: str, today: date | None = None,
                     layers: int = 3, per_layer: int = 2) -> pd.DataFrame:
    """A first action plan to edit: the model's example actions for the top priorities."""
    today = today or date.today()
    rows = []
    for rank, layer_id in enumerate(assessment.priorities[:layers]):
        for action in model.layer(layer_id).actions[:per_layer]:
            rows.append({"action": action(lang), "layer": layer_id, "owner": "",
                         "due_date": (today + timedelta(days=30 * (rank + 1))).isoformat()})
    return pd.DataFrame(rows, columns=["action", "layer", "owner", "due_date"])
