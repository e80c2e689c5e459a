"""An independent DuckDB SQL implementation of every raw KPI and the loyalty matrix.

It reads the English-dialect CSVs written by `benchmarks.generate.write` and shares no code with
`loyalty_model`: if both agree to 1e-9, the definitions in `raw_kpis.py` and the matrix rules in
`intake/matrix.py` are implemented as the SQL below states them. The touchpoint synonyms are data
(data/synonyms.toml), read here on their own and normalised in SQL, so the Python normalisation
is checked too.

Run as a program it is the benchmark's opponent: the same job as the `kpis` command (every KPI,
the loyalty matrix, the touchpoint layers, printed as JSON), as a whole process:

    python -m benchmarks.duckdb_reference --surveys s.csv --orders o.csv --tickets t.csv \
        --customers c.csv
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path
from typing import Any

import duckdb

TYPES: dict[str, dict[str, str]] = {
    "surveys": {
        "customer_id": "VARCHAR",
        "responded_at": "TIMESTAMP",
        "score": "DOUBLE",
        "touchpoint": "VARCHAR",
    },
    "orders": {
        "order_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "ordered_at": "TIMESTAMP",
        "amount": "DOUBLE",
        "promised_at": "TIMESTAMP",
        "delivered_at": "TIMESTAMP",
    },
    "tickets": {
        "ticket_id": "VARCHAR",
        "customer_id": "VARCHAR",
        "opened_at": "TIMESTAMP",
        "resolved_at": "TIMESTAMP",
        "contacts": "DOUBLE",
        "transfers": "DOUBLE",
        "reopened": "BOOLEAN",
        "is_complaint": "BOOLEAN",
    },
    "customers": {
        "customer_id": "VARCHAR",
        "tenure_months": "DOUBLE",
        "is_churned": "BOOLEAN",
        "monthly_revenue": "DOUBLE",
    },
}

SYNONYMS = Path(__file__).resolve().parent.parent / "data" / "synonyms.toml"
TOUCHPOINT_KPIS = {
    "product": "product_survey_score",
    "communication": "communication_score",
    "delivery": "delivery_survey_score",
    "fault_correction": "fault_correction_survey_score",
}
# Lower case, æ/ø/å (and ä/ö/ü) spelled out, accents dropped, only letters and digits kept.
NORMALISE = """
    CREATE MACRO norm(x) AS regexp_replace(strip_accents(
        replace(replace(replace(replace(replace(replace(lower(x),
            'æ', 'ae'), 'ø', 'oe'), 'å', 'aa'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue')),
        '[^a-z0-9]', '', 'g')
"""
_LAYER_MEAN = "(SELECT mean FROM layered WHERE layer = '{layer}') AS {kpi}"

SQL: dict[str, str] = {
    "surveys": """
        WITH answers AS (
            SELECT score, touchpoint FROM surveys WHERE score IS NOT NULL
        ), touchpoint_layer AS (  -- each distinct value normalised once, then joined
            SELECT v.touchpoint, t.layer
            FROM (SELECT DISTINCT touchpoint FROM answers) v
            JOIN (SELECT DISTINCT norm(synonym) AS value, layer FROM touchpoint_synonyms) t
              ON norm(v.touchpoint) = t.value
        ), layered AS (
            SELECT layer, avg(score) AS mean FROM answers JOIN touchpoint_layer USING (touchpoint)
            GROUP BY layer
        )
        SELECT 100 * (avg((score >= 9)::DOUBLE) - avg((score <= 6)::DOUBLE)) AS nps,
               avg((score >= 9)::DOUBLE) AS promoter_share,
               avg((score <= 6)::DOUBLE) AS detractor_share,
               """ + ",\n               ".join(_LAYER_MEAN.format(layer=layer, kpi=kpi)
                                            for layer, kpi in TOUCHPOINT_KPIS.items()) + """
        FROM answers
    """,
    "orders": """
        WITH per_customer AS (
            SELECT customer_id, count(*) AS n, max(ordered_at) AS last_order
            FROM orders GROUP BY customer_id
        ), span AS (
            SELECT min(ordered_at) AS earliest, max(ordered_at) AS latest,
                   sum(amount) AS total FROM orders
        )
        SELECT
            (SELECT avg((n >= 2)::DOUBLE) FROM per_customer) AS repeat_purchase_rate,
            (SELECT total / (SELECT count(*) FROM per_customer)
                    / greatest(date_diff('microsecond', earliest, latest) / 86400e6 / 365.25,
                               1 / 12) FROM span) AS arpc_annual,
            (SELECT avg((last_order < (SELECT latest FROM span) - INTERVAL 365 DAY)::DOUBLE)
               FROM per_customer) AS churn_rate_orders,
            (SELECT avg((delivered_at::DATE <= promised_at::DATE)::DOUBLE) FROM orders
              WHERE delivered_at IS NOT NULL AND promised_at IS NOT NULL)
              AS on_time_delivery_rate
    """,
    "tickets": """
        SELECT
            (SELECT median(date_diff('microsecond', opened_at, resolved_at) / 3600e6)
               FROM tickets WHERE resolved_at IS NOT NULL) AS median_resolution_hours,
            (SELECT avg((contacts = 1 AND NOT coalesce(reopened, false))::DOUBLE)
               FROM tickets WHERE contacts IS NOT NULL) AS first_contact_resolution,
            (SELECT avg(transfers) FROM tickets WHERE transfers IS NOT NULL) AS avg_transfers,
            (SELECT avg((transfers >= 3)::DOUBLE) FROM tickets WHERE transfers IS NOT NULL)
              AS multi_transfer_share,
            (SELECT 1000 * count(*) FILTER (WHERE is_complaint)
                    / count(DISTINCT customer_id) FROM tickets)
              AS complaints_per_1000_customers
    """,
    "customers": """
        SELECT avg(is_churned::DOUBLE) AS churn_rate_customers,
               avg(monthly_revenue) AS arpc_monthly
        FROM customers
    """,
}


MATRIX_SQL = """
    WITH attitude AS (  -- each respondent's latest answer; the later row wins a tie
        SELECT customer_id, arg_max(score, {{'at': responded_at, 'row': rowid}}) AS score
        FROM surveys WHERE customer_id IS NOT NULL AND score IS NOT NULL
        GROUP BY customer_id
    ), behaviour AS (
        SELECT customer_id,
               NOT coalesce(churned, false)
               AND (coalesce(repeat_buyer, false) OR coalesce(NOT churned, false)) AS loyal
        FROM {behaviour}
    ), placed AS (
        SELECT score >= 9 AS promoter, loyal FROM attitude JOIN behaviour USING (customer_id)
    )
    SELECT count(*) FILTER (WHERE promoter AND loyal) AS true_loyalty,
           count(*) FILTER (WHERE promoter AND NOT loyal) AS latent,
           count(*) FILTER (WHERE NOT promoter AND loyal) AS spurious,
           count(*) FILTER (WHERE NOT promoter AND NOT loyal) AS "none",
           count(*) AS joined,
           (SELECT count(*) FROM attitude) AS respondents
    FROM placed
"""
_REPEAT = """(SELECT customer_id, count(*) >= 2 AS repeat_buyer FROM orders
              WHERE customer_id IS NOT NULL GROUP BY customer_id)"""
_STATUS = """(SELECT customer_id, arg_max_null(is_churned, rowid) AS churned FROM customers
              WHERE customer_id IS NOT NULL GROUP BY customer_id)"""
QUADRANTS = ("true_loyalty", "latent", "spurious", "none")


def reference_kpis(paths: dict[str, Path]) -> dict[str, float | None]:
    """Read each CSV with DuckDB's own reader and compute every KPI in SQL."""
    return reference(paths)["kpis"]


def reference(paths: dict[str, Path], threads: int | None = None) -> dict[str, Any]:
    """{"kpis": {name: value}, "matrix": {...} or None, "touchpoint_layers": {value: layer}}.

    The matrix has the shape of `loyalty_matrix`: counts, shares, joined, respondents, behaviour.
    """
    con = duckdb.connect(config={"threads": threads} if threads else {})
    kpis: dict[str, float | None] = {}
    try:
        _touchpoint_synonyms(con)
        for kind, path in paths.items():
            types = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in TYPES[kind].items())
            con.execute(
                f"CREATE TEMP TABLE {kind} AS SELECT * FROM read_csv("
                f"'{path}', header = true, types = {{{types}}})"
            )
            cursor = con.execute(SQL[kind])
            names = [d[0] for d in cursor.description]
            row = cursor.fetchone()
            kpis.update(
                {n: (None if v is None else float(v)) for n, v in zip(names, row, strict=True)}
            )
        matrix = _matrix(con, set(paths))
        layers = dict(con.execute(TOUCHPOINT_LAYERS_SQL).fetchall()) if "surveys" in paths else {}
    finally:
        con.close()
    return {"kpis": kpis, "matrix": matrix, "touchpoint_layers": layers}


TOUCHPOINT_LAYERS_SQL = """
    SELECT v.touchpoint, t.layer
    FROM (SELECT DISTINCT touchpoint FROM surveys WHERE touchpoint IS NOT NULL) v
    LEFT JOIN (SELECT DISTINCT norm(synonym) AS value, layer FROM touchpoint_synonyms) t
      ON norm(v.touchpoint) = t.value
"""


def _matrix(con: duckdb.DuckDBPyConnection, kinds: set[str]) -> dict[str, Any] | None:
    """The loyalty matrix by the rules of intake/matrix.py, or None when nobody joins."""
    if "surveys" not in kinds or not kinds & {"orders", "customers"}:
        return None
    if {"orders", "customers"} <= kinds:
        behaviour = f"{_REPEAT} FULL OUTER JOIN {_STATUS} USING (customer_id)"
        source = "orders+customers"
    elif "orders" in kinds:
        behaviour, source = f"(SELECT *, NULL::BOOLEAN AS churned FROM {_REPEAT})", "orders"
    else:
        behaviour, source = f"(SELECT *, NULL::BOOLEAN AS repeat_buyer FROM {_STATUS})", "customers"
    row = con.execute(MATRIX_SQL.format(behaviour=behaviour)).fetchone()
    counts = dict(zip(QUADRANTS, (int(v) for v in row[:4]), strict=True))
    joined, respondents = int(row[4]), int(row[5])
    if not joined:
        return None
    return {"counts": counts, "shares": {q: counts[q] / joined for q in QUADRANTS},
            "joined": joined, "respondents": respondents, "behaviour": source}


def _touchpoint_synonyms(con: duckdb.DuckDBPyConnection) -> None:
    """Table touchpoint_synonyms(synonym, layer) as written in the file, and the norm() macro."""
    raw = tomllib.loads(SYNONYMS.read_text(encoding="utf-8"))["touchpoint_layers"]
    con.execute(NORMALISE)
    con.execute("CREATE TEMP TABLE touchpoint_synonyms (synonym VARCHAR, layer VARCHAR)")
    con.executemany("INSERT INTO touchpoint_synonyms VALUES (?, ?)",
                    [(name, layer) for layer, names in raw.items() for name in [layer, *names]])


def main(argv: list[str] | None = None) -> int:
    """The `kpis` command's job in SQL: every KPI, the matrix's shares, the touchpoint layers."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    for kind in TYPES:
        parser.add_argument(f"--{kind}", type=Path)
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: every core)")
    args = parser.parse_args(argv)
    paths = {kind: getattr(args, kind) for kind in TYPES if getattr(args, kind) is not None}
    found = reference(paths, args.threads)
    result: dict[str, Any] = dict(found["kpis"])
    if found["matrix"] is not None:
        result["loyalty_matrix"] = found["matrix"]["shares"]
    if found["touchpoint_layers"]:
        result["touchpoint_layers"] = found["touchpoint_layers"]
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
