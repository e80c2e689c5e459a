"""Assessment: one layer at a time in the model's order, basics first and WOW last.

Every answer is written to the database as soon as it is given (views/_rating.py: sync), so a
refresh or a restart loses nothing; the widgets are re-filled from the database. Which layer is
shown lives in a plain dict the buttons change without touching st.session_state, for the same
reason the ratings are not saved in callbacks: such a callback can be cut short by the next tap.
"""

import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.workshop import live, storage
from views import _outage
from views._browser import scroll_to_top
from views._common import (
    choice_buttons,
    current_lang,
    engine,
    lazy_expander,
    model,
    plain,
    require_workshop,
)
from views._rating import refusals, statement_radios

NAV = "assess_nav"
CHOICE = "participant_choice"  # plain session state: who is rating, or NEW
NEW = "new"

lang = current_lang()
st.title(t("assess.title", lang))
workshop = require_workshop(lang)
layers = model().layers
people = storage.list_participants(engine(), workshop.id)


def add_participant() -> None:
    """Form callback: runs before the page, so the new person is the one rating when it draws.

    Runs outside app.py's guard: a database that is away is said on the page (views/_outage.py).
    """
    added: list[storage.Participant] = []
    if not _outage.attempt(lambda: added.append(storage.add_participant(
            engine(), workshop.id, st.session_state.get("participant_name")))):
        return
    participant = added[0]
    st.session_state["participant_id"] = participant.id
    st.session_state[CHOICE] = participant.id
    st.session_state[NAV] = {"step": 0}


def choose(choice: int | str) -> None:
    """Button callback: who rates next (a participant's id, or NEW for the form to add one)."""
    st.session_state[CHOICE] = choice
    if choice != NEW:
        st.session_state["participant_id"] = choice


def choose_participant() -> storage.Participant | None:
    """One button per participant, the one rating boxed, and one to add a participant: on a
    shared laptop each person taps their own name. Buttons, not a dropdown: the page already
    draws buttons, and a dropdown's code took ~30 ms of every load of this page."""
    by_id = {p.id: p for p in people}
    if st.session_state.get(CHOICE) not in (*by_id, NEW):
        current = st.session_state.get("participant_id")
        st.session_state[CHOICE] = current if current in by_id else next(iter(by_id), NEW)
    choice = st.session_state[CHOICE]
    labels = dict(zip(by_id, (plain(label) for label in live.participant_labels(  # as typed
        [p.name for p in people], lang)), strict=True))
    with st.container(horizontal=True, vertical_alignment="center", key="who_rates"):
        st.markdown(f"**{t('assess.who', lang)}**", width="content")
        for pid, label in labels.items():
            st.button(label, key=f"who_{pid}", type="secondary" if pid == choice else "tertiary",
                      on_click=choose, args=(pid,))
        st.button(t("assess.new_participant", lang), key="who_new", icon=":material/person_add:",
                  type="secondary" if choice == NEW else "tertiary", on_click=choose, args=(NEW,))
    if choice != NEW:
        st.session_state["participant_id"] = choice
        return by_id[choice]
    with st.form("add_participant", clear_on_submit=True):
        if workshop.anonymity == "aggregates_only":  # no name is kept: none is asked for
            st.caption(t("anonymity.explain.aggregates_only", lang, n=workshop.smallest_group))
        else:
            st.text_input(t("assess.name", lang), key="participant_name",
                          max_chars=storage.NAME_CHARS,
                          help=f"{t('assess.name_help', lang)} "
                               f"{t('common.max_chars', lang, n=storage.NAME_CHARS)}")
        st.form_submit_button(t("assess.add", lang), on_click=add_participant)
    return None


participant = choose_participant()
if participant is None:
    st.stop()

answers = storage.participant_answers(engine(), participant.id)
total = sum(len(layer.statements) for layer in layers)


def go_to(nav: dict, step: int) -> None:
    """Button callback: move to a layer before the page draws it."""
    nav["step"] = step


def current_step() -> int:
    """The layer to show: where the last button moved to (the first layer at the start)."""
    nav = st.session_state.get(NAV)
    if not isinstance(nav, dict):
        nav = st.session_state[NAV] = {"step": 0}
    return min(max(int(nav.get("step", 0)), 0), len(layers) - 1)


step = current_step()
scroll_to_top(step)
# as text: the layer buttons below mark each layer's own progress (✓, or 3/6); a progress bar
# was one more kind of element for the browser to load and draw on every load
st.caption(t("assess.progress", lang, done=len(answers), total=total))
refusals(lang)


def layer_label(index: int) -> str:
    statements = layers[index].statements
    done = sum(1 for s in statements if s.id in answers)
    mark = " ✓" if done == len(statements) else f" {done}/{len(statements)}"
    return f"{layers[index].order}. {layers[index].name(lang)}{mark}"


nav = st.session_state[NAV]
choice_buttons([layer_label(index) for index in range(len(layers))], step, "layer_",
               lambda index: go_to(nav, index))
layer = layers[step]
# the layer's heading, what it means, its example (a quote, not a box) and the scale: one
# element, where five took ~5 ms each of every load
wow_note = "" if layer.basic else f":orange-background[{t('assess.wow_note', lang)}]\n\n"
heading = t("assess.layer_heading", lang, n=layer.order, total=len(layers), name=layer.name(lang))
st.markdown(f"### {heading}\n\n**{layer.tagline(lang)}**\n\n{layer.meaning(lang)}\n\n"
            f"> **{t('assess.example', lang)}:** {layer.example(lang)}\n\n{wow_note}"
            f":gray[:small[{t('assess.scale', lang)}]]")

statement_radios(participant, layer.statements, answers, lang, prefix="rate")

layer_done = sum(1 for s in layer.statements if s.id in answers)
st.caption(t("assess.layer_progress", lang, done=layer_done, total=len(layer.statements)))

coaching = lazy_expander(t("assess.coaching", lang), "assess_coaching_open")
if coaching:  # built only while open
    with coaching:
        st.markdown("\n".join(f"- {prompt(lang)}" for prompt in layer.coaching))

# back on the left, forward on the right, in one row that costs no columns
with st.container(horizontal=True, horizontal_alignment="distribute", key="layer_steps"):
    if step > 0:
        st.button(t("assess.previous", lang), key="prev_layer", on_click=go_to,
                  args=(nav, step - 1))
    else:
        st.space()  # keeps "Next" on the right
    if step < len(layers) - 1:
        st.button(t("assess.next", lang, name=layers[step + 1].name(lang)), type="primary",
                  key="next_layer", on_click=go_to, args=(nav, step + 1))
    elif len(answers) >= total:
        st.page_link("views/kpis.py", label=t("assess.to_kpis", lang), icon=":material/monitoring:")
    else:  # the last layer is not the end of the rating: say what is still open
        open_per_layer = {other.name(lang): sum(s.id not in answers for s in other.statements)
                          for other in layers}
        still_open = [f"{name} ({n})" for name, n in open_per_layer.items() if n]
        with st.container(width=480):  # the note above its link, on the right
            st.caption(t("rating.still_open", lang, open=total - len(answers),
                         layers=", ".join(still_open)))
            st.page_link("views/kpis.py", label=t("rating.to_kpis_anyway", lang),
                         icon=":material/monitoring:")
