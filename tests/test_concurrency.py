"""A full room rating at the same moment, on SQLite and on a real PostgreSQL: nothing is lost.

Threads stand in for participants: the Streamlit server runs every browser session in a thread
of one process, sharing one engine, exactly like this.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine

from loyalty_model.model import Model
from loyalty_model.workshop import live, storage

PARTICIPANTS = 30


def expected_rating(person: int, number: int) -> int | None:
    """A fixed, varied answer per participant and statement; every 7th is "don't know"."""
    return None if (person + number) % 7 == 0 else 1 + (person * 3 + number) % 5


def run_together(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Start `count` threads at the same instant; return whatever they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(30)
            work(index)
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a participant hung"
    return errors


def test_thirty_participants_rate_all_statements_at_once(any_engine: Engine, model: Model
                                                         ) -> None:
    workshop, _ = storage.create_workshop(any_engine, "Full room", "Team")
    statements = [s.id for s in model.statements]
    people: dict[int, storage.Participant] = {}

    def participant(index: int) -> None:
        people[index] = me = storage.add_participant(any_engine, workshop.id, f"P{index:02d}")
        for number, statement_id in enumerate(statements):
            storage.save_rating(any_engine, me, statement_id, expected_rating(index, number))

    assert run_together(PARTICIPANTS, participant) == []

    assert storage.count_ratings(any_engine, workshop.id) == PARTICIPANTS * len(statements)
    frame = storage.ratings_frame(any_engine, workshop.id)
    assert not frame.duplicated(["participant", "statement_id"]).any()
    for index, me in people.items():
        expected = {s: expected_rating(index, n) for n, s in enumerate(statements)}
        assert storage.participant_answers(any_engine, me.id) == expected, me.name
    view = live.live_view(any_engine, workshop.id, model)
    assert (view.joined, view.answers, view.finished_all) == (30, 30 * len(statements), 30)


def test_the_same_answer_from_two_tabs_is_stored_once(any_engine: Engine, model: Model) -> None:
    """A participant with the link open twice clicking at once: one row per statement."""
    workshop, _ = storage.create_workshop(any_engine, "Two tabs", "Team")
    me = storage.add_participant(any_engine, workshop.id)
    statements = [s.id for s in model.statements]

    def tab(index: int) -> None:
        for statement_id in statements:
            storage.save_rating(any_engine, me, statement_id, 1 + index % 5)

    assert run_together(10, tab) == []
    answers = storage.participant_answers(any_engine, me.id)
    assert len(answers) == len(statements) == storage.count_ratings(any_engine, workshop.id)
    assert set(answers.values()) <= {1, 2, 3, 4, 5}


def test_the_live_view_reads_while_the_room_writes(any_engine: Engine, model: Model) -> None:
    workshop, _ = storage.create_workshop(any_engine, "Read while writing", "Team")
    statements = [s.id for s in model.statements]
    seen: list[int] = []

    def work(index: int) -> None:
        if index == 0:  # the projector, polling
            for _ in range(20):
                seen.append(live.live_view(any_engine, workshop.id, model).answers)
            return
        me = storage.add_participant(any_engine, workshop.id)
        for statement_id in statements:
            storage.save_rating(any_engine, me, statement_id, 3)

    assert run_together(11, work) == []
    assert seen == sorted(seen)  # answers only ever grow: no torn or lost reads
    assert storage.count_ratings(any_engine, workshop.id) == 10 * len(statements)


def test_workshops_created_at_once_get_distinct_codes(any_engine: Engine) -> None:
    codes: list[str] = []
    assert run_together(20, lambda i: codes.append(
        storage.create_workshop(any_engine, f"W{i}", "Team")[0].code)) == []
    assert len(set(codes)) == 20
