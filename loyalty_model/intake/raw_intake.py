"""From raw exports to the workshop's KPI set: the step between the readers and scoring.

Raw files give KPIs per period (for the trend) and a few that only make sense over the whole
file (churn needs a year of history, customers carry no date). Both end up as ordinary
kpi/value/period rows, so typed-in and computed KPIs are scored the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from loyalty_model.intake.loading import Loaded, format_problems, load_kind
from loyalty_model.intake.mapping import KINDS, adapt_mapping, guess_kind, mapping_signature
from loyalty_model.intake.mapping import suggest_mapping as suggest
from loyalty_model.intake.matrix import loyalty_matrix
from loyalty_model.intake.raw_kpis import compute_kpis, compute_kpis_by_period
from loyalty_model.intake.table import Table
from loyalty_model.intake.touchpoints import Choices, TouchpointSummary, summarise_touchpoints

# Measures of a customer's whole history: within one quarter they would mislead (almost nobody
# buys twice in three months), so they are computed over the whole file. arpc_annual too: one
# quarter annualised counts only that quarter's few, big buyers (the sample company's came out at
# 38,578 a year against 438 a month), while the whole file gives what a customer pays in a year.
WHOLE_FILE_ONLY = ("repeat_purchase_rate", "arpc_annual", "churn_rate_orders",
                   "churn_rate_customers", "arpc_monthly")


@dataclass(frozen=True)
class MappingProposal:
    """What the UI shows before the user confirms: kind, mapping and whether it was remembered."""

    kind: str | None
    mapping: dict[str, str]
    signature: str | None
    remembered: bool


def propose(table: Table, remembered: dict[str, dict[str, str]] | None = None,
            kind: str | None = None) -> MappingProposal:
    """Guess the kind and mapping; a mapping the user confirmed before for this layout wins."""
    headers = [str(c) for c in table.frame.columns]
    kind = kind or guess_kind(headers)
    if kind is None:
        return MappingProposal(None, {}, None, False)
    signature = mapping_signature(kind, headers)
    stored = (remembered or {}).get(signature)
    if stored:
        return MappingProposal(kind, adapt_mapping(stored, headers), signature, True)
    return MappingProposal(kind, suggest(kind, headers), signature, False)


@dataclass
class RawKpis:
    """KPIs computed from a set of loaded exports."""

    kpis: pd.DataFrame  # kpi, value, period, target (NaN)
    overall: dict[str, float | None]
    matrix: dict | None
    loaded: dict[str, Loaded] = field(default_factory=dict)
    touchpoints: TouchpointSummary | None = None  # None: no survey touchpoint column

    def problems(self, limit: int = 5, lang: str = "en") -> dict[str, list[str]]:
        """Example problems per kind of file, in `lang`; kinds without problems are left out."""
        return {kind: format_problems(item, limit, lang) for kind, item in self.loaded.items()
                if item.problem_count}


def kpi_rows(frames: dict[str, Loaded | pd.DataFrame], by: str = "quarter",
             touchpoint_layers: Choices | None = None) -> pd.DataFrame:
    """Per-period KPI rows; whole-file KPIs are dated to the latest period in the data."""
    per_period = compute_kpis_by_period(frames, by, touchpoint_layers)
    overall = compute_kpis(frames, touchpoint_layers)
    rows = [{"kpi": kpi, "value": value, "period": period}
            for period, values in per_period.items()
            for kpi, value in values.items()
            if value is not None and kpi not in WHOLE_FILE_ONLY]
    latest = max(per_period) if per_period else None
    if latest is not None:
        rows += [{"kpi": kpi, "value": overall[kpi], "period": latest}
                 for kpi in WHOLE_FILE_ONLY if overall.get(kpi) is not None]
    frame = pd.DataFrame(rows, columns=["kpi", "value", "period"])
    frame["target"] = float("nan")
    return frame.astype({"kpi": "string", "value": float, "period": "string", "target": float})


def compute(tables: dict[str, tuple[Table, dict[str, str]]], by: str = "quarter",
            touchpoint_layers: Choices | None = None,
            progress: Callable[[str, float], None] | None = None) -> RawKpis:
    """Load each confirmed (table, mapping) by kind and compute KPIs and the loyalty matrix.

    A large file (opened with `readers.open_table`) is streamed; `progress(file, share)` hears
    how far each such file has been read, for a progress bar.

    :raise ReadError: when a mapping does not fit its file (a required column unmapped), or a
        streamed file turns out unreadable further in.
    """
    loaded = {kind: load_kind(table, kind, mapping, progress=_for_file(progress, table.file))
              for kind, (table, mapping) in tables.items()}
    return RawKpis(kpis=kpi_rows(loaded, by, touchpoint_layers),
                   overall=compute_kpis(loaded, touchpoint_layers),
                   matrix=loyalty_matrix(loaded), loaded=loaded,
                   touchpoints=_touchpoints(loaded, touchpoint_layers))


def _for_file(progress: Callable[[str, float], None] | None, file: str
              ) -> Callable[[float], None] | None:
    return None if progress is None else (lambda share: progress(file, share))


def relayer(result: RawKpis, touchpoint_layers: Choices, by: str = "quarter") -> RawKpis:
    """The same loaded files with other touchpoint choices: no file is read or typed again."""
    loaded = result.loaded
    return RawKpis(kpis=kpi_rows(loaded, by, touchpoint_layers),
                   overall=compute_kpis(loaded, touchpoint_layers), matrix=result.matrix,
                   loaded=loaded, touchpoints=_touchpoints(loaded, touchpoint_layers))


def _touchpoints(loaded: dict[str, Loaded], choices: Choices | None) -> TouchpointSummary | None:
    surveys = loaded.get("surveys")
    return None if surveys is None else summarise_touchpoints(surveys.frame, choices)


def kind_columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) canonical columns of a kind, for the mapping form."""
    return KINDS[kind].required, KINDS[kind].optional
