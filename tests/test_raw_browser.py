"""Raw exports in a real browser: upload one file of each kind, confirm, see KPIs and the matrix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loyalty_model.workshop import storage
from loyalty_model.workshop.sample import SAMPLE_DIR
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import TIMEOUT, wait_idle

pytestmark = pytest.mark.browser
EXPORTS = SAMPLE_DIR / "exports"


def test_upload_exports_confirm_mapping_and_see_matrix(app_server: AppServer, browser  # noqa: ANN001
                                                       ) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    page.get_by_role("button", name="Start with the sample company").click()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    wait_idle(page)
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
    page.get_by_role("tab", name="From your exports").click()

    names = ["ordrer.csv", "kundemaaling.csv", "sager.xlsx", "customers.csv"]
    page.locator("input[type='file'][multiple]").set_input_files(
        [str(EXPORTS / name) for name in names])
    for name in names:
        page.get_by_text(name, exact=True).first.wait_for()
    wait_idle(page)
    assert_no_exception(page)
    # kinds and columns were recognised from the Danish and English headers
    expect(page.get_by_role("combobox", name="What is in this file?")).to_have_count(4)
    assert page.get_by_role("combobox", name="amount *").input_value() == "Beløb"
    assert page.get_by_role("combobox", name="opened_at *").input_value() == "Oprettet"

    page.get_by_role("button", name="Compute the KPIs").click()
    page.get_by_text("the loyalty matrix is on the results page").wait_for()
    assert page.get_by_text("First-contact resolution").count() >= 1
    assert_no_exception(page)
    # which survey touchpoints count for which layer, and a choice per value
    page.get_by_text("What the survey answers are about").wait_for()
    page.get_by_text("Counted for Fault correction: Værksted (308), Kundeservice (287)").wait_for()
    page.get_by_text("Left out: Butik (303), Webshop (302)").wait_for()
    expect(page.get_by_role("combobox", name=re.compile(r"· \d+ answers"))).to_have_count(4)
    save = page.get_by_role("button", name=re.compile(r"Save \d+ KPI values"))
    save.click()
    page.get_by_text("KPI rows loaded and saved").wait_for()
    wait_idle(page)

    # the mapping is remembered for the next upload of the same layout
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    with engine.connect() as conn:
        remembered = conn.execute(storage.column_mappings.select()).all()
    assert {row.kind for row in remembered} == {"orders", "surveys", "tickets", "customers"}

    page.get_by_role("link", name="See the results").click()
    page.get_by_role("heading", name="Where to improve first").wait_for()
    page.get_by_role("tab", name="The numbers over time").click()
    page.get_by_text("The numbers per layer over time").first.wait_for()
    page.get_by_role("tab", name="Loyalty: attitude and behaviour").click()
    page.get_by_text("True loyalty").first.wait_for()
    page.get_by_role("tabpanel").locator("[data-testid='stVegaLiteChart'] svg, "
                                          "[data-testid='stVegaLiteChart'] canvas").first.wait_for()
    assert_no_exception(page)
    page.close()
