"""Saving a rating: every tap is saved or visibly refused, and a widget shows what is stored.

Saving compares each rating widget with what is stored at the start of every run instead of
reacting in an on_change callback, which a newer tap could cut short (see views/_rating.py;
the browser side is tests/test_taps_browser.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from loyalty_model.workshop import storage
from tests.test_live import Room


@pytest.fixture(scope="module")
def app_engine(app_db: Path) -> Iterator[Engine]:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    yield engine
    engine.dispose()


def radios(at):  # noqa: ANN001, ANN201 (AppTest, its radios)
    return [r for r in at.radio if r.key.startswith("join_rate_")]


def test_a_failed_save_is_refused_visibly_and_the_retry_is_saved(
        app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    room = Room(app_engine)
    at = room.join("Kim")
    kim = storage.list_participants(app_engine, room.workshop.id)[0]
    first = radios(at)[0]
    statement = first.key.removeprefix(f"join_rate_{kim.id}_")

    def database_gone(*_args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    with monkeypatch.context() as patch:
        patch.setattr(storage, "save_rating", database_gone)
        first.set_value(4).run()
    refused = [e.value for e in at.error]
    assert refused and refused[0].startswith(f"Not saved: “{first.label}”")
    assert radios(at)[0].value is None  # the radio shows what is stored: nothing
    assert storage.participant_answers(app_engine, kim.id) == {}

    radios(at)[0].set_value(4).run()  # answered again, the database is back
    assert storage.participant_answers(app_engine, kim.id) == {statement: 4}
    assert not at.error


def test_an_answer_given_on_another_device_is_shown_not_overwritten(app_engine: Engine) -> None:
    room = Room(app_engine)
    at = room.join("Kim")
    kim = storage.list_participants(app_engine, room.workshop.id)[0]
    radio = radios(at)[0]
    statement = radio.key.removeprefix(f"join_rate_{kim.id}_")
    radio.set_value(2).run()
    assert storage.participant_answers(app_engine, kim.id) == {statement: 2}
    storage.save_rating(app_engine, kim, statement, 5)  # the same person, on a laptop
    at.run()
    assert radios(at)[0].value == 5
    assert storage.participant_answers(app_engine, kim.id) == {statement: 5}
