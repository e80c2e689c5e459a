"""The exports tab speaks the user's language: human field names, units on every value, and a
Save that leaves the user where they were (issue 10, item 8). Real app, real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loyalty_model.workshop.sample import SAMPLE_DIR
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
EXPORTS = SAMPLE_DIR / "exports"
FILES = ["ordrer.csv", "kundemaaling.csv", "sager.xlsx", "customers.csv"]
SCHEMA_NAMES = re.compile(r"customer_id|is_churned|responded_at|_at\b|_id\b|\*|None")

TEXT = {
    "en": {"start": "Start with the sample company", "kpis": "KPIs", "tab": "From your exports",
           "kind": "What is in this file?", "orders": "Orders", "customers": "Customers (CRM)",
           "twice": "Two files are marked as", "compute": "Compute the KPIs",
           "save": r"Save \d+ KPI values", "saved": "KPI rows loaded and saved",
           "labels": {"Customer ID (required)": None, "Answered on (required)": "Besvaret",
                      "Order amount (required)": "Beløb", "Churned?": "is_churned",
                      "Opened on (required)": "Oprettet"},
           "hours": ("Median resolution time", "\u00a0h"),
           "points": ("Net Promoter Score", "\u00a0points"),
           "count": ("Transfers per ticket", "\u00a0per ticket")},
    "da": {"start": "Start med eksempelvirksomheden", "kpis": "Nøgletal",
           "tab": "Fra jeres eksporter", "kind": "Hvad indeholder filen?", "orders": "Ordrer",
           "customers": "Kunder (CRM)", "twice": "To filer er markeret som",
           "compute": "Beregn nøgletallene", "save": r"Gem \d+ værdier",
           "saved": "rækker med nøgletal er indlæst og gemt",
           "labels": {"Kunde-id (skal udfyldes)": None, "Besvaret den (skal udfyldes)": "Besvaret",
                      "Ordrebeløb (skal udfyldes)": "Beløb", "Opsagt (tabt kunde)?": "is_churned",
                      "Oprettet den (skal udfyldes)": "Oprettet"},
           "hours": ("Median løsningstid", "\u00a0t"),
           "points": ("Net Promoter Score", "\u00a0point"),
           "count": ("Viderestillinger pr. sag", "\u00a0pr. sag")},
}


def _kind_box(page, file: str, label: str):  # noqa: ANN001, ANN202 (playwright)
    return page.get_by_test_id("stExpander").filter(has_text=file).get_by_role(
        "combobox", name=label, exact=True)


def _choose_kind(page, file: str, label: str, option: str) -> None:  # noqa: ANN001
    box = _kind_box(page, file, label)
    box.click()
    if box.get_attribute("aria-expanded") != "true":  # focused by the click, not yet open
        box.press("ArrowDown")
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _grid_rows(grid) -> list[list[str]]:  # noqa: ANN001 (playwright Locator)
    """The rows of a Streamlit dataframe, from the grid's accessible table."""
    grid.locator("[role=gridcell]").first.wait_for(state="attached")  # read by screen readers
    return [row.locator("[role=gridcell], td").all_text_contents()
            for row in grid.locator("tbody tr, [role=row]").all()
            if row.locator("[role=gridcell], td").count()]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_mapping_reads_human_values_carry_units_and_save_stays_on_the_tab(
        lang: str, app_server: AppServer, browser) -> None:  # noqa: ANN001
    text = TEXT[lang]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_server.url}/?lang={lang}")
    page.get_by_role("button", name=text["start"]).click()
    wait_idle(page)
    page.get_by_role("link", name=text["kpis"], exact=True).first.click()
    page.get_by_role("tab", name=text["tab"]).wait_for()
    wait_idle(page)
    page.get_by_role("tab", name=text["tab"]).click()
    wait_idle(page)
    page.locator("input[type='file'][multiple]").set_input_files(
        [str(EXPORTS / name) for name in FILES])
    expect(page.get_by_role("combobox", name=text["kind"])).to_have_count(4, timeout=TIMEOUT)
    wait_idle(page)
    assert_no_exception(page)

    # every field is named as people say it, never by its schema id
    panel = page.get_by_role("tabpanel", name=text["tab"])
    labels = panel.get_by_test_id("stWidgetLabel").all_inner_texts()
    for label, source in text["labels"].items():
        assert label in labels, (label, labels)
        if source:
            box = page.get_by_role("combobox", name=label, exact=True).first
            assert box.input_value() == source
    schema_like = [label for label in labels if SCHEMA_NAMES.search(label)]
    assert not schema_like, schema_like
    # an empty comment is an empty cell, not "None"
    survey = page.get_by_test_id("stExpander").filter(has_text="kundemaaling.csv")
    cells = [cell for row in _grid_rows(survey.get_by_test_id("stDataFrame")) for cell in row]
    assert "" in cells and "None" not in cells, cells

    # a mistake shows an error; putting it right takes the error away
    _choose_kind(page, "customers.csv", text["kind"], text["orders"])
    page.get_by_text(text["twice"]).wait_for()
    _choose_kind(page, "customers.csv", text["kind"], text["customers"])
    expect(page.get_by_text(text["twice"])).to_have_count(0, timeout=TIMEOUT)

    page.get_by_role("button", name=text["compute"]).click()
    table = page.locator(".st-key-raw_kpi_table [data-testid='stDataFrame']")
    table.wait_for()
    wait_idle(page)
    rows = {row[0]: row[-1] for row in _grid_rows(table) if len(row) >= 3}
    expected = int(table.locator("table").get_attribute("aria-rowcount")) - 1
    assert len(rows) == expected >= 15, rows  # every KPI shown, none cut off by scrolling
    numbers = {kpi: value for kpi, value in rows.items() if re.search(r"\d", value)}
    bare = {kpi: value for kpi, value in numbers.items()
            if not re.search(r"[^\d\s.,\u00a0\u2212-]", value)}
    assert numbers and not bare, bare  # every number carries its unit
    assert not [value for value in rows.values() if value in ("", "None")], rows
    for kpi, unit in (text["hours"], text["points"], text["count"]):
        assert rows[kpi].endswith(unit), (kpi, rows[kpi])

    page.get_by_role("button", name=re.compile(text["save"])).click()
    wait_idle(page)
    # still on the exports tab, with the confirmation where Save was, and no error
    expect(page.get_by_role("tab", name=text["tab"])).to_have_attribute("aria-selected", "true",
                                                                timeout=TIMEOUT)
    panel.get_by_text(text["saved"]).wait_for()
    assert panel.get_by_text(text["saved"]).is_visible()
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0, timeout=TIMEOUT)
    save = page.get_by_role("button", name=re.compile(text["save"]))
    expect(save).to_have_count(0, timeout=TIMEOUT)
    assert_no_exception(page)
    page.close()
