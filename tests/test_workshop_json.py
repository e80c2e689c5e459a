"""Moving a workshop between machines as JSON: same results after the move, no keys in the file."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model
from loyalty_model.workshop import sample, storage
from loyalty_model.workshop.settings import save_currency, workshop_currency
from loyalty_model.workshop.workshop_json import (
    WorkshopFileError,
    export_json,
    export_workshop,
    import_workshop,
)


@pytest.fixture
def workshop(engine: Engine, model: Model) -> tuple[storage.Workshop, str]:
    """The sample workshop plus the awkward cases: anonymous people, a shared name, don't know."""
    workshop, key = sample.create_sample_workshop(engine, model, "da")
    anonymous = storage.add_participant(engine, workshop.id)
    storage.save_rating(engine, anonymous, "wow.advise_beyond", None)
    storage.save_rating(engine, anonymous, "product.primary_need", 2)
    twin = storage.add_participant(engine, workshop.id, "Mette")  # a second Mette
    storage.save_rating(engine, twin, "delivery.on_time", 1)
    storage.save_actions(engine, workshop.id, pd.DataFrame([
        {"action": "Ring til fem kunder – æøå", "layer": "product", "owner": "Sofie",
         "due_date": "2026-12-01"},
        {"action": "=HYPERLINK(\"x\")", "layer": None, "owner": None, "due_date": None},
    ]))
    return workshop, key


def results(engine: Engine, workshop: storage.Workshop, model: Model):  # noqa: ANN201
    return assess(storage.ratings_frame(engine, workshop.id),
                  storage.kpis_frame(engine, workshop.id), model)


def test_export_then_import_gives_identical_results(engine: Engine, model: Model,
                                                    workshop: tuple[storage.Workshop, str],
                                                    tmp_path) -> None:  # noqa: ANN001
    original, _ = workshop
    content = export_json(engine, original)
    other = storage.make_engine(f"sqlite:///{tmp_path / 'other-machine.db'}")
    moved, key = import_workshop(other, content, model)
    assert results(other, moved, model) == results(engine, original, model)
    assert storage.actions_frame(other, moved.id).equals(storage.actions_frame(engine,
                                                                               original.id))
    assert storage.kpis_frame(other, moved.id).equals(storage.kpis_frame(engine, original.id))
    assert (moved.name, moved.team, moved.language) == (original.name, original.team, "da")
    assert storage.is_facilitator(other, moved, key)
    other.dispose()


def test_import_on_the_same_machine_is_a_new_workshop(engine: Engine, model: Model,
                                                      workshop: tuple[storage.Workshop, str]
                                                      ) -> None:
    original, original_key = workshop
    copy, key = import_workshop(engine, export_json(engine, original), model)
    assert copy.id != original.id and copy.code != original.code and key != original_key
    assert not storage.is_facilitator(engine, copy, original_key)
    assert results(engine, copy, model) == results(engine, original, model)


def test_the_file_holds_no_access_secrets(engine: Engine, workshop: tuple[storage.Workshop, str]
                                          ) -> None:
    original, key = workshop
    joined = storage.join_workshop(engine, original.id, "Token holder")
    text = export_json(engine, original).decode("utf-8")
    with engine.connect() as conn:  # the database holds token hashes only (schema v5)
        hashes = list(conn.execute(select(storage.participants.c.token_hash)).scalars())
    secrets = [key, original.code, joined.token, *hashes]
    assert not [s for s in secrets if s in text]
    data = json.loads(text)
    assert set(data["participants"][0]) == {"number", "name"}
    assert {p["name"] for p in data["participants"]} >= {"Mette", None}


