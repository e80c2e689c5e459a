"""The workshop data version pages cache under: it moves on every write a page could show, on
SQLite and PostgreSQL, and only for the workshop written to."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from loyalty_model.model import Model
from loyalty_model.workshop import sample, storage
from loyalty_model.workshop.settings import save_currency


def _writes(engine: Engine, model: Model) -> list:
    """(what, write) pairs; each write changes something a page of the workshop shows."""
    workshop, _ = sample.create_sample_workshop(engine, model)
    people = storage.list_participants(engine, workshop.id)
    first = model.statements[0].id
    kpis = storage.kpis_frame(engine, workshop.id)
    changed_kpis = kpis.assign(value=kpis["value"].where(kpis.index != 0, kpis["value"] + 1))
    return workshop, [
        ("a rating changes", lambda: storage.save_rating(engine, people[0], first, 1)),
        ("the same rating again, changed back",
         lambda: storage.save_rating(engine, people[0], first, 5)),
        ("a participant joins", lambda: storage.add_participant(engine, workshop.id, "New")),
        ("a KPI value changes", lambda: storage.save_kpis(engine, workshop.id, changed_kpis)),
        ("a target is set", lambda: storage.save_targets(engine, workshop.id, {"nps": 30.0})),
        ("a target changes", lambda: storage.save_targets(engine, workshop.id, {"nps": 31.0})),
        ("the currency changes", lambda: save_currency(engine, workshop.id, "SEK")),
        ("the currency changes back", lambda: save_currency(engine, workshop.id, "DKK")),
        ("a comment is written",
         lambda: storage.save_comment(engine, people[1], "wow", "Fast service")),
        ("the comment is marked", lambda: storage.set_marked(engine, workshop.id, next(
            c.id for c in storage.workshop_comments(engine, workshop.id)
            if c.text == "Fast service"), True)),
        ("an action is planned", lambda: storage.save_actions(engine, workshop.id, pd.DataFrame(
            [{"action": "Call back within a day", "layer": "wow", "owner": "Ann",
              "due_date": "2026-12-30"}]))),
        ("the results are revealed", lambda: storage.set_revealed(engine, workshop.id, True)),
    ]


def _check(engine: Engine, model: Model) -> None:
    """Every write gives a version never seen before; another workshop's stays put."""
    workshop, writes = _writes(engine, model)
    other, _ = sample.create_sample_workshop(engine, model)
    seen = [storage.workshop_data_version(engine, workshop.id)]
    other_before = storage.workshop_data_version(engine, other.id)
    assert storage.workshop_data_version(engine, workshop.id) == seen[0]  # nothing written
    for what, write in writes:
        write()
        version = storage.workshop_data_version(engine, workshop.id)
        assert version not in seen, what  # never an earlier version: no stale cache hit
        seen.append(version)
    assert storage.workshop_data_version(engine, other.id) == other_before
    assert storage.workshop_data_version(engine, 10**9) == ("none",)


def test_the_version_moves_on_every_write(any_engine: Engine, model: Model) -> None:
    _check(any_engine, model)
