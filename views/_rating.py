"""The rating widgets both ways of rating share: facilitator's device (assess) and phone (join).

One answer is saved the moment it is given; the widgets are filled from the database, so what a
person sees after a refresh is what is stored.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from loyalty_model.i18n import t
from loyalty_model.model import Statement
from loyalty_model.workshop import storage
from views._common import engine

DONT_KNOW = 0
OPTIONS = [1, 2, 3, 4, 5, DONT_KNOW]
SAVE_FAILED = "rating_save_failed"


def _save(participant: storage.Participant, statement_id: str, key: str) -> None:
    value = st.session_state.get(key)
    if value is None:
        return
    try:
        storage.save_rating(engine(), participant, statement_id,
                            None if value == DONT_KNOW else int(value))
    except SQLAlchemyError:
        st.session_state[SAVE_FAILED] = True
        del st.session_state[key]  # show what is really stored, not what failed to store


def statement_radios(participant: storage.Participant, statements: tuple[Statement, ...],
                     answers: dict[str, int | None], lang: str, prefix: str) -> None:
    """One 1-5 / don't know radio per statement, saved on change."""
    if st.session_state.pop(SAVE_FAILED, False):
        st.error(t("join.save_failed", lang))
    for statement in statements:
        key = f"{prefix}_{participant.id}_{statement.id}"
        if key not in st.session_state:
            stored = answers.get(statement.id, -1)
            st.session_state[key] = (None if stored == -1
                                     else DONT_KNOW if stored is None else int(stored))
        st.radio(statement.text(lang), OPTIONS, key=key, horizontal=True,
                 format_func=lambda v: t("join.dont_know", lang) if v == DONT_KNOW else str(v),
                 on_change=_save, args=(participant, statement.id, key))
