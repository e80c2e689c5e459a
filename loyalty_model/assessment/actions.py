"""A first action plan that follows each layer's status and the model's order.

A blind spot is not fixed by the layer's usual to-do list: first look at the numbers with the
people who deliver and listen to customers. A weak layer gets the layer's own fixes; a hidden
strength gets written down and kept. WOW waits while a basic is weak — it is shown as "after the
basics" instead of being planned, because WOW on weak basics is wasted.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from loyalty_model.assessment.reading import driving_kpi
from loyalty_model.assessment.scoring import Assessment
from loyalty_model.model import Model, Text

ACTION_COLUMNS = ["action", "layer", "owner", "due_date"]


def weak_basics(assessment: Assessment, model: Model) -> list[str]:
    return [layer.id for layer in model.layers if layer.basic and assessment.is_weak(layer.id)]


def wow_waits(assessment: Assessment, model: Model) -> bool:
    """True while a basic is weak: WOW actions are then "after the basics", not in the plan."""
    return bool(weak_basics(assessment, model))


def _kpi_name(assessment: Assessment, layer_id: str, model: Model, lang: str) -> str:
    kpi = driving_kpi(assessment, layer_id)
    if kpi is None:
        kpi = next((k for k in assessment.kpis if k.layer == layer_id), None)
    return model.kpis[kpi.kpi].name(lang) if kpi else model.layer(layer_id).name(lang)


def layer_actions(assessment: Assessment, layer_id: str, model: Model, lang: str,
                  per_layer: int = 2) -> list[str]:
    """What to do about one layer, most urgent first, from its status and weakness."""
    layer = model.layer(layer_id)
    status = assessment.layer(layer_id).status
    template: Text | None = model.status_actions.get(status)
    texts = []
    if template is not None:
        texts.append(template(lang).format(layer=layer.name(lang),
                                           kpi=_kpi_name(assessment, layer_id, model, lang)))
    if status != "hidden_strength" and (assessment.is_weak(layer_id) or not texts):
        texts += [action(lang) for action in layer.actions]
    return texts[:per_layer]


def proposed_actions(assessment: Assessment, model: Model, lang: str, today: date | None = None,
                     layers: int = 3, per_layer: int = 2) -> pd.DataFrame:
    """A first action plan to edit: the top priorities by status, then any hidden strength.

    WOW is left out while a basic is weak (see `after_basics`). Due dates step a month per rank.
    """
    today = today or date.today()
    waits = wow_waits(assessment, model)
    chosen = [layer_id for layer_id in assessment.priorities
              if not (waits and layer_id == "wow")][:layers]
    chosen += [r.layer for r in assessment.layers
               if r.status == "hidden_strength" and r.layer not in chosen
               and not (waits and r.layer == "wow")]
    rows = []
    for rank, layer_id in enumerate(chosen):
        count = per_layer if rank < layers else 1
        for text in layer_actions(assessment, layer_id, model, lang, count):
            rows.append({"action": text, "layer": layer_id, "owner": "",
                         "due_date": (today + timedelta(days=30 * (rank + 1))).isoformat()})
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def after_basics(assessment: Assessment, model: Model, lang: str, count: int = 2) -> list[str]:
    """WOW actions held back while a basic is weak; empty once the basics hold."""
    if not wow_waits(assessment, model):
        return []
    return [action(lang) for action in model.layer("wow").actions[:count]]
