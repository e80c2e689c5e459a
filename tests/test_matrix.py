"""The loyalty matrix: attitude from surveys joined with behaviour from orders and customers."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.generate import generate
from loyalty_model.intake.matrix import QUADRANTS, loyalty_matrix
from loyalty_model.intake.raw_kpis import load_kind
from loyalty_model.intake.readers import read_table


@pytest.fixture
def surveys() -> pd.DataFrame:
    # Customer 1 answered twice: the later 10 counts, not the earlier 3.
    return pd.DataFrame(
        {
            "customer_id": ["1", "1", "2", "3", "4", "5", "9"],
            "responded_at": pd.to_datetime(
                [
                    "2026-02-01",
                    "2026-01-01",
                    "2026-01-01",
                    "2026-01-01",
                    "2026-01-01",
                    "2026-01-01",
                    "2026-01-01",
                ]
            ).astype("datetime64[us]"),
            "score": [10.0, 3.0, 9.0, 5.0, 6.0, 10.0, 10.0],
        }
    )


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["1", "1", "2", "3", "3"], "amount": [1.0] * 5})


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "4", "5"],
            "is_churned": pd.array([True, False, False, None], dtype="boolean"),
        }
    )


def test_orders_only_repeat_buyers_are_loyal(surveys, orders) -> None:
    result = loyalty_matrix({"surveys": surveys, "orders": orders})
    assert result["counts"] == {"true_loyalty": 1, "latent": 1, "spurious": 1, "none": 0}
    assert result["joined"] == 3
    assert result["respondents"] == 6
    assert result["behaviour"] == "orders"


def test_customers_only_not_churned_is_loyal(surveys, customers) -> None:
    result = loyalty_matrix({"surveys": surveys, "customers": customers})
    # 1: promoter, churned → latent; 2: promoter, active → true; 4: passive, active →
    # spurious; 5: promoter, churn unknown → latent.
    assert result["counts"] == {"true_loyalty": 1, "latent": 2, "spurious": 1, "none": 0}
    assert result["behaviour"] == "customers"


def test_churn_overrides_repeat_buying_when_both_present(surveys, orders, customers) -> None:
    result = loyalty_matrix({"surveys": surveys, "orders": orders, "customers": customers})
    assert result["counts"] == {"true_loyalty": 1, "latent": 2, "spurious": 2, "none": 0}
    assert result["joined"] == 5
    assert result["behaviour"] == "orders+customers"
    assert sum(result["shares"].values()) == pytest.approx(1.0)
    assert list(result["shares"]) == list(QUADRANTS)


def test_none_quadrant(surveys) -> None:
    orders = pd.DataFrame({"customer_id": ["3"], "amount": [1.0]})
    result = loyalty_matrix({"surveys": surveys, "orders": orders})
    assert result["counts"]["none"] == 1
    assert result["shares"]["none"] == 1.0


def test_nothing_to_join_gives_none(surveys, orders) -> None:
    assert loyalty_matrix({}) is None
    assert loyalty_matrix({"surveys": surveys}) is None
    assert loyalty_matrix({"orders": orders}) is None
    other = pd.DataFrame({"customer_id": ["x", "y"], "amount": [1.0, 2.0]})
    assert loyalty_matrix({"surveys": surveys, "orders": other}) is None
    no_status = pd.DataFrame({"customer_id": ["1"], "segment": ["B2B"]})
    assert loyalty_matrix({"surveys": surveys, "customers": no_status}) is None


def test_ids_join_as_strings_with_leading_zeros() -> None:
    surveys = pd.DataFrame({"customer_id": ["007"], "score": [10.0]})
    orders = pd.DataFrame({"customer_id": ["7", "7"], "amount": [1.0, 1.0]})
    assert loyalty_matrix({"surveys": surveys, "orders": orders}) is None


def test_on_loaded_generated_data() -> None:
    from benchmarks.generate import to_csv_bytes

    frames = generate(3_000, 500, 5)
    loaded = {
        kind: load_kind(read_table(to_csv_bytes(frame, kind), f"{kind}.csv"), kind)
        for kind, frame in frames.items()
    }
    result = loyalty_matrix(loaded)
    assert result is not None
    assert sum(result["counts"].values()) == result["joined"] <= result["respondents"]
    assert all(0 <= share <= 1 for share in result["shares"].values())
