"""Summary KPI files (kpi, value, period, [target]): read, check every cell, keep the good rows.

A team's KPI sheet is typed by hand, so one bad cell must not throw away the rest: each bad row
is reported by file, row and column and left out, and the caller decides whether to keep the
good rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from loyalty_model.assessment.periods import normalise_period
from loyalty_model.intake.converters import to_number
from loyalty_model.intake.limits import MAX_KPI_ROWS, too_many_rows
from loyalty_model.intake.mapping import apply_mapping, suggest_mapping
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError
from loyalty_model.messages import Message, Number, localized
from loyalty_model.model import KpiSpec, Model

KPI_COLUMNS = ["kpi", "value", "period", "target"]
MAX_EXAMPLES = 5
MAX_KPI_FILE_BYTES = 10 * 1024 * 1024  # a year of monthly KPIs is a few kB; 10 MB is a wrong file


@dataclass
class KpiFileResult:
    """The rows that can be used, and what was wrong with the others.

    Each problem is a `Message`: English as a string, and `summary(lang=...)` renders Danish.
    """

    file: str
    frame: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    rows_total: int = 0

    @property
    def rows_ok(self) -> int:
        return len(self.frame)

    @property
    def problem_count(self) -> int:
        return len(self.problems)

    def summary(self, limit: int = MAX_EXAMPLES, lang: str = "en") -> list[str]:
        """At most `limit` examples plus a count, so 10,000 bad rows don't flood the screen."""
        shown = [localized(problem, lang) for problem in self.problems[:limit]]
        rest = len(self.problems) - len(shown)
        more = Message("kpi.more", n=Number(rest)).localized(lang)
        return shown + ([more] if rest > 0 else [])


def empty_kpis() -> pd.DataFrame:
    return pd.DataFrame({
        "kpi": pd.Series(dtype="string"),
        "value": pd.Series(dtype=float),
        "period": pd.Series(dtype="string"),
        "target": pd.Series(dtype=float),
    })


def kpi_aliases(model: Model) -> dict[str, str]:
    """Lookup from what people type (id, English or Danish name) to the KPI id."""
    aliases: dict[str, str] = {}
    for spec in model.kpis.values():
        for name in (spec.id, spec.name.en, spec.name.da):
            aliases[_normalise_name(name)] = spec.id
    return aliases


def _normalise_name(name: str) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def check_range(spec: KpiSpec, value: float) -> Message | None:
    """Why a value cannot be right for this KPI, or None when it can."""
    if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
        low = "" if spec.min is None else Number(spec.min, "g")
        hint = Message("kpi.share_hint") if spec.unit == "share" else ""
        if spec.max is None:
            return Message("kpi.at_least", kpi=spec.id, low=low, hint=hint)
        high = Number(spec.max, "g")
        return Message("kpi.between", kpi=spec.id, low=low, high=high, hint=hint)
    return None


def _percent_aware_numbers(series: pd.Series, decimal: str, file: str, column: str,
                           first_row: int) -> tuple[pd.Series, set[int]]:
    """Numbers, where '78%' means 0.78; returns values and the spreadsheet rows that failed."""
    text = series.astype("string").str.strip()
    is_percent = text.str.endswith("%").fillna(False)
    cleaned = text.where(~is_percent, text.str.rstrip("%").str.strip())
    values, problems = to_number(cleaned, decimal=decimal, file=file, column=column,
                                 first_row=first_row)
    values = values.where(~is_percent, values / 100.0)
    return values, {p.row for p in problems}


