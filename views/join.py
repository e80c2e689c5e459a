"""Participant view: join by code or link, rate layer by layer on a phone, then see the room.

Every answer is written the moment it is given; the participant's link carries their token, so
a refresh or a reopened tab continues with every answer in place. A participant sees their own
answers and, after the facilitator reveals them, the room's aggregate, never anyone else's.
"""

from math import ceil

import streamlit as st
from sqlalchemy.exc import NoResultFound

from loyalty_model.i18n import t
from loyalty_model.workshop import storage
from views import _join_gate as gate
from views import _outage, _page_runs
from views import _participant as me
from views._browser import scroll_to_top
from views._comments import comment_box
from views._common import current_lang, engine, model
from views._live_ui import ROOM_SECONDS, discussion_points, layer_bars, live_view
from views._rating import pending, refusals, statement_radios

lang = current_lang()
layers = model().layers
_page_runs.started()
held_shown = False  # one "please wait" per run, whether the link or the form was held
NOTICE = "join_notice"  # an error key to show once the workshop is known


def held(wait: gate.Held) -> None:
    """A refusal by the limits: say how long, and leave the link alone (it works later)."""
    global held_shown
    if not held_shown:
        st.warning(t("join.slow_down", lang, seconds=ceil(wait.seconds)))
    held_shown = True


def lookup(code: str | None) -> storage.Workshop | None:
    """The workshop with this code, judged under the limits (views/_join_gate.py)."""
    found = gate.by_code(code)
    if isinstance(found, gate.Held):
        held(found)
        return None
    if found is None:
        st.error(t("join.unknown_code", lang))
    return found


def name_help() -> str:
    """What the name is for, and how long it may be (the field stops there, and says so)."""
    return f"{t('join.name_help', lang)} {t('common.max_chars', lang, n=storage.NAME_CHARS)}"


def admit(workshop: storage.Workshop) -> storage.Workshop:
    st.session_state["joined_workshop_id"] = workshop.id
    if me.default_language(workshop.language):
        st.rerun()
    return workshop


def joined_workshop() -> storage.Workshop | None:
    """The workshop of this session: a link's token first (never limited), then the code.

    Once found it is remembered for the session, and during a database outage the page goes on
    with what it read last (views/_outage.py). Only a verdict (an unknown code, a token that
    opens nothing) changes the address bar; a "please wait" never does.
    """
    workshop_id = st.session_state.get("joined_workshop_id")
    if workshop_id:
        try:
            return _outage.last_known(f"workshop:{workshop_id}",
                                      lambda: storage.get_workshop(engine(), workshop_id))
        except NoResultFound:
            me.forget()
            return None
    code, token = st.session_state.get("join_code"), st.session_state.get("participant_token")
    if not code:
        return None
    if token:
        found = gate.by_link(code, token)
        if found is not None:
            return admit(found[0])
        gate.failed()  # a forged or foreign token
        st.session_state["participant_token"] = None
        me.keep_url()
        st.session_state[NOTICE] = "join.bad_link"  # shown after a possible language rerun
    found = lookup(code)
    if found is None:
        if not held_shown:  # an unknown code is a verdict; a "please wait" is not
            me.forget()
        return None
    return admit(found)


def join(workshop: storage.Workshop, name: str | None) -> None:
    try:
        participant = storage.join_workshop(engine(), workshop.id, name)
    except storage.JoiningClosed:  # closed since the page was drawn
        st.error(t("join.closed", lang))
        return
    me.enter(workshop.code, participant.token, workshop.id)
    st.session_state[me.NAV] = {"step": 0}
    st.rerun()


def join_form() -> None:
    if st.session_state.get("facilitator_key"):
        st.info(t("join.facilitator_note", lang))
    st.write(t("join.intro", lang))
    if st.session_state.get("join_code") and "join_code_input" not in st.session_state:
        st.session_state["join_code_input"] = st.session_state["join_code"]  # held: kept
    with st.form("join_by_code"):
        code = st.text_input(t("join.code", lang), key="join_code_input", max_chars=16,
                             placeholder="ABC234")
        name = st.text_input(t("join.name", lang), key="join_name_input",
                             max_chars=storage.NAME_CHARS, help=name_help())
        submitted = st.form_submit_button(t("join.button", lang), type="primary")
    if submitted:
        workshop = lookup(me.clean_code(code))
        if workshop is not None and not workshop.joining_open:
            st.error(t("join.closed", lang))
        elif workshop is not None:
            join(workshop, name)


def anonymity_note(workshop: storage.Workshop) -> None:
    """The workshop's anonymity level in one line, before and while the person rates."""
    st.info(t(f"anonymity.explain.{workshop.anonymity}", lang, n=workshop.smallest_group),
            icon=":material/shield_person:")


def name_form(workshop: storage.Workshop) -> None:
    st.write(t("join.welcome", lang))
    st.text(workshop.name)
    anonymity_note(workshop)
    keeps_names = workshop.anonymity != "aggregates_only"  # no name field: none is kept
    with st.form("join_named"):
        name = None
        if keeps_names:
            name = st.text_input(t("join.name", lang), key="join_name_input",
                                 max_chars=storage.NAME_CHARS, help=name_help())
        submitted = st.form_submit_button(t("join.button", lang), type="primary")
    if submitted:
        join(workshop, name)


