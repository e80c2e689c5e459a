"""Facilitate: the join code to project, and the room's answers arriving live, without reloading.

Needs the facilitator key (require_workshop): a participant's link never gets here. Right after
"Create workshop" the facilitator link is shown once, in a box of its own, and nothing else:
the join code, QR code and live view (what goes on the projector) appear only after "I saved
it", so the key and the projected view are never on screen together. The address bar never
holds the key either (views/_common.keep_url_state).

The live part is a fragment that reruns on a timer, so the rest of the page (and the projector)
stays still while the numbers move.
"""


import html

import segno
import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.takeaways import charts
from loyalty_model.workshop import links, storage
from views import _clients, _outage, _page_runs
from views._cached import series_version, show_chart, team_trend
from views._common import (
    app_base_url,
    current_lang,
    engine,
    lazy_expander,
    model,
    open_workshop,
    plain,
    require_workshop,
)
from views._live_ui import (
    LIVE_SECONDS,
    comments_panel,
    discussion_points,
    figures_html,
    held_back_note,
    layer_table,
    live_figures,
    live_view,
)

PROJECTOR_CSS = """<style>
.skab-join-code .skab-figure-value { font-size: 4.5rem; letter-spacing: 0.12em;
  font-family: "Source Code Pro", monospace; line-height: 1.1; }
</style>"""  # a fixed string: nothing a person typed goes into it

lang = current_lang()
_page_runs.started()
st.title(t("facilitate.title", lang))
workshop = require_workshop(lang)


def network_url() -> str | None:
    """This computer's address on the local network, when Streamlit listens there too."""
    if str(st.get_option("server.address") or "") not in ("", "0.0.0.0", "::"):
        return None
    try:
        from streamlit import net_util

        address = net_util.get_internal_ip()
    except Exception:  # noqa: BLE001 (no network)
        return None
    return f"http://{address}:{st.get_option('server.port')}" if address else None


@st.cache_data(show_spinner=False, max_entries=200)
def qr_svg(link: str) -> str:
    """The join link's QR code as inline SVG, 300 px wide: drawn like text, where a PNG in
    st.image took ~20 ms of every load of this page for the image element's own code."""
    svg = segno.make(link, error="m").svg_inline(scale=10, border=2, dark="#000", light="#fff",
                                                 omitsize=True)  # a viewBox, no fixed size
    return svg.replace("<svg ", '<svg style="width:300px;max-width:100%;height:auto" ', 1)


def reveal(workshop_id: int, wanted: bool) -> None:
    """Button callback: show or hide the results on the participants' screens."""
    _outage.attempt(lambda: storage.set_revealed(engine(), workshop_id, wanted))


def joining(workshop_id: int, wanted: bool) -> None:
    """Button callback: open or close the workshop to new participants."""
    _outage.attempt(lambda: storage.set_joining_open(engine(), workshop_id, wanted))


def follow_up_form() -> None:
    with st.form("follow_up"):
        name = st.text_input(t("trend.next_name", lang), key="follow_up_name",
                             max_chars=storage.WORKSHOP_NAME_CHARS,
                             placeholder=t("start.workshop_name_hint", lang),
                             help=t("common.max_chars", lang, n=storage.WORKSHOP_NAME_CHARS))
        create = st.form_submit_button(t("trend.next_button", lang))
    if create:
        if not name.strip():
            st.error(t("trend.need_name", lang))
        else:
            new, key = storage.create_follow_up(engine(), workshop, name)
            open_workshop(new, key)
            st.session_state["facilitator_key_new"] = True
            st.rerun()


def link_earlier_form() -> None:
    st.caption(t("trend.link_help", lang))
    with st.form("link_earlier"):
        code = st.text_input(t("trend.link_code", lang), key="link_code", max_chars=16)
        key = st.text_input(t("trend.link_key", lang), key="link_key", type="password")
        link = st.form_submit_button(t("trend.link_button", lang))
    if link:
        if storage.link_to_earlier(engine(), workshop, code, key):
            st.session_state["trend_linked"] = True
            st.rerun()
        else:
            st.error(t("trend.not_linked", lang))


base_url = app_base_url()
if st.session_state.get("facilitator_key_new"):
    with st.container(border=True, key="facilitator_key_box"):
        st.subheader(t("facilitate.key_heading", lang))
        st.write(t("facilitate.key_once", lang))
        st.code(links.facilitator_link(base_url, workshop.code,
                                       st.session_state["facilitator_key"]), language=None)
        saved = st.button(t("facilitate.key_saved", lang), type="primary", key="key_saved")
        st.caption(t("facilitate.key_then", lang))
    if saved:
        st.session_state.pop("facilitator_key_new", None)
        st.rerun()
    st.stop()

if links.is_loopback(base_url):
    suggestion = network_url()
    st.warning(t("facilitate.loopback", lang, address=base_url)
               + (" " + t("facilitate.loopback_network", lang, address=suggestion)
                  if suggestion else "")
               + " " + t("facilitate.loopback_fix", lang, variable=links.PUBLIC_URL_ENV))

