"""A participant's comment per layer ("What would a customer say here?"), saved like a rating.

Saved the way views/_rating.py saves taps, for the same reason: a text area sends its value
with the next run (leaving the box, Ctrl+Enter, or tapping "Next"), and that run may be cut
short or may not draw the box any more. `sync` runs first in every run (app.py), compares what
each comment box holds with what is known to be stored, and writes the difference; a write that
fails keeps the text in the box and in its slot, says so, and is tried again on the next run.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.model import Layer
from loyalty_model.workshop import storage
from views._common import configured_database_url, engine

SLOTS = "comment_slots"  # widget key -> Slot, for every comment box this session has shown


@dataclass
class Slot:
    participant: storage.Participant
    layer: str
    stored: str  # the comment in the database ("" = none)
    pending: str | None = None  # typed but not yet confirmed by the database


def sync() -> bool:
    """Write every comment a box holds and the database does not; True when none is pending."""
    slots: dict[str, Slot] | None = st.session_state.get(SLOTS)
    if not slots:
        return True
    url = storage.database_url(configured_database_url())
    for key, slot in list(slots.items()):
        value = st.session_state.get(key, slot.pending)
        if value is None or storage.clean_comment(value) == slot.stored:
            slot.pending = None
            continue
        slot.pending = value
        try:
            slot.stored = storage.save_comment(engine(), slot.participant, slot.layer, value)
        except storage.STORAGE_ERRORS as error:
            storage.health.failed(url, error)
            return False  # the others wait for the next run: one failed attempt per run
        slot.pending = None
        storage.health.ok(url)
    return not any(s.pending is not None for s in slots.values())


def comment_box(participant: storage.Participant, layer: Layer, stored: dict[str, str],
                lang: str) -> None:
    """The layer's comment box, filled from the database (or with the text not saved yet)."""
    slots: dict[str, Slot] = st.session_state.setdefault(SLOTS, {})
    key = f"comment_{participant.id}_{layer.id}"
    saved = stored.get(layer.id, "")
    slot = slots.get(key)
    if slot is None:
        slots[key] = slot = Slot(participant, layer.id, saved)
        st.session_state[key] = saved
    elif key not in st.session_state:  # not drawn last run: what was typed, saved or not
        st.session_state[key] = slot.pending if slot.pending is not None else saved
        slot.stored = saved
    st.text_area(t("comments.label", lang), key=key, max_chars=storage.COMMENT_CHARS,
                 placeholder=t("comments.placeholder", lang), height=90,
                 help=t("comments.help", lang, n=storage.COMMENT_CHARS))
    if slot.pending is not None:
        st.warning(t("comments.not_saved", lang, layer=layer.name(lang)),
                   icon=":material/sync_problem:")


def pending() -> bool:
    """Whether a comment waits for the database (views/_outage.py retries until it is saved)."""
    slots: dict[str, Slot] = st.session_state.get(SLOTS) or {}
    return any(slot.pending is not None for slot in slots.values())
