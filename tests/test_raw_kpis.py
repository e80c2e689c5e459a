"""Typed loading and the raw KPI definitions of PRODUCT.md, edge by edge, plus a SQL reference."""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from benchmarks.duckdb_reference import reference
from benchmarks.generate import generate, to_csv_bytes, write
from loyalty_model.intake.matrix import loyalty_matrix
from loyalty_model.intake.raw_intake import kpi_rows
from loyalty_model.intake.raw_kpis import (
    KPI_NAMES,
    compute_kpis,
    compute_kpis_by_period,
    format_problems,
    load_kind,
)
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError

FILES = Path(__file__).parent / "files"


def load(text: str, kind: str, name: str | None = None):
    """Read CSV text through the real path, as an upload would go."""
    return load_kind(read_table(text.encode("utf-8"), name or f"{kind}.csv"), kind)


def kpis_from(kind: str, text: str) -> dict[str, float | None]:
    loaded = load(text, kind)
    assert loaded.problems == [], format_problems(loaded)
    return compute_kpis({kind: loaded.frame})


# --- definitions -----------------------------------------------------------------------------


def test_kpi_names_are_exactly_the_product_list() -> None:
    assert (
        set(compute_kpis({}))
        == set(KPI_NAMES)
        == {
            "nps",
            "promoter_share",
            "detractor_share",
            "product_survey_score",
            "communication_score",
            "delivery_survey_score",
            "fault_correction_survey_score",
            "repeat_purchase_rate",
            "arpc_annual",
            "churn_rate_orders",
            "on_time_delivery_rate",
            "median_resolution_hours",
            "first_contact_resolution",
            "avg_transfers",
            "multi_transfer_share",
            "complaints_per_1000_customers",
            "churn_rate_customers",
            "arpc_monthly",
        }
    )
    assert all(value is None for value in compute_kpis({}).values())


def test_nps_and_shares() -> None:
    rows = "\n".join(f"c{i},2026-07-01,{score}" for i, score in enumerate([10, 9, 8, 7, 6, 0]))
    kpis = kpis_from("surveys", "customer_id,responded_at,score\n" + rows)
    assert kpis["promoter_share"] == pytest.approx(2 / 6)
    assert kpis["detractor_share"] == pytest.approx(2 / 6)
    assert kpis["nps"] == pytest.approx(0.0)


def test_orders_same_day_same_customer_count_separately() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount\n"
        "1,A,2026-01-01,10\n1,A,2026-01-01,10\n3,B,2026-01-01,10\n",
    )
    assert kpis["repeat_purchase_rate"] == pytest.approx(0.5)


def test_leading_zeros_keep_customers_apart() -> None:
    loaded = load(
        "order_id,customer_id,ordered_at,amount\n1,007,2026-01-01,1\n2,7,2026-01-02,1\n"
        "3,0007,2026-01-03,1\n4,007,2026-01-04,1\n",
        "orders",
    )
    assert loaded.frame["customer_id"].tolist() == ["007", "7", "0007", "007"]
    kpis = compute_kpis({"orders": loaded.frame})
    assert kpis["repeat_purchase_rate"] == pytest.approx(1 / 3)


def test_leading_zeros_with_non_digit_ids_too() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount\n1,007,2026-01-01,1\n2,7,2026-01-02,1\n"
        "3,K-7,2026-01-03,1\n4,K-7,2026-01-04,1\n",
    )
    assert kpis["repeat_purchase_rate"] == pytest.approx(1 / 3)


def test_arpc_years_floor_one_month() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount\n1,A,2026-03-01,100\n2,B,2026-03-01,200\n",
    )
    assert kpis["arpc_annual"] == pytest.approx(300 / 2 / (1 / 12))


def test_arpc_over_two_years() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount\n1,A,2024-01-01,100\n2,B,2025-12-31,200\n",
    )
    years = (pd.Timestamp("2025-12-31") - pd.Timestamp("2024-01-01")).days / 365.25
    assert kpis["arpc_annual"] == pytest.approx(300 / 2 / years)


def test_churn_exactly_365_days_is_not_churned() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount\n"
        "1,A,2025-01-01 12:00,1\n2,B,2025-01-01 11:59,1\n3,C,2026-01-01 12:00,1\n",
    )
    # A is exactly 365 days before the latest order: kept; B one minute more: churned.
    assert kpis["churn_rate_orders"] == pytest.approx(1 / 3)