join_link = links.join_link(base_url, workshop.code)
left, right = st.columns([3, 2], vertical_alignment="center")
with left:
    # the code to read off the projector, large, drawn like the live figures below: as
    # st.metric it was one more kind of element for the browser to load on every visit
    st.markdown(PROJECTOR_CSS + figures_html([(t("facilitate.code", lang), workshop.code)],
                                             "skab-join-code"), unsafe_allow_html=True)
    # Inline code, not st.code: its syntax highlighter took ~110 ms of every load of this page
    # (benchmarks/page_speed.py). The link is one line to read off the screen or select.
    # Sentence and link are one element, as are the two notes: each costs the browser ~5 ms.
    st.markdown(f"{t('facilitate.join_how', lang)}\n\n``{join_link}``")
    st.caption(t("facilitate.phone_language", lang,
                 language=t(f"facilitate.in_language.{workshop.language}", lang)) + "\n\n"
               + t("anonymity.shown_to_participants", lang, explain=t(
                   f"anonymity.explain.{workshop.anonymity}", lang, n=workshop.smallest_group))
               + "\n\n" + t("facilitate.revealed_state" if workshop.revealed
                            else "facilitate.hidden_state", lang)
               + " " + t("facilitate.open_state" if workshop.joining_open
                         else "facilitate.closed_state", lang))
    # Buttons that say what they do, the state in the line above: two switches were one more
    # kind of element for the browser to load on every visit (~14 ms, benchmarks/page_speed.py)
    shown, open_ = workshop.revealed, workshop.joining_open
    with st.container(horizontal=True, key="room_switches"):
        st.button(t("facilitate.hide" if shown else "facilitate.reveal", lang),
                  key=f"reveal_{workshop.id}", type="secondary" if shown else "primary",
                  icon=":material/visibility_off:" if shown else ":material/visibility:",
                  help=t("facilitate.hide_help" if shown else "facilitate.reveal_help", lang),
                  on_click=reveal, args=(workshop.id, not shown))
        st.button(t("facilitate.joining_close" if open_ else "facilitate.joining_reopen", lang),
                  key=f"joining_{workshop.id}",
                  icon=":material/lock:" if open_ else ":material/lock_open:",
                  help=t("facilitate.joining_close_help" if open_
                         else "facilitate.joining_reopen_help", lang),
                  on_click=joining, args=(workshop.id, not open_))
with right:
    # markdown: st.html removes inline SVG; the caption under it in the same element. The
    # label is shipped text, escaped all the same: every attribute in this HTML stays one
    caption = t("facilitate.qr_caption", lang)
    st.markdown(f'<div class="skab-qr" role="img" aria-label="{html.escape(caption)}">'
                f"{qr_svg(join_link)}</div>\n\n:gray[:small[{caption}]]",
                unsafe_allow_html=True)


@st.fragment(run_every=LIVE_SECONDS)
def live_panel(workshop_id: int) -> None:
    """The room, every LIVE_SECONDS; while the database is away it says so and keeps trying."""
    _page_runs.heal()
    try:
        view = live_view(workshop_id)
    except storage.STORAGE_ERRORS as error:
        _outage.page_failed(error, lang)
        return
    live_figures(view, lang)
    if view.people:
        st.markdown(plain(t("facilitate.who", lang) + " " + ", ".join(view.labels(lang))))
    else:
        st.info(t("facilitate.nobody_yet", lang))
        return
    held_back_note(view, lang)
    layer_table(view, lang, t("facilitate.per_layer", lang))
    discussion_points(view, lang)
    if any(s.spread is not None for s in view.assessment.statements):
        # Every statement's chart is the longest thing on the page (~90 ms of each load to
        # draw); the three to discuss first are above. Built only while open, and kept up to
        # date on every tick then; rebuilt only when a statement's figures change.
        every_statement = lazy_expander(t("facilitate.all_statements", lang),
                                        "live_all_statements_open")
        if every_statement:
            with every_statement:
                show_chart(("live_spread", lang, tuple(view.assessment.statements)),
                           lambda: charts.spread_chart(view.assessment, model(), lang))
    comments_panel(view, lang, mark, t("comments.live_heading", lang))


def mark(comment_id: int, key: str) -> None:
    """Checkbox callback: mark a comment for discussion; a change the database did not take
    flips back."""
    wanted = bool(st.session_state[key])
    if not _outage.attempt(lambda: storage.set_marked(engine(), workshop.id, comment_id,
                                                      wanted)):
        st.session_state[key] = not wanted


# heading and note in one element: the browser spends ~5 ms drawing each
st.markdown(f"### {t('facilitate.live_heading', lang)}\n\n"
            f":gray[:small[{t('facilitate.live_note', lang, seconds=LIVE_SECONDS)}]]")
live_panel(workshop.id)

history = team_trend(series_version(workshop), workshop, lang)
in_series = history["workshop"].nunique() >= 2
# the rule above the section, its heading and (for a first workshop) its note: one element
note = "" if in_series else f"\n\n:gray[:small[{t('trend.only_one', lang)}]]"
st.markdown(f"---\n\n### {t('trend.heading', lang)}{note}")
if st.session_state.pop("trend_linked", False):
    st.success(t("trend.linked", lang))
if in_series:
    measures = {"self": t("chart.self", lang), "kpi": t("chart.kpi", lang)}
    show_chart(("layer_trend", lang, history), lambda: charts.layer_trend_chart(
        history.assign(measure=history["measure"].map(measures)), model(), lang), width=960)
    st.caption(t("trend.help", lang))

# Closed, these expanders build nothing (lazy_expander): the page opens faster.
box = lazy_expander(t("trend.next_heading", lang), "follow_up_open")
if box:
    with box:
        follow_up_form()
box = lazy_expander(t("trend.link_heading", lang), "link_earlier_open")
if box:
    with box:
        link_earlier_form()

_clients.facilitate_section(workshop, lang)  # which client the team belongs to, and adding it

_page_runs.finished()  # last: see views/_page_runs.py
