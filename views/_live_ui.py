"""The room's aggregate as the facilitator projects it and the participants see it once revealed.

One cached computation per workshop and data version for every screen in the room: a tick
that finds the version unchanged (one query) reuses it, and a new answer changes the version,
so it shows on the next tick. Disagreement has one scale on every screen: the standard
deviation of the 1-5 ratings, one decimal, labelled "disagreement" (live.layer_disagreement,
live.fmt_disagreement).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

import pandas as pd
import streamlit as st

from loyalty_model.i18n import fmt_number, t
from loyalty_model.workshop import live
from views._cached import data_version
from views._common import engine, lazy_expander, model, plain
from views._table import show_table

LIVE_SECONDS = 3  # the facilitator's view refreshes itself this often
ROOM_SECONDS = 5  # a participant's page checks this often whether results are revealed


def live_view(workshop_id: int) -> live.LiveView:
    return _live_view(workshop_id, data_version(workshop_id))


@st.cache_data(show_spinner=False, max_entries=500)
def _live_view(workshop_id: int, version: tuple[str, ...]) -> live.LiveView:
    """Keyed on `version` (storage.workshop_data_version), which the body need not read."""
    return live.live_view(engine(), workshop_id, model())


FIGURES_CSS = (  # like st.metric: a small label over a large number; a fixed string
    "<style>.skab-figures{display:flex;gap:1rem;flex-wrap:wrap}.skab-figure{flex:1 1 8rem}"
    ".skab-figure-label{font-size:0.875rem}.skab-figure-value{font-size:2.25rem;"
    "line-height:1.4}</style>")


def figures_html(figures: Iterable[tuple[str, str]], css_class: str = "") -> str:
    """Label and value pairs side by side, each a small label over a large value, as HTML for
    one markdown element. st.metric looks the same, but its code took ~20 ms of every load of
    the facilitator page for the browser (benchmarks/page_speed.py). Labels and values are
    escaped: a value can be typed by a person."""
    return (FIGURES_CSS + f'<div class="skab-figures {css_class}">' + "".join(
        f'<div class="skab-figure"><div class="skab-figure-label">{html.escape(label)}</div>'
        f'<div class="skab-figure-value">{html.escape(value)}</div></div>'
        for label, value in figures) + "</div>")


def live_figures(view: live.LiveView, lang: str) -> None:
    """Joined, finished and answers side by side, as one element (three st.metric in three
    columns were three elements of a dear kind)."""
    st.markdown(figures_html((
        (t("facilitate.joined", lang), fmt_number(view.joined, lang, 0)),
        (t("facilitate.finished", lang), fmt_number(view.finished_all, lang, 0)),
        (t("facilitate.answers", lang), fmt_number(view.answers, lang, 0)))),
        unsafe_allow_html=True)


def layer_table(view: live.LiveView, lang: str, heading: str) -> None:
    """The facilitator's table under `heading`: per layer the score, the disagreement and who
    has finished, and what the columns mean (a tooltip does not reach a projector). One
    element with fixed column widths (views/_table.py): an st.dataframe took ~60 ms of every
    load of the page to draw, a markdown table ~25 ms more than this."""
    score, spread = t("live.col_score", lang), t("live.col_spread", lang)
    finished = t("live.col_finished", lang)
    rows = [{
        t("live.col_layer", lang): model().layer(layer.layer).name(lang),
        score: "–" if layer.self_score is None else fmt_number(layer.self_score, lang),
        spread: live.fmt_disagreement(layer.disagreement, lang),
        finished: f"{layer.finished} / {view.joined}",
    } for layer in view.layers]
    show_table(pd.DataFrame(rows), numbers=[score, spread, finished],
               widths={t("live.col_layer", lang): 2}, min_width_rem=30, heading=heading,
               note=f"{t('live.score_help', lang)} {t('live.spread_help', lang)}")


def layer_bars(view: live.LiveView, lang: str) -> None:
    """The same scores as bars that read well on a phone."""
    for layer in view.layers:
        name = model().layer(layer.layer).name(lang)
        if layer.self_score is None:
            st.caption(t("live.layer_unrated", lang, layer=name))
            continue
        st.progress(layer.self_score / 100, text=t(
            "live.layer_bar", lang, layer=name, score=fmt_number(layer.self_score, lang),
            spread=live.fmt_disagreement(layer.disagreement, lang)))


def discussion_points(view: live.LiveView, lang: str, limit: int = 3) -> None:
    """The statements the room disagrees on most, under their heading: what to talk about
    first. Heading and list are one element: each element costs the browser ~5 ms to draw."""
    heading = f"**{t('live.discussion_heading', lang)}**"
    points = view.top_discussion_points(limit)
    if not points:
        st.markdown(heading)
        st.caption(t("live.no_discussion", lang))
        return
    st.markdown(heading + "\n\n" + "\n".join(
        f"- {model().statement(point.statement_id).text(lang)} "
        f"({t('live.spread_value', lang, spread=live.fmt_disagreement(point.spread, lang))})"
        for point in points))


def held_back_note(view: live.LiveView, lang: str) -> None:
    """Under aggregates only: how many answered statements are not shown yet, and why."""
    if view.held_back:
        st.info(t("anonymity.held_back_live", lang, n=view.held_back,
                  smallest=view.smallest_group), icon=":material/shield_person:")


def comments_panel(view: live.LiveView, lang: str, mark: Callable[[int, str], None],
                   heading: str) -> None:
    """The room's comments per layer as they arrive under `heading`, as one block of text,
    the marked ones first and said to be; ticking one for discussion (it then leads its layer
    in the report) is one click down, in an expander built only while open. Text only: a
    comment is shown as typed, never as markdown or HTML."""
    if not view.comments:
        st.markdown(f"**{heading}**\n\n:gray[:small[{t('comments.none_yet', lang)}]]")
    by_layer = {layer.id: sorted((c for c in view.comments if c.layer == layer.id),
                                 key=lambda c: not c.marked) for layer in model().layers}
    blocks = [f"**{heading}**"]
    for layer in model().layers:
        lines = [f"**{layer.name(lang)}**"]
        for comment in by_layer[layer.id]:
            about = [t("comments.marked", lang)] if comment.marked else []
            about += [plain(comment.author)] if comment.author else []
            lines.append(f"- {plain(comment.text)}"
                         + (f"  \n  :gray[:small[{' · '.join(about)}]]" if about else ""))
        if len(lines) > 1:
            blocks.append("\n".join(lines))
    if len(blocks) > 1:
        st.markdown("\n\n".join(blocks))
        box = lazy_expander(t("comments.mark_open", lang), "live_mark_open")
        if box:
            with box:
                st.caption(t("comments.mark_help", lang))
                for layer in model().layers:
                    for comment in by_layer[layer.id]:
                        key = f"mark_{comment.id}"
                        st.checkbox(f"{plain(comment.text)} · *{layer.name(lang)}*",
                                    value=comment.marked, key=key, on_change=mark,
                                    args=(comment.id, key))
    if view.anonymity == "aggregates_only":
        st.caption(t("comments.held_back", lang))