def test_no_promised_dates_means_no_on_time_rate() -> None:
    header = "order_id,customer_id,ordered_at,amount"
    assert kpis_from("orders", f"{header}\n1,A,2026-01-01,1\n")["on_time_delivery_rate"] is None
    blank = f"{header},promised_at,delivered_at\n1,A,2026-01-01,1,,2026-01-02\n"
    assert kpis_from("orders", blank)["on_time_delivery_rate"] is None


def test_on_time_compares_days_among_orders_with_both_dates() -> None:
    kpis = kpis_from(
        "orders",
        "order_id,customer_id,ordered_at,amount,promised_at,delivered_at\n"
        "1,A,2026-01-01,1,2026-01-05,2026-01-05 16:30\n"  # same day, later clock: on time
        "2,A,2026-01-01,1,2026-01-05,2026-01-06\n"  # late
        "3,B,2026-01-01,1,2026-01-05,2026-01-03\n"  # early
        "4,B,2026-01-01,1,,2026-01-09\n",  # no promise: not counted
    )
    assert kpis["on_time_delivery_rate"] == pytest.approx(2 / 3)


TICKETS = (
    "ticket_id,customer_id,opened_at,resolved_at,contacts,transfers,reopened,is_complaint\n"
    "1,A,2026-01-01 08:00,2026-01-01 10:00,1,0,no,no\n"
    "2,A,2026-01-01 08:00,2026-01-02 08:00,1,3,yes,yes\n"
    "3,B,2026-01-01 08:00,,2,4,,\n"
    "4,C,2026-01-01 08:00,2026-01-01 09:00,,,no,yes\n"
)


def test_ticket_kpis() -> None:
    kpis = kpis_from("tickets", TICKETS)
    assert kpis["median_resolution_hours"] == pytest.approx(2.0)  # of 2, 24 and 1 hours
    assert kpis["first_contact_resolution"] == pytest.approx(1 / 3)  # of tickets with contacts
    assert kpis["avg_transfers"] == pytest.approx(7 / 3)
    assert kpis["multi_transfer_share"] == pytest.approx(2 / 3)
    assert kpis["complaints_per_1000_customers"] == pytest.approx(1000 * 2 / 3)


def test_ticket_kpis_without_optional_columns_are_missing_not_zero() -> None:
    kpis = kpis_from("tickets", "ticket_id,customer_id,opened_at\n1,A,2026-01-01\n")
    for name in (
        "median_resolution_hours",
        "first_contact_resolution",
        "avg_transfers",
        "multi_transfer_share",
        "complaints_per_1000_customers",
    ):
        assert kpis[name] is None, name


def test_reopen_counts_are_read_as_flags() -> None:
    loaded = load(
        "ticket_id,customer_id,opened_at,contacts,reopened\n"
        "1,A,2026-01-01,1,0\n2,A,2026-01-01,1,2\n3,A,2026-01-01,1,ja\n",
        "tickets",
    )
    assert loaded.problems == []
    assert loaded.frame["reopened"].tolist() == [False, True, True]


def test_customer_kpis() -> None:
    kpis = kpis_from(
        "customers",
        "customer_id,is_churned,monthly_revenue\nA,ja,100\nB,nej,200\nC,,\nD,nej,300\n",
    )
    assert kpis["churn_rate_customers"] == pytest.approx(1 / 3)
    assert kpis["arpc_monthly"] == pytest.approx(200.0)
    only_ids = kpis_from("customers", "customer_id\nA\n")
    assert only_ids["churn_rate_customers"] is None and only_ids["arpc_monthly"] is None


def test_loaded_objects_are_accepted_too() -> None:
    loaded = load("customer_id,is_churned\nA,yes\nB,no\n", "customers")
    assert compute_kpis({"customers": loaded})["churn_rate_customers"] == 0.5


# --- loading ---------------------------------------------------------------------------------


def test_bad_rows_are_dropped_and_reported() -> None:
    path = FILES / "orders_with_errors.csv"
    loaded = load_kind(read_table(path.read_bytes(), path.name), "orders")
    assert (loaded.rows_total, loaded.rows_ok, loaded.problem_count) == (5, 2, 3)
    assert loaded.frame["order_id"].tolist() == ["1", "5"]
    assert format_problems(loaded) == [
        "orders_with_errors.csv row 3, column amount: 'abc' is not a number",
        "orders_with_errors.csv row 4, column customer_id: the cell is empty; expected an id",
        "orders_with_errors.csv row 5, column ordered_at: '2026-02-31' is not a date "
        "(e.g. 22-11-2026)",
    ]


