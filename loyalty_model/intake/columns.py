"""What each canonical column is: how its cells are read, and which ones the KPIs need.

Loading (whole tables), the typed read of large exports and the exact streamed read all decide
by these tables, so a column is read the same way on every path.
"""

from __future__ import annotations

from loyalty_model.messages import expected_text

COLUMN_TYPES: dict[str, str] = {
    "customer_id": "id",
    "order_id": "id",
    "ticket_id": "id",
    "responded_at": "date",
    "ordered_at": "date",
    "promised_at": "date",
    "delivered_at": "date",
    "opened_at": "date",
    "resolved_at": "date",
    "score": "score",
    "amount": "number",
    "monthly_revenue": "number",
    "value": "number",
    "target": "number",
    "contacts": "count",
    "transfers": "count",
    "tenure_months": "count",
    "reopened": "flag",
    "is_complaint": "flag",
    "is_churned": "bool",
    "comment": "text",
    "touchpoint": "text",
    "contract": "text",
    "segment": "text",
    "kpi": "text",
    "period": "text",
}
"""How each canonical column is read. A "flag" also accepts a count (2 reopens means reopened)."""

CATEGORICAL = frozenset({"customer_id", "touchpoint"})
"""Read as categoricals (`to_category`): the KPIs and the matrix group and join on them."""

KPI_COLUMNS: dict[str, tuple[str, ...]] = {
    "surveys": ("customer_id", "responded_at", "score", "touchpoint"),
    "orders": ("customer_id", "ordered_at", "amount", "promised_at", "delivered_at"),
    "tickets": ("customer_id", "opened_at", "resolved_at", "contacts", "transfers", "reopened",
                "is_complaint"),
    "customers": ("customer_id", "is_churned", "monthly_revenue"),
}
"""What the KPIs, the loyalty matrix and the touchpoint summary read. A streamed load checks
every mapped column (a bad cell still costs its row) but keeps only these: order ids and free
text are most of a large export's bytes and no KPI reads them."""

EXPECTED: dict[str, str] = {
    kind: expected_text(key)
    for kind, key in {
        "id": "id",
        "text": "text",
        "date": "date",
        "number": "number",
        "score": "score",
        "count": "count",
        "flag": "bool",
        "bool": "bool",
    }.items()
}
"""English "expected ..." phrase per column type; `CellProblem.message(lang)` translates it."""
