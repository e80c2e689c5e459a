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
after the last tap always completes, so every tap reaches the database. A write that fails puts
the widget back to the stored value and the statement is named in an error until it is saved:
a tap is saved or visibly refused, never lost. Widgets are filled from the database, so what a
person sees after a refresh (or after answering on another device) is what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from loyalty_model.i18n import t
from loyalty_model.model import Statement
from loyalty_model.workshop import storage
from views._common import engine, model

DONT_KNOW = 0
OPTIONS = [1, 2, 3, 4, 5, DONT_KNOW]
SLOTS = "rating_slots"  # widget key -> Slot, for every rating widget this session has shown
REFUSED = "rating_refused"  # statement ids whose last answer could not be saved


@dataclass
class Slot:
    """One rating widget: whose answer to which statement, and the value known to be stored.

    Mutable on purpose: `stored` changes without touching st.session_state.
    """

    participant: storage.Participant
    statement_id: str
    stored: int | None  # widget value (1-5, DONT_KNOW) in the database; None = unanswered


def widget_value(answers: dict[str, int | None], statement_id: str) -> int | None:
    """The stored answer as the radio shows it: None unanswered, DONT_KNOW for don't know."""
    if statement_id not in answers:
        return None
    stored = answers[statement_id]
    return DONT_KNOW if stored is None else int(stored)


def sync() -> None:
    """Write every rating a widget holds and the database does not. Call first in every run."""
    slots: dict[str, Slot] | None = st.session_state.get(SLOTS)
    if not slots:
        return
    db = engine()
    refused: set[str] = set(st.session_state.get(REFUSED) or ())
    before = set(refused)
    for key, slot in list(slots.items()):
        if key not in st.session_state:
            continue  # not on screen since the last full run: nothing new to write
        value = st.session_state[key]
        if value is None or value == slot.stored:
            continue
        try:
            storage.save_rating(db, slot.participant, slot.statement_id,
                                None if value == DONT_KNOW else int(value))
        except (SQLAlchemyError, ValueError):
            st.session_state[key] = slot.stored  # show what is really stored
            refused.add(slot.statement_id)
            continue
        slot.stored = value
        refused.discard(slot.statement_id)
    if refused != before:
        st.session_state[REFUSED] = sorted(refused)


def refusals(lang: str) -> None:
    """Name the statements whose answer could not be saved, until they are."""
    refused = st.session_state.get(REFUSED) or []
    if refused:
        texts = ", ".join(f"“{model().statement(s).text(lang)}”" for s in refused)
        st.error(t("rating.refused", lang, statements=texts))


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
        if slot is None or key not in st.session_state:
            st.session_state[key] = stored
            slots[key] = Slot(participant, statement.id, stored)
        elif stored != slot.stored and st.session_state[key] == slot.stored:
            st.session_state[key] = stored  # answered again elsewhere: show the newer answer
            slot.stored = stored
        st.radio(statement.text(lang), OPTIONS, key=key, horizontal=True,
                 format_func=lambda v: t("join.dont_know", lang) if v == DONT_KNOW else str(v))
