"""Survey touchpoints as evidence: which layer an answer's touchpoint value is about.

A survey export's touchpoint column ("Levering", "Kundeservice", "Webshop") says what an answer
is about. Answers about delivery are evidence for the delivery layer, so their mean score is a
KPI of that layer. The suggestion comes from `[touchpoint_layers]` in data/synonyms.toml (English
and Danish, compared like column headers: case, accents and punctuation do not matter); the user
can overrule it per value, because only the team knows that its "Service" means the workshop.
A value that maps to no layer (a channel such as "Webshop") is left out, never guessed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from loyalty_model.intake.mapping import SYNONYMS_FILE, normalise_header

TOUCHPOINT_KPI: dict[str, str] = {
    "product": "product_survey_score",
    "communication": "communication_score",
    "delivery": "delivery_survey_score",
    "fault_correction": "fault_correction_survey_score",
}
"""Layer → the KPI its touchpoint answers give (ids as in data/kpis.toml)."""
TOUCHPOINT_LAYERS: tuple[str, ...] = tuple(TOUCHPOINT_KPI)
NOT_COUNTED = ""
"""The choice that leaves a touchpoint value out of every layer."""
MAX_SHOWN = 30
"""Distinct values offered for a choice in the UI; real touchpoint lists are short, free text
is not, and thirty selectboxes are already more than a team reviews in a workshop."""

Choices = Mapping[str, str | None]
"""The user's choices: touchpoint value → layer id, or "" / None to leave it out."""


@cache
def touchpoint_synonyms() -> dict[str, str]:
    """Normalised touchpoint value → layer, from data/synonyms.toml.

    :raise ValueError: when the file names an unknown layer or maps one value to two layers,
        so a data typo fails at start-up instead of quietly counting answers twice.
    """
    raw = tomllib.loads(SYNONYMS_FILE.read_text(encoding="utf-8")).get("touchpoint_layers", {})
    table: dict[str, str] = {}
    for layer, names in raw.items():
        if layer not in TOUCHPOINT_KPI:
            raise ValueError(f"synonyms.toml [touchpoint_layers]: unknown layer {layer!r}")
        for name in [layer, *names]:
            key = normalise_header(name)
            if table.setdefault(key, layer) != layer:
                raise ValueError(f"synonyms.toml [touchpoint_layers]: {name!r} is both "
                                 f"{table[key]} and {layer}")
    return table


def touchpoint_key(value: object) -> str:
    """The normalised form choices are stored and compared under ("Værksted" → "vaerksted")."""
    return normalise_header(str(value))


def suggest_layer(value: object) -> str | None:
    """The layer a touchpoint value is a synonym of, or None (a channel, or unknown)."""
    return touchpoint_synonyms().get(touchpoint_key(value))


def resolve_layer(value: object, choices: Choices | None = None) -> str | None:
    """The user's choice for the value if there is one, else the suggestion."""
    return _resolve(touchpoint_key(value), _normalised(choices) if choices else {})


def layer_codes(touchpoints: pd.Series, choices: Choices | None = None) -> np.ndarray:
    """Per row, the index of its layer in TOUCHPOINT_LAYERS, or -1 (blank or not counted).

    Only the distinct values are resolved, so a million answers cost one factorize.
    """
    codes, uniques = pd.factorize(touchpoints)
    chosen = _normalised(choices) if choices else {}
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int8)  # the last slot takes code -1 (blank)
    for position, value in enumerate(uniques):
        layer = _resolve(touchpoint_key(value), chosen)
        if layer is not None:
            lookup[position] = TOUCHPOINT_LAYERS.index(layer)
    return lookup[codes]


def layer_means(scores: np.ndarray, codes: np.ndarray) -> dict[str, float | None]:
    """Mean score per touchpoint KPI; None for a layer no answer maps to (missing, not zero)."""
    bins = codes.astype(np.intp) + 1  # bin 0 collects the answers no layer counts
    sums = np.bincount(bins, weights=scores, minlength=len(TOUCHPOINT_KPI) + 1)[1:]
    counts = np.bincount(bins, minlength=len(TOUCHPOINT_KPI) + 1)[1:]
    return {kpi: float(sums[i] / counts[i]) if counts[i] else None
            for i, kpi in enumerate(TOUCHPOINT_KPI.values())}


