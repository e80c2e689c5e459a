"""CSV exports a team takes away: the action plan and the results per layer.

Participants type the action text, so every cell is neutralised against formula injection before
it reaches a spreadsheet: a cell starting with = + - @ (or tab / carriage return) gets a leading
apostrophe, which Excel and LibreOffice show as plain text.
"""

from __future__ import annotations

import pandas as pd

from loyalty_model.i18n import t
from loyalty_model.model import Model
from loyalty_model.scoring import Assessment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make a cell inert if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) neutralised; numbers stay numbers."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel on a Danish Windows machine shows æ, ø and å correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def actions_table(plan: pd.DataFrame, model: Model, lang: str) -> pd.DataFrame:
    """The action plan with headers and layer names in the user's language."""
    layer_names = {layer.id: layer.name(lang) for layer in model.layers}
    return pd.DataFrame({
        t("actions.col_action", lang): plan["action"].astype(object),
        t("actions.col_layer", lang): plan["layer"].map(lambda k: layer_names.get(k, k or "")),
        t("actions.col_owner", lang): plan["owner"].fillna("").astype(object),
        t("actions.col_due", lang): plan["due_date"].fillna("").astype(object),
    })


def actions_csv(plan: pd.DataFrame, model: Model, lang: str) -> bytes:
    return _csv(actions_table(plan, model, lang))


def results_table(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    return pd.DataFrame([
        {
            t("export.priority", lang): rank[r.layer],
            t("export.layer", lang): model.layer(r.layer).name(lang),
            t("export.self_score", lang): None if r.self_score is None else round(r.self_score, 1),
            t("export.kpi_score", lang): None if r.kpi_score is None else round(r.kpi_score, 1),
            t("export.gap", lang): None if r.gap is None else round(r.gap, 1),
            t("export.status", lang): t(f"status.{r.status}", lang),
        }
        for r in assessment.layers
    ]).sort_values(t("export.priority", lang))


def results_csv(assessment: Assessment, model: Model, lang: str) -> bytes:
    return _csv(results_table(assessment, model, lang))
