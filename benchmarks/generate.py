"""Seeded synthetic exports (surveys, orders, tickets, customers) for benchmarks and tests.

The same generator feeds the million-row benchmark and the small property tests, so whatever
the tests prove about correctness also holds for the data the benchmark times. `write` can
save the data the way an English tool exports it (comma, ISO dates, UTF-8) or the way Danish
Excel does (semicolon, decimal comma with thousands dots, day-first dates, Danish headers,
cp1252 or UTF-8 with BOM), so both dialects can be checked to give identical KPIs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

KINDS = ("surveys", "orders", "tickets", "customers")
START = np.datetime64("2024-01-01T00:00", "m")
SPAN_MINUTES = 3 * 365 * 24 * 60

DANISH_HEADERS: dict[str, dict[str, str]] = {
    "surveys": {
        "customer_id": "Kunde-ID",
        "responded_at": "Besvaret",
        "score": "Anbefalingsscore",
        "comment": "Kommentar",
        "touchpoint": "Kontaktpunkt",
    },
    "orders": {
        "order_id": "Ordrenr",
        "customer_id": "Kunde-ID",
        "ordered_at": "Ordredato",
        "amount": "Beløb",
        "promised_at": "Lovet leveringsdato",
        "delivered_at": "Leveret",
    },
    "tickets": {
        "ticket_id": "Sagsnr",
        "customer_id": "Kundenr",
        "opened_at": "Oprettet",
        "resolved_at": "Løst",
        "contacts": "Antal kontakter",
        "transfers": "Viderestillinger",
        "reopened": "Genåbnet",
        "is_complaint": "Klage",
    },
    "customers": {
        "customer_id": "Kunde-ID",
        "tenure_months": "Anciennitet (måneder)",
        "is_churned": "Opsagt",
        "monthly_revenue": "Månedlig omsætning",
        "contract": "Kontrakt",
        "segment": "Segment",
    },
}

_COMMENTS = np.array(
    [
        "",
        "Fast delivery, friendly staff",
        'Said "call back" but never did',
        "Pris; kvalitet og service i top",
        "Ventede længe på svar",
        "Bedste kundeservice, tak!",
        "Multi-line\ncomment about the invoice",
    ],
    dtype=object,
)


_TOUCHPOINTS = np.array(
    ["web", "phone", "Butik", "Værksted", "Produkt-kvalitet", "NYHEDSBREV", "Levering",
     "kunde service"],
    dtype=object,
)


def generate(n_rows: int, n_customers: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Typed canonical frames: n_rows each of surveys, orders, tickets; n_customers customers."""
    rng = np.random.default_rng(seed)
    ids = np.char.zfill(np.arange(1, n_customers + 1).astype(str), 7).astype(object)

    def who(n: int) -> np.ndarray:
        # Skewed: a small pool of regulars takes 30% of the rows, the rest is spread thin.
        regular = rng.random(n) < 0.3
        pool = max(1, n_customers // 20)
        return ids[np.where(regular, rng.integers(0, pool, n), rng.integers(0, n_customers, n))]

    def when(n: int) -> np.ndarray:
        return START + rng.integers(0, SPAN_MINUTES, n).astype("timedelta64[m]")

    def maybe(values: pd.Series, share: float) -> pd.Series:
        return values.mask(rng.random(len(values)) < share)

    surveys = pd.DataFrame(
        {
            "customer_id": who(n_rows),
            "responded_at": when(n_rows),
            "score": rng.choice(11, n_rows, p=_score_weights()).astype(np.float64),
            "comment": _COMMENTS[rng.integers(0, len(_COMMENTS), n_rows)],
            # Eight values (a power of two: the draws after it stay as before): channels that
            # count for no layer, and one value per layer in the spellings real exports use.
            "touchpoint": rng.choice(_TOUCHPOINTS, n_rows),
        }
    )
    ordered = when(n_rows)
    promised_days = ordered.astype("datetime64[D]") + rng.integers(1, 8, n_rows)
    delivered = (
        promised_days
        + rng.integers(-2, 4, n_rows)
        + rng.integers(0, 1440, n_rows).astype("timedelta64[m]")
    )
    orders = pd.DataFrame(
        {
            "order_id": np.char.add("O", np.arange(1, n_rows + 1).astype(str)).astype(object),
            "customer_id": who(n_rows),
            "ordered_at": ordered,
            "amount": np.round(rng.lognormal(6.0, 1.1, n_rows), 2),
            "promised_at": maybe(pd.Series(promised_days.astype("datetime64[us]")), 0.1),
            "delivered_at": maybe(pd.Series(delivered.astype("datetime64[us]")), 0.1),
        }
    )
    opened = when(n_rows)
    resolved = opened + rng.exponential(36 * 60, n_rows).astype("timedelta64[m]")
    tickets = pd.DataFrame(
        {
            "ticket_id": np.char.add("T", np.arange(1, n_rows + 1).astype(str)).astype(object),
            "customer_id": who(n_rows),
            "opened_at": opened,
            "resolved_at": maybe(pd.Series(resolved.astype("datetime64[us]")), 0.1),
            "contacts": maybe(pd.Series(rng.geometric(0.55, n_rows).astype(np.float64)), 0.02),
            "transfers": maybe(pd.Series(rng.poisson(0.9, n_rows).astype(np.float64)), 0.02),
            "reopened": maybe(pd.Series(rng.random(n_rows) < 0.08, dtype="boolean"), 0.05),
            "is_complaint": maybe(pd.Series(rng.random(n_rows) < 0.05, dtype="boolean"), 0.05),
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ids,
            "tenure_months": rng.integers(0, 120, n_customers).astype(np.float64),
            "is_churned": maybe(pd.Series(rng.random(n_customers) < 0.15, dtype="boolean"), 0.03),
            "monthly_revenue": maybe(
                pd.Series(np.round(rng.lognormal(5.5, 1.2, n_customers), 2)), 0.03
            ),
            "contract": rng.choice(["monthly", "annual", "none"], n_customers),
            "segment": rng.choice(["B2B", "B2C"], n_customers),
        }
    )
    for frame in (surveys, orders, tickets):
        for column in frame.columns:
            if column.endswith("_at"):
                frame[column] = frame[column].astype("datetime64[us]")
    return {"surveys": surveys, "orders": orders, "tickets": tickets, "customers": customers}


def _score_weights() -> np.ndarray:
    weights = np.array([2, 1, 1, 2, 2, 4, 6, 10, 18, 24, 30], dtype=np.float64)
    return weights / weights.sum()


def write(
    frames: dict[str, pd.DataFrame],
    directory: Path,
    *,
    dialect: str = "en",
    encoding: str = "utf-8",
) -> dict[str, Path]:
    """Write each frame as `<kind>.csv` in the English ("en") or Danish Excel ("da") dialect."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in frames.items():
        path = directory / f"{kind}.csv"
        path.write_bytes(to_csv_bytes(frame, kind, dialect=dialect, encoding=encoding))
        paths[kind] = path
    return paths


def to_csv_bytes(
    frame: pd.DataFrame, kind: str, *, dialect: str = "en", encoding: str = "utf-8"
) -> bytes:
    """One frame as CSV bytes in the chosen dialect and encoding."""
    danish = dialect == "da"
    columns = {
        (DANISH_HEADERS[kind].get(name, name) if danish else name): _format(frame[name], danish)
        for name in frame.columns
    }
    if danish:
        # Excel quotes only the cells that need it and ends lines with CRLF.
        text = pa.table(columns).to_pandas().to_csv(sep=";", index=False, lineterminator="\r\n")
        data = text.encode("utf-8")
    else:
        sink = pa.BufferOutputStream()
        pacsv.write_csv(pa.table(columns), sink)
        data = sink.getvalue().to_pybytes()
    if encoding == "utf-8":
        return data
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + data
    return data.decode("utf-8").encode(encoding)


def _format(series: pd.Series, danish: bool) -> pa.Array:
    """Cells as the tool would print them; missing values as empty cells."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return _format_dates(series, danish)
    if pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
        words = ("ja", "nej") if danish else ("true", "false")
        return pa.array(series.map({True: words[0], False: words[1]}), type=pa.string())
    if pd.api.types.is_float_dtype(series):
        return _format_numbers(series, danish)
    return pa.array(series.astype(object).where(series.notna(), None), type=pa.string())


def _format_dates(series: pd.Series, danish: bool) -> pa.Array:
    values = pa.array(series, type=pa.timestamp("us"), from_pandas=True)
    midnight = series.dropna().dt.normalize().eq(series.dropna()).all()
    if not danish:
        if midnight:
            return pc.cast(pc.cast(values, pa.date32()), pa.string())
        return pc.cast(pc.cast(values, pa.timestamp("s")), pa.string())
    return pc.strftime(values, format="%d-%m-%Y" if midnight else "%d-%m-%Y %H:%M")


def _format_numbers(series: pd.Series, danish: bool) -> pa.Array:
    whole = series.dropna().mod(1).eq(0).all()
    if not danish:
        text = series.map(lambda v: f"{v:.0f}" if whole else f"{v:.2f}", na_action="ignore")
        return pa.array(text, type=pa.string(), from_pandas=True)
    # Danish Excel: thousands dots and a decimal comma ("1.234,50").
    text = series.map(lambda v: f"{v:,.0f}" if whole else f"{v:,.2f}", na_action="ignore")
    swapped = text.str.replace(",", "_").str.replace(".", ",").str.replace("_", ".")
    return pa.array(swapped, type=pa.string(), from_pandas=True)


def write_large(directory: Path, n_rows: int, n_customers: int, seed: int = 7,
                chunk_rows: int = 1_000_000, *, dialect: str = "en", encoding: str = "utf-8",
                kinds: tuple[str, ...] = KINDS) -> dict[str, Path]:
    """`write` for files larger than memory: the rows generated and appended a chunk at a time.

    Each chunk draws from its own seed over the same customer ids, so the files look like one
    long export (regulars recur across chunks); the customers file is written once.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / f"{kind}.csv" for kind in kinds}
    for path in paths.values():
        path.unlink(missing_ok=True)
    done, part = 0, 0
    while done < n_rows:
        rows = min(chunk_rows, n_rows - done)
        frames = generate(rows, n_customers, seed + part)
        for kind in [kind for kind in ("surveys", "orders", "tickets") if kind in kinds]:
            frame = frames[kind]
            if "order_id" in frame or "ticket_id" in frame:  # ids stay unique across chunks
                column = "order_id" if "order_id" in frame else "ticket_id"
                prefix = column[0].upper()
                frame[column] = np.char.add(
                    prefix, np.arange(done + 1, done + rows + 1).astype(str)).astype(object)
            data = to_csv_bytes(frame, kind, dialect=dialect, encoding=encoding)
            if part:  # the header once; a BOM once
                data = data[data.index(b"\n") + 1:]
            with paths[kind].open("ab") as handle:
                handle.write(data)
        if part == 0 and "customers" in kinds:
            paths["customers"].write_bytes(
                to_csv_bytes(frames["customers"], "customers", dialect=dialect, encoding=encoding))
        done += rows
        part += 1
    return paths