def first_open_step(answers: dict[str, int | None]) -> int:
    """Where a returning participant continues: the first layer with an unanswered statement."""
    for step, layer in enumerate(layers):
        if any(s.id not in answers for s in layer.statements):
            return step
    return len(layers)


def navigation() -> dict:
    """Which layer this participant is on: {"step": int | None}, None = where they left off.

    A plain dict kept in session state, so the buttons' callbacks change it without touching
    st.session_state: a callback that does can be cut short by the next tap (views/_rating.py),
    and a "Next" would be lost.
    """
    nav = st.session_state.get(me.NAV)
    if not isinstance(nav, dict):
        nav = st.session_state[me.NAV] = {"step": None}
    return nav


def go(nav: dict, step: int) -> None:
    """Button callback: runs before the page, so the next layer is drawn in the same run."""
    nav["step"] = step


def rate(participant: storage.Participant) -> None:
    answers = _outage.last_known(f"answers:{participant.id}",
                                 lambda: storage.participant_answers(engine(), participant.id))
    total = len(model().statements)
    nav = navigation()
    if nav["step"] is None:
        nav["step"] = first_open_step(answers)
    step = nav["step"]
    scroll_to_top(step)  # a new layer starts at its heading, not where the last one ended
    st.progress(len(answers) / total, text=t("join.progress", lang, done=len(answers),
                                                 total=total))
    if st.session_state.get(_outage.TROUBLE) and not pending():
        st.info(t("storage.last_saved", lang), icon=":material/cloud_off:")
    refusals(lang)
    if step >= len(layers):
        finished(answers, total, nav)
        return
    layer = layers[step]
    # The heading is filled in after the radios: until a run's radios reach the phone the
    # previous layer's radios are still on screen, and a heading that already named the new
    # layer would invite taps on the old statements.
    head = st.container()
    statement_radios(participant, layer.statements, answers, lang, prefix="join_rate")
    comment_box(participant, layer, _outage.last_known(
        f"comments:{participant.id}",
        lambda: storage.participant_comments(engine(), participant.id)), lang)
    back, forward = st.columns(2)
    if step > 0:
        back.button(t("join.previous", lang), key="join_prev", width="stretch",
                    on_click=go, args=(nav, step - 1))
    label = (t("join.next", lang, name=layers[step + 1].name(lang)) if step + 1 < len(layers)
             else t("join.finish", lang))
    forward.button(label, key="join_next", type="primary", width="stretch",
                   on_click=go, args=(nav, step + 1))
    with head:
        st.subheader(t("join.layer_heading", lang, n=layer.order, total=len(layers),
                       name=layer.name(lang)))
        st.markdown(f"**{layer.tagline(lang)}**")
        with st.expander(t("join.about_layer", lang)):
            st.write(layer.meaning(lang))
            st.caption(f"{t('join.example', lang)}: {layer.example(lang)}")
        st.caption(t("join.scale", lang))


def finished(answers: dict[str, int | None], total: int, nav: dict) -> None:
    if len(answers) >= total:
        st.success(t("join.all_done", lang))
    else:
        open_layers = ", ".join(layer.name(lang) for layer in layers
                                if any(s.id not in answers for s in layer.statements))
        st.info(t("join.some_open", lang, open=total - len(answers), layers=open_layers))
    first_open = first_open_step(answers)
    if first_open < len(layers):
        st.button(t("join.answer_open", lang), key="join_review", type="primary",
                  on_click=go, args=(nav, first_open))
    else:
        st.button(t("join.review", lang), key="join_review", on_click=go, args=(nav, 0))


@st.fragment(run_every=ROOM_SECONDS)
def room_results(workshop_id: int) -> None:
    """Shown once the facilitator reveals the results; checks by itself, no reload needed."""
    _page_runs.heal()
    try:
        revealed = storage.get_workshop(engine(), workshop_id).revealed
        view = live_view(workshop_id) if revealed else None
    except storage.STORAGE_ERRORS:
        return  # the rating part says so; this part checks again on its next tick
    if view is None:
        st.caption(t("join.not_revealed", lang))
        return
    st.subheader(t("join.room_heading", lang))
    st.caption(t("join.room_caption", lang, n=view.joined))
    layer_bars(view, lang)
    discussion_points(view, lang)


st.title(t("join.title", lang))
workshop = joined_workshop()
if st.session_state.get(NOTICE):
    st.error(t(st.session_state.pop(NOTICE), lang))
if workshop is None:
    join_form()
    st.stop()

token = st.session_state.get("participant_token")
participant = None if not token else _outage.last_known(
    f"participant:{workshop.id}:{token}",
    lambda: storage.participant_by_token(engine(), workshop.id, token))
if token and participant is None:
    gate.failed()  # a forged or foreign token
    st.session_state["participant_token"] = None
    me.keep_url()
    st.error(t("join.bad_link", lang))
if participant is None:
    if workshop.joining_open:
        name_form(workshop)
    else:
        st.error(t("join.closed", lang))
    st.stop()

st.caption(t("join.joined_as", lang, code=workshop.code))
st.text(workshop.name + (f" · {participant.name}" if participant.name else ""))  # as text
anonymity_note(workshop)
rate(participant)
st.divider()
room_results(workshop.id)

_page_runs.finished()  # last: see views/_page_runs.py