def corrupt(engine: Engine, workshop: storage.Workshop, change) -> bytes:  # noqa: ANN001
    data = export_workshop(engine, workshop)
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format="something-else"), "not a Skab promoters"),
    (lambda d: d.update(version=99), "version 99"),
    (lambda d: d["ratings"][0].update(rating=7), "must be 1-5"),
    (lambda d: d["ratings"][0].update(statement_id="nope"), "unknown statement_id"),
    (lambda d: d["ratings"][0].update(participant=999), "unknown participant"),
    (lambda d: d["ratings"].append(dict(d["ratings"][0])), "twice"),
    (lambda d: d["kpis"][0].update(value="lots"), "must be a number"),
    (lambda d: d["kpis"][0].update(kpi="mood"), "unknown kpi"),
    (lambda d: d["actions"][0].update(layer="sales"), "unknown layer"),
    (lambda d: d["actions"][0].update(due_date="soon"), "not a date"),
    (lambda d: d["workshop"].update(name=""), "workshop.name is missing"),
])
def test_a_bad_file_is_refused_and_changes_nothing(engine: Engine, model: Model,
                                                   workshop: tuple[storage.Workshop, str],
                                                   change, message: str) -> None:  # noqa: ANN001
    content = corrupt(engine, workshop[0], change)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(storage.workshops)).scalar()
    with pytest.raises(WorkshopFileError, match=message):
        import_workshop(engine, content, model)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(storage.workshops)).scalar() == before


@pytest.mark.parametrize("content", [b"", b"not json", b"[]", b"{\"format\": 1}"])
def test_garbage_is_refused(engine: Engine, model: Model, content: bytes) -> None:
    with pytest.raises(WorkshopFileError):
        import_workshop(engine, content, model)


def test_the_loyalty_matrix_travels_with_the_workshop(engine: Engine, model: Model,
                                                      workshop: tuple[storage.Workshop, str]
                                                      ) -> None:
    original, _ = workshop
    matrix = {"shares": {"true_loyalty": 0.3, "latent": 0.1, "spurious": 0.4, "none": 0.2},
              "joined": 120}
    storage.save_evidence(engine, original.id, "loyalty_matrix", matrix)
    copy, _ = import_workshop(engine, export_json(engine, original), model)
    assert storage.load_evidence(engine, copy.id, "loyalty_matrix") == matrix
    bad = corrupt(engine, original,
                  lambda d: d["evidence"]["loyalty_matrix"]["shares"].update(latent=7))
    with pytest.raises(WorkshopFileError, match="between 0 and 1"):
        import_workshop(engine, bad, model)


def test_the_currency_travels_with_the_workshop(engine: Engine, model: Model,
                                                workshop: tuple[storage.Workshop, str]) -> None:
    original, _ = workshop
    plain, _ = import_workshop(engine, export_json(engine, original), model)
    assert workshop_currency(engine, plain.id) == "DKK"  # nothing set: the default
    save_currency(engine, original.id, "SEK")
    assert export_workshop(engine, original)["evidence"]["settings"] == {"currency": "SEK"}
    copy, _ = import_workshop(engine, export_json(engine, original), model)
    assert workshop_currency(engine, copy.id) == "SEK"
    bad = corrupt(engine, original, lambda d: d["evidence"]["settings"].update(currency="kr$"))
    with pytest.raises(WorkshopFileError, match="currency"):
        import_workshop(engine, bad, model)


def test_the_team_targets_travel_with_the_workshop(engine: Engine, model: Model,
                                                   workshop: tuple[storage.Workshop, str]) -> None:
    original, _ = workshop
    storage.save_targets(engine, original.id, {"on_time_delivery_rate": 0.9, "nps": 25.0})
    copy, _ = import_workshop(engine, export_json(engine, original), model)
    assert storage.targets(engine, copy.id) == {"on_time_delivery_rate": 0.9, "nps": 25.0}

    def scored(w: storage.Workshop):  # noqa: ANN202
        return assess(storage.ratings_frame(engine, w.id), storage.kpis_frame(engine, w.id),
                      model, targets=storage.targets(engine, w.id))

    assert scored(copy) == scored(original)
    assert scored(copy).kpi("on_time_delivery_rate").basis == "team_target"
    for change, message in [(lambda d: d["targets"].update(on_time_delivery_rate=9.5), "range"),
                            (lambda d: d["targets"].update(mood=1), "not a known KPI"),
                            (lambda d: d["targets"].update(nps="high"), "must be a number"),
                            (lambda d: d.update(targets=[1]), "must be an object")]:
        with pytest.raises(WorkshopFileError, match=message):
            import_workshop(engine, corrupt(engine, original, change), model)