def test_problems_name_the_users_own_column_and_are_capped() -> None:
    rows = "".join(f"{i};K{i};01-01-2026;{'abc' if i % 2 else '1,5'}\n" for i in range(2000))
    loaded = load("Ordrenr;Kunde-ID;Ordredato;Beløb\n" + rows, "orders")
    assert loaded.problem_count == 1000
    assert loaded.rows_ok == 1000
    lines = format_problems(loaded, limit=5)
    assert len(lines) == 6
    assert lines[0] == "orders.csv row 3, column Beløb: 'abc' is not a number"
    assert lines[-1] == "… and 995 more problems in orders.csv"


def test_score_and_count_ranges() -> None:
    loaded = load(
        "customer_id,responded_at,score\nA,2026-01-01,11\nB,2026-01-01,9.5\nC,2026-01-01,-1\n"
        "D,2026-01-01,10\n",
        "surveys",
    )
    assert loaded.rows_ok == 1
    assert [p.value for p in loaded.problems] == ["11", "9.5", "-1"]
    assert loaded.problems[0].expected == "a whole number from 0 to 10"
    tickets = load("ticket_id,customer_id,opened_at,transfers\n1,A,2026-01-01,-2\n", "tickets")
    assert tickets.problems[0].message().endswith("'-2' is not a number of 0 or more")


def test_resolved_before_opened_is_a_problem() -> None:
    loaded = load(
        "ticket_id,customer_id,opened_at,resolved_at\n1,A,2026-01-02,2026-01-01\n"
        "2,A,2026-01-02,2026-01-03\n",
        "tickets",
    )
    assert loaded.rows_ok == 1
    assert "on or after the opened date" in loaded.problems[0].message()


def test_missing_required_column_is_a_read_error() -> None:
    with pytest.raises(ReadError, match="orders.csv has no column for amount"):
        load("order_id,customer_id,ordered_at\n1,A,2026-01-01\n", "orders")


def test_explicit_mapping_is_used() -> None:
    table = read_table(b"a,b,c,d\n1,007,2026-01-01,5\n", "x.csv")
    mapping = {"a": "order_id", "b": "customer_id", "c": "ordered_at", "d": "amount"}
    loaded = load_kind(table, "orders", mapping)
    assert loaded.frame["customer_id"].tolist() == ["007"]
    assert loaded.frame["amount"].tolist() == [5.0]


# --- periods ---------------------------------------------------------------------------------


def test_by_period_buckets_each_kind_by_its_own_date() -> None:
    surveys = load(
        "customer_id,responded_at,score\nA,2026-07-31,10\nB,2026-08-01,0\n", "surveys"
    ).frame
    orders = load(
        "order_id,customer_id,ordered_at,amount\n1,A,2026-08-15,10\n2,A,2026-09-15,10\n", "orders"
    ).frame
    customers = load("customer_id,is_churned\nA,no\n", "customers").frame
    frames = {"surveys": surveys, "orders": orders, "customers": customers}
    by_month = compute_kpis_by_period(frames, "month")
    assert list(by_month) == ["2026-07", "2026-08", "2026-09"]
    assert by_month["2026-07"]["nps"] == 100.0
    assert by_month["2026-07"]["repeat_purchase_rate"] is None
    assert by_month["2026-08"]["nps"] == -100.0
    assert by_month["2026-08"]["repeat_purchase_rate"] == 0.0
    assert all(v["churn_rate_customers"] is None for v in by_month.values())
    assert all(v["churn_rate_orders"] is None for v in by_month.values())
    by_quarter = compute_kpis_by_period(frames, "quarter")
    assert list(by_quarter) == ["2026-Q3"]
    assert by_quarter["2026-Q3"]["nps"] == 0.0
    assert by_quarter["2026-Q3"]["repeat_purchase_rate"] == 1.0


