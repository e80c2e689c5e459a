"""Business case: what loyalty is worth, from the team's own figures and sourced assumptions.

The page leads with the figures in use on one line and what they add up to, one story at a time
(a button each). The fields that set the figures and the grid of the article's assumptions are
one click down, each in an expander built only while open: they were most of what the page took
to draw. Text that reads as one block is one element, and the tables are fixed-layout HTML
(views/_table.py): each element, and each kind of element, costs every load its drawing.
"""

import pandas as pd
import streamlit as st

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import t
from loyalty_model.takeaways.business_charts import iceberg_chart, survival_chart
from loyalty_model.workshop import storage
from views._business_assumptions import assumption_values
from views._business_figures import KEPT, as_inputs, summary, your_figures
from views._cached import show_chart
from views._common import (
    choice_buttons,
    current_lang,
    current_workshop,
    engine,
    lazy_expander,
    model,
    plain,
)
from views._table import show_table

lang = current_lang()
st.title(t("business.title", lang))
workshop = current_workshop()
st.markdown(t("business.intro", lang) + ("" if workshop is None else "\n\n:gray[:small[" + t(
    "common.workshop_caption", lang, name=plain(workshop.name), team=plain(workshop.team),
    code=workshop.code) + "]]"))
from_kpis = bc.defaults_from_kpis(storage.kpis_frame(engine(), workshop.id) if workshop else None)

in_use = st.empty()  # the figures' line, written once the fields (if open) have been read
figures, currency = your_figures(lazy_expander(t("business.change_figures", lang),
                                               "bc_figures_open"), from_kpis, workshop, lang)
assumptions = assumption_values(lazy_expander(t("business.assumptions", lang),
                                              "bc_assumptions_open"), lang)
heading = f"### {t('business.inputs', lang)}"  # and the line of figures: one element
if figures is None:
    in_use.markdown(heading)
    st.stop()  # the field says what is wrong; nothing is computed from a misread number
in_use.markdown(f"{heading}\n\n{summary(figures, from_kpis, lang, currency)}")
arpc_note = bc.arpc_note(from_kpis.get("arpc"), model(), lang, currency)
if arpc_note and f"{KEPT}arpc" not in st.session_state:  # a typed figure is the user's
    st.info(arpc_note, icon=":material/info:")
ranges = bc.assumption_ranges(model(), assumptions)
inputs = as_inputs(figures)
problems = inputs.problems()
if problems:
    for name in problems:  # every input's label key is business.<name>
        st.warning(t("business.invalid", lang, name=t(f"business.{name}", lang)))
    st.stop()

# One story at a time, a button each, only the open one built; remembered by position, so a
# language switch keeps it.
labels = [t("business.retention_heading", lang), t("business.iceberg_heading", lang)]
shown = min(int(st.session_state.get("bc_tab_index", 0)), len(labels) - 1)
choice_buttons(labels, shown, "bc_story_",
               lambda index: st.session_state.update(bc_tab_index=index))



def figures_table(rows: list[tuple[str, str, str]]) -> None:
    """(figure, value, how it is calculated) rows: long explanations wrap, none is cut."""
    value = t("business.col_value", lang)
    show_table(pd.DataFrame(rows, columns=[t("business.col_figure", lang), value,
                                           t("business.col_how", lang)]),
               numbers=[value], widths={value: 0.7, t("business.col_how", lang): 1.6},
               min_width_rem=36)


if shown == 0:
    case = bc.retention_case(inputs, assumptions, lang, currency, ranges)
    show_chart(("survival", lang, inputs), lambda: survival_chart(inputs, lang), width=960)
    figures_table([(t(f.label, lang, **f.label_values), bc.figure_text(f, lang, currency),
                    t(f.how, lang, **f.how_values)) for f in case])
    caveats = bc.caveats(model(), lang)  # beside the figure that uses the 68 %
    if caveats:
        st.caption("\n\n".join(caveats))
else:
    st.write(t("business.iceberg_intro", lang))
    berg = bc.iceberg(inputs.complaints, assumptions, inputs.resolved, ranges)
    show_chart(("iceberg", lang, berg), lambda: iceberg_chart(berg, lang), width=960)
    figures_table(list(bc.iceberg_rows(berg, assumptions, lang)))