def parse_kpi_frame(raw: pd.DataFrame, model: Model, *, file: str, decimal: str = ".",
                    first_row: int = 2) -> KpiFileResult:
    """Check a frame with canonical kpi/value/period/[target] columns, all text.

    Row numbers are the spreadsheet's: the frame's index (0 for the first data row, with gaps
    where blank rows were dropped) plus `first_row`.
    """
    aliases = kpi_aliases(model)
    values, bad_values = _percent_aware_numbers(raw["value"], decimal, file, "value", first_row)
    if "target" in raw:
        targets, bad_targets = _percent_aware_numbers(raw["target"], decimal, file, "target",
                                                      first_row)
    else:
        targets, bad_targets = pd.Series([float("nan")] * len(raw), index=raw.index), set()
    problems: list[str] = []
    keep: list[dict] = []
    for position, (index, name, period_text, value, target) in enumerate(
        zip(raw.index, raw["kpi"], raw["period"], values, targets, strict=True)
    ):
        row = int(index) + first_row
        where = {"file": file, "row": Number(row)}
        kpi_id = aliases.get(_normalise_name(name)) if not pd.isna(name) else None
        if kpi_id is None:
            problems.append(Message("kpi.unknown", **where, value=_shown(name)))
            continue
        if row in bad_values or pd.isna(value):
            shown = _shown(raw["value"].iloc[position])
            problems.append(Message("kpi.not_number", **where, column="value", value=shown))
            continue
        spec = model.kpis[kpi_id]
        out_of_range = check_range(spec, float(value))
        if out_of_range:
            problems.append(Message("kpi.out_of_range", **where, column="value",
                                    value=Number(value, "g"), reason=out_of_range))
            continue
        period = None if pd.isna(period_text) else normalise_period(period_text)
        if period is None:
            problems.append(Message("kpi.not_period", **where, value=_shown(period_text)))
            continue
        if row in bad_targets:
            shown = str(raw["target"].iloc[position])
            problems.append(Message("kpi.not_number", **where, column="target", value=shown))
            continue
        target_out_of_range = None if pd.isna(target) else check_range(spec, float(target))
        if target_out_of_range:
            problems.append(Message("kpi.out_of_range", **where, column="target",
                                    value=Number(target, "g"), reason=target_out_of_range))
            continue
        keep.append({"kpi": kpi_id, "value": float(value), "period": period,
                     "target": float(target) if not pd.isna(target) else float("nan")})
    frame = pd.DataFrame(keep, columns=KPI_COLUMNS) if keep else empty_kpis()
    if not frame.empty:
        frame = frame.drop_duplicates(["kpi", "period"], keep="last").reset_index(drop=True)
        frame = frame.astype({"kpi": "string", "period": "string", "value": float,
                              "target": float})
    return KpiFileResult(file=file, frame=frame, problems=problems, rows_total=len(raw))


def _shown(cell: object) -> str:
    """A cell as the user typed it; a missing cell is shown as ''."""
    return "" if pd.isna(cell) else str(cell)


def read_kpi_file(data: bytes, filename: str, model: Model,
                  mapping: dict[str, str] | None = None) -> KpiFileResult:
    """Read a kpis CSV/XLSX in any dialect PRODUCT.md lists; raise ReadError if it is unusable."""
    rows = data.count(b"\n") if len(data) <= MAX_KPI_FILE_BYTES else 0  # (too large: below)
    if rows > MAX_KPI_ROWS + 1:  # each row is checked one by one, in Python
        raise too_many_rows(PurePath(filename).name or filename, MAX_KPI_ROWS)
    table = read_table(data, filename, max_bytes=MAX_KPI_FILE_BYTES)
    if len(table.frame) > MAX_KPI_ROWS:
        raise too_many_rows(table.file, MAX_KPI_ROWS)
    mapping = mapping or suggest_mapping("kpis", list(table.frame.columns))
    frame = apply_mapping(table, "kpis", mapping)
    return parse_kpi_frame(frame, model, file=table.file, decimal=table.dialect.decimal,
                           first_row=table.first_row)


def merge_kpis(existing: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """New values replace old ones for the same KPI and period; everything else is kept.

    A new row without a target keeps the target the team already set for that KPI, so
    re-uploading computed KPIs does not silently unscore them.
    """
    if existing is None or existing.empty:
        return new.reset_index(drop=True)
    if new.empty:
        return existing.reset_index(drop=True)
    known_targets = existing.dropna(subset=["target"]).groupby("kpi")["target"].last()
    new = new.copy()
    new["target"] = new["target"].fillna(new["kpi"].map(known_targets)).astype(float)
    both = pd.concat([existing, new], ignore_index=True)
    return both.drop_duplicates(["kpi", "period"], keep="last").reset_index(drop=True)


__all__ = [
    "KpiFileResult",
    "ReadError",
    "empty_kpis",
    "merge_kpis",
    "parse_kpi_frame",
    "read_kpi_file",
]
