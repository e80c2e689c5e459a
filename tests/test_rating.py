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


def test_a_failed_save_keeps_the_answer_on_the_page_and_saves_it_when_the_database_is_back(
        app_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15.3: the answer given during an outage stays, is named as not saved yet, and is
    saved by the next run once the database answers, without answering again."""
    room = Room(app_engine)
    at = room.join("Kim")
    kim = storage.list_participants(app_engine, room.workshop.id)[0]
    first = radios(at)[0]
    statement = first.key.removeprefix(f"join_rate_{kim.id}_")

    def database_gone(*_args: object) -> None:
        raise OperationalError("INSERT INTO ratings", {"token": "secret"},
                               Exception("disk I/O error"))

    with monkeypatch.context() as patch:
        patch.setattr(storage, "save_rating", database_gone)
        first.set_value(4).run()
        pending = [w.value for w in at.warning]
        assert pending and pending[0].startswith(f"Not saved yet: “{first.label}”")
        assert radios(at)[0].value == 4  # the answer stays on the page
        assert not at.exception and not at.error
        assert storage.participant_answers(app_engine, kim.id) == {}
        at.run()  # still away: still pending, still shown
        assert radios(at)[0].value == 4 and at.warning
        assert "INSERT" not in str(at) and "secret" not in str(at)

    at.run()  # the database is back: saved without answering again
    assert storage.participant_answers(app_engine, kim.id) == {statement: 4}
    assert not [w for w in at.warning if w.value.startswith("Not saved yet")]
    assert radios(at)[0].value == 4


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


def test_a_phone_switches_language_on_the_page_not_behind_the_sidebar(app_engine: Engine) -> None:
    """Issue 10: the phone's language switch sat in the sidebar, behind an unlabelled "»"."""
    at = Room(app_engine).join("Kim")
    assert not [b for b in at.sidebar.button if b.key.startswith("lang_")]
    switch = at.main.button(key="lang_switch")
    assert switch.label == "Dansk"  # the language it switches to, named in that language
    switch.click().run()
    assert not at.exception
    assert radios(at) and at.main.button(key="lang_switch").label == "English"
    assert at.session_state["lang"] == "da"
