"""The bundled sample company: its raw exports produce its KPIs, and a copy is a full workshop."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from loyalty_model.intake.loading import load_kind
from loyalty_model.intake.raw_intake import kpi_rows
from loyalty_model.intake.readers import read_table
from loyalty_model.model import Model
from loyalty_model.workshop import sample, storage

EXPORTS = sample.SAMPLE_DIR / "exports"
FILES = sample.EXPORT_FILES


def test_exports_reproduce_the_sample_kpis() -> None:
    loaded = {kind: load_kind(read_table((EXPORTS / name).read_bytes(), name), kind)
              for kind, name in FILES.items()}
    assert all(item.problem_count == 0 for item in loaded.values())
    computed = kpi_rows(loaded, "quarter").set_index(["kpi", "period"])["value"]
    shipped = pd.read_csv(sample.SAMPLE_DIR / "kpis.csv", dtype={"period": str})
    shipped = shipped.set_index(["kpi", "period"])["value"]
    common = shipped.index.intersection(computed.index)
    assert len(common) >= 35
    for key in common:
        assert shipped[key] == pytest.approx(computed[key], abs=5e-5), key


def test_orders_export_is_danish_excel_dialect() -> None:
    table = read_table((EXPORTS / "ordrer.csv").read_bytes(), "ordrer.csv")
    assert table.dialect.separator == ";" and table.dialect.decimal == ","
    assert "Beløb" in table.frame.columns
    assert table.frame["Kunde-ID"].str.startswith("0").any()  # leading zeros survive


def test_sample_workshop_is_complete(engine: Engine, model: Model) -> None:
    workshop, key = sample.create_sample_workshop(engine, model, "da")
    assert storage.is_facilitator(engine, workshop, key)
    assert workshop.is_sample and workshop.language == "da"
    assert len(storage.list_participants(engine, workshop.id)) == 5
    assert storage.count_ratings(engine, workshop.id) == 5 * len(model.statements)
    kpis = storage.kpis_frame(engine, workshop.id)
    assert len(kpis) == len(pd.read_csv(sample.SAMPLE_DIR / "kpis.csv"))
    matrix = storage.load_evidence(engine, workshop.id, "loyalty_matrix")
    assert matrix is not None and matrix["joined"] > 500
    assert sum(matrix["shares"].values()) == pytest.approx(1.0)


def test_two_visitors_get_separate_copies(engine: Engine, model: Model) -> None:
    first, _ = sample.create_sample_workshop(engine, model)
    second, _ = sample.create_sample_workshop(engine, model)
    assert first.code != second.code
    me = storage.add_participant(engine, first.id, "Visitor")
    storage.save_rating(engine, me, "wow.advise_beyond", 1)
    assert storage.count_ratings(engine, first.id) == storage.count_ratings(engine,
                                                                             second.id) + 1
