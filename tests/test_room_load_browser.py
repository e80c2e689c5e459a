"""A room of phones rating at once on one app server: every tap is stored, in real Chromium.

Issue 16.7: with 20 browser contexts rating at once on 2 cores, pages stalled before the rating
buttons appeared and 2 of 20 participants had a tap that was never stored, with nothing on
screen saying so. This runs the core of benchmarks/twenty_phones.py with 8 phones (CI has 2
cores) and the facilitator's live view open: every phone joins by code and rates every
statement layer by layer; every tap must be stored with the value tapped, and no phone may get
stuck or show an error. Timing figures belong to the benchmark, not here.
"""

from __future__ import annotations

import pytest

from benchmarks.room_phones import answer, run_room
from loyalty_model.model import Model
from loyalty_model.workshop import storage
from tests.conftest import AppServer

pytestmark = pytest.mark.browser
PHONES = 8


def test_eight_phones_rating_at_once_lose_no_tap(app_server: AppServer, model: Model) -> None:
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop, key = storage.create_workshop(engine, "Busy room", "Support")

    result = run_room(app_server.url, engine, workshop.code, key, PHONES,
                      projector=app_server.url)

    assert result.failures() == [], app_server.log()[-3000:]
    total = len(model.statements)
    assert len(result.taps) == PHONES * total  # every phone reached every statement
    assert result.lost() == [] and result.refused() == [] and result.not_taken() == []
    assert all(tap.shown for tap in result.taps)  # each tap showed as chosen on the phone
    people = storage.list_participants(engine, workshop.id)
    assert len(people) == PHONES
    by_id = {phone.participant_id: phone.number for phone in result.phones}
    for person in people:  # what is stored is what that phone tapped, statement by statement
        expected = {s.id: answer(by_id[person.id], n, i) for n, layer in enumerate(model.layers)
                    for i, s in enumerate(layer.statements)}
        assert storage.participant_answers(engine, person.id) == expected
    engine.dispose()