@dataclass(frozen=True)
class TouchpointValue:
    """One distinct touchpoint as the user sees it: how often it occurs and where it counts."""

    key: str  # normalised; what choices are remembered under
    label: str  # the most frequent spelling in the file
    answers: int
    suggested: str | None  # from the synonyms
    layer: str | None  # what the KPIs were computed with (choice, else suggestion)


@dataclass(frozen=True)
class TouchpointSummary:
    """The distinct touchpoint values of a survey export, most answers first, capped for the UI."""

    values: tuple[TouchpointValue, ...]
    hidden: int  # distinct values beyond the cap; they follow the synonyms or remembered choices
    hidden_answers: int
    choices: dict[str, str]  # normalised key → layer or "": the effective choice of every value

    def counted(self, layer: str) -> list[TouchpointValue]:
        return [value for value in self.values if value.layer == layer]

    def left_out(self) -> list[TouchpointValue]:
        return [value for value in self.values if value.layer is None]


def summarise_touchpoints(frame: pd.DataFrame, choices: Choices | None = None,
                          limit: int = MAX_SHOWN) -> TouchpointSummary | None:
    """The touchpoint values of a typed survey frame, or None without a touchpoint column."""
    if "touchpoint" not in frame or not frame["touchpoint"].notna().any():
        return None
    counts = frame["touchpoint"].dropna().value_counts(sort=False)
    chosen = _normalised(choices) if choices else {}
    grouped: dict[str, list[tuple[int, str]]] = {}
    for label, count in counts.items():
        grouped.setdefault(touchpoint_key(label), []).append((int(count), str(label)))
    rows = []
    for key, spellings in grouped.items():
        if not key:  # punctuation only: nothing to map
            continue
        spellings.sort(key=lambda item: (-item[0], item[1]))
        label = spellings[0][1]
        rows.append(TouchpointValue(key=key, label=label, answers=sum(n for n, _ in spellings),
                                    suggested=suggest_layer(label),
                                    layer=_resolve(key, chosen)))
    rows.sort(key=lambda row: (-row.answers, row.label.lower()))
    shown, hidden = rows[:limit], rows[limit:]
    return TouchpointSummary(values=tuple(shown), hidden=len(hidden),
                             hidden_answers=sum(row.answers for row in hidden),
                             choices={row.key: row.layer or NOT_COUNTED for row in rows})


def overrides(choices: Choices) -> dict[str, str]:
    """Only the choices that differ from the synonyms: what is worth remembering.

    Storing the defaults too would freeze today's synonyms into every remembered layout.
    """
    synonyms = touchpoint_synonyms()
    return {key: layer or NOT_COUNTED for key, layer in _normalised(choices).items()
            if (layer or None) != synonyms.get(key)}


def choices_signature(survey_signature: str) -> str:
    """Where a survey layout's touchpoint choices are remembered, beside its column mapping."""
    return f"{survey_signature}:touchpoints"


def _resolve(key: str, chosen: Mapping[str, str | None]) -> str | None:
    """A normalised value's layer: the user's choice if any ("" = left out), else the synonym."""
    if key in chosen:
        return chosen[key] or None
    return touchpoint_synonyms().get(key)


def _normalised(choices: Choices) -> dict[str, str | None]:
    """Choices keyed like the synonyms; an unknown layer is an error, not a silent "left out"."""
    unknown = sorted({str(layer) for layer in choices.values()
                      if layer and layer not in TOUCHPOINT_KPI})
    if unknown:
        raise ValueError(f"unknown touchpoint layer {', '.join(unknown)}; expected one of "
                         f"{', '.join(TOUCHPOINT_LAYERS)}")
    return {touchpoint_key(value): layer for value, layer in choices.items()}