def test_saved_kpi_rows_give_revenue_per_customer_over_the_whole_file() -> None:
    """One quarter annualised would say A alone pays 4 × 900 a year; over the file it is less."""
    orders = load(
        "order_id,customer_id,ordered_at,amount\n"
        "1,A,2026-01-10,100\n2,B,2026-01-20,100\n3,C,2026-02-10,100\n4,A,2026-07-10,900\n",
        "orders",
    ).frame
    rows = kpi_rows({"orders": orders}, "quarter")
    arpc = rows[rows["kpi"] == "arpc_annual"]
    years = (pd.Timestamp("2026-07-10") - pd.Timestamp("2026-01-10")).days / 365.25
    assert arpc["period"].tolist() == ["2026-Q3"]  # one row, dated to the latest quarter
    assert arpc["value"].iloc[0] == pytest.approx(1200 / 3 / years)
    assert rows.groupby("kpi")["period"].nunique()["repeat_purchase_rate"] == 1


def test_by_period_rejects_unknown_bucket() -> None:
    with pytest.raises(ValueError):
        compute_kpis_by_period({}, "week")


# --- against an independent SQL reference, and across dialects -------------------------------


def _load_all(files: dict[str, bytes]) -> dict[str, pd.DataFrame]:
    frames = {}
    for kind, data in files.items():
        loaded = load_kind(read_table(data, f"{kind}.csv"), kind)
        assert loaded.problem_count == 0, format_problems(loaded)
        frames[kind] = loaded.frame
    return frames


def _assert_close(ours: dict, reference: dict, rel: float = 1e-9) -> None:
    assert set(ours) == set(reference)
    for name, value in ours.items():
        expected = reference[name]
        assert (value is None) == (expected is None), name
        if value is not None:
            assert math.isclose(value, expected, rel_tol=rel, abs_tol=1e-12), (
                name,
                value,
                expected,
            )


@pytest.mark.parametrize("seed", [1, 2])
def test_kpis_and_matrix_equal_duckdb_sql_reference(seed: int, tmp_path: Path) -> None:
    frames = generate(20_000, 4_000, seed)
    paths = write(frames, tmp_path)
    loaded = _load_all({kind: path.read_bytes() for kind, path in paths.items()})
    ours = compute_kpis(loaded)
    expected = reference(paths)
    _assert_close(ours, expected["kpis"])
    assert all(value is not None for value in ours.values())
    matrix = loyalty_matrix(loaded)
    assert {key: matrix[key] for key in ("counts", "joined", "respondents", "behaviour")} == {
        key: expected["matrix"][key] for key in ("counts", "joined", "respondents", "behaviour")}
    _assert_close(matrix["shares"], expected["matrix"]["shares"])


def test_matrix_equals_duckdb_with_one_kind_of_behaviour(tmp_path: Path) -> None:
    frames = generate(5_000, 900, 9)
    for behaviour in ("orders", "customers"):
        paths = write({kind: frames[kind] for kind in ("surveys", behaviour)}, tmp_path / behaviour)
        loaded = _load_all({kind: path.read_bytes() for kind, path in paths.items()})
        ours, expected = loyalty_matrix(loaded), reference(paths)["matrix"]
        assert ours["behaviour"] == expected["behaviour"] == behaviour
        assert (ours["counts"], ours["joined"]) == (expected["counts"], expected["joined"])
        _assert_close(ours["shares"], expected["shares"])


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_danish_excel_dialect_gives_identical_kpis(encoding: str) -> None:
    frames = generate(5_000, 1_000, 3)
    english = _load_all({k: to_csv_bytes(f, k) for k, f in frames.items()})
    danish = _load_all(
        {k: to_csv_bytes(f, k, dialect="da", encoding=encoding) for k, f in frames.items()}
    )
    assert compute_kpis(danish) == compute_kpis(english)
    assert compute_kpis_by_period(danish, "quarter") == compute_kpis_by_period(english, "quarter")
    pd.testing.assert_series_equal(english["orders"]["amount"], danish["orders"]["amount"])


def test_xlsx_gives_identical_kpis() -> None:
    frames = generate(500, 100, 4)
    orders = frames["orders"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(orders.columns))
    for row in orders.itertuples(index=False):
        sheet.append(
            [
                None if pd.isna(v) else (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)
                for v in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    from_xlsx = _load_all({"orders": buffer.getvalue()})
    from_csv = _load_all({"orders": to_csv_bytes(orders, "orders")})
    assert compute_kpis(from_xlsx) == compute_kpis(from_csv)
