"""The rating widgets both ways of rating share: facilitator's device (assess) and phone (join).

Why saving is not an on_change callback. Streamlit's fast reruns stop the script thread that is
handling one tap as soon as the next tap arrives; the thread stops at its next "yield point",
and the first `st.session_state` access inside a callback is one. The callback died before it
saved, while the tapped value was already in session state, so Streamlit never saw it as a
change again and never called the callback again: the tap was silently lost (3-5 of 150 taps
with six phones tapping every 300 ms; the radio still looked answered).

So saving compares state instead of reacting to an event. `sync` runs first in every run of the
app (app.py) and writes every value a rating widget holds that differs from what this session
last knew to be stored. A run that is cut short leaves the value in session state, and the run
after the last tap always completes, so every tap reaches the database. Widgets are filled from
the database, so what a person sees after a refresh (or after answering on another device) is
what is stored.

A write that fails (the database stopped, its file is read-only or gone) keeps the answer: the
radio goes on showing it, the slot holds it as `pending` (a widget's own state is dropped when a
run does not draw it, e.g. while a page cannot load), the statement is named in a warning, and
views/_outage.py retries with backoff until the database confirms it, with no reload. A tap is
saved or visibly pending, never lost and never shown as saved when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.model import Statement
from loyalty_model.workshop import storage
from views._common import configured_database_url, engine, model

DONT_KNOW = 0
OPTIONS = [1, 2, 3, 4, 5, DONT_KNOW]
SLOTS = "rating_slots"  # widget key -> Slot, for every rating widget this session has shown


@dataclass
class Slot:
    """One rating widget: whose answer to which statement, and the value known to be stored.

    Mutable on purpose: `stored` changes without touching st.session_state.
    """

    participant: storage.Participant
    statement_id: str
    stored: int | None  # widget value (1-5, DONT_KNOW) in the database; None = unanswered
    pending: int | None = None  # a value given but not yet confirmed by the database


def widget_value(answers: dict[str, int | None], statement_id: str) -> int | None:
    """The stored answer as the radio shows it: None unanswered, DONT_KNOW for don't know."""
    if statement_id not in answers:
        return None
    stored = answers[statement_id]
    return DONT_KNOW if stored is None else int(stored)


def sync() -> bool:
    """Write every rating a widget holds and the database does not. Call first in every run.

    Returns True when nothing is left pending. Safe to call in a fragment run (the retry loop).
    After the first failed write the others only wait: a database that does not answer costs
    one connection attempt per run, not one per answer.
    """
    slots: dict[str, Slot] | None = st.session_state.get(SLOTS)
    if not slots:
        return True
    failing = False
    for key, slot in list(slots.items()):
        # a widget not drawn since the last full run has no state: its pending value counts
        value = st.session_state.get(key, slot.pending)
        if value is None or value == slot.stored:
            slot.pending = None
            continue
        slot.pending = value
        if not failing:  # after a failed write the others wait for the retry loop
            failing = not _write(slot, value)
    return not pending()


def _write(slot: Slot, value: int) -> bool:
    """Save one widget value; on a storage error keep it pending and say False."""
    url = storage.database_url(configured_database_url())
    try:
        storage.save_rating(engine(), slot.participant, slot.statement_id,
                            None if value == DONT_KNOW else int(value))
    except storage.STORAGE_ERRORS as error:
        storage.health.failed(url, error)
        slot.pending = value
        return False
    slot.stored, slot.pending = value, None
    storage.health.ok(url)
    return True


def pending() -> list[str]:
    """Statement ids whose answer the database has not confirmed yet."""
    slots: dict[str, Slot] = st.session_state.get(SLOTS) or {}
    return sorted({slot.statement_id for slot in slots.values() if slot.pending is not None})


def refusals(lang: str) -> None:
    """Name the statements whose answer is not saved yet, until it is."""
    waiting = pending()
    if waiting:
        texts = ", ".join(f"“{model().statement(s).text(lang)}”" for s in waiting)
        st.warning(t("storage.pending", lang, statements=texts), icon=":material/sync_problem:")


def statement_radios(participant: storage.Participant, statements: tuple[Statement, ...],
                     answers: dict[str, int | None], lang: str, prefix: str) -> None:
    """One 1-5 / don't know radio per statement; `sync` saves what is tapped.

    :param answers: the participant's stored answers, read after this run's `sync`.
    """
    slots: dict[str, Slot] = st.session_state.setdefault(SLOTS, {})
    for statement in statements:
        key = f"{prefix}_{participant.id}_{statement.id}"
        stored = widget_value(answers, statement.id)
        slot = slots.get(key)
        if slot is None:  # first drawn in this session: see below
            slots[key] = Slot(participant, statement.id, stored)
            _first_radio(slots[key], key, statement, stored, lang)
            continue
        if key not in st.session_state:  # not drawn last run: show what is given, saved or not
            st.session_state[key] = slot.pending if slot.pending is not None else stored
            slot.stored = stored
        elif stored != slot.stored and st.session_state[key] == slot.stored:
            st.session_state[key] = stored  # answered again elsewhere: show the newer answer
            slot.stored = stored
        _radio(key, statement, lang)


def _radio(key: str, statement: Statement, lang: str, index: int | None = None) -> int | None:
    return st.radio(statement.text(lang), OPTIONS, index=index, key=key, horizontal=True,
                    format_func=lambda v: t("join.dont_know", lang) if v == DONT_KNOW else str(v))


def _first_radio(slot: Slot, key: str, statement: Statement, stored: int | None,
                 lang: str) -> None:
    """A radio this session draws for the first time starts at the stored answer, unless the
    browser already holds one: a phone that reconnects to a new session (the server restarted,
    or dropped the old session) sends what its radios show, including a tap given while the
    first run of the new session was still under way. That tap wins and is saved now: no later
    run is sure to come (writing the stored answer into session state here, as before, threw
    the tap away and showed the radio empty)."""
    value = _radio(key, statement, lang, None if stored is None else OPTIONS.index(stored))
    if value is not None and value != stored:
        _write(slot, value)
