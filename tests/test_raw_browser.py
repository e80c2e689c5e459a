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
    assert page.get_by_role("combobox", name="Order amount (required)").input_value() == "Beløb"
    assert page.get_by_role("combobox", name="Opened on (required)").input_value() == "Oprettet"

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

    page.get_by_role("button", name="See the results").click()
    page.get_by_role("heading", name="Where to improve first").wait_for()
    page.get_by_role("button", name="The numbers over time").click()
    page.get_by_text("The numbers per layer over time").first.wait_for()
    page.get_by_role("button", name="Loyalty: attitude and behaviour").click()
    page.locator("strong", has_text="True loyalty").first.wait_for()  # not a mark's title
    # the matrix is drawn: the second chart, after the verdict's
    page.locator(".skab-chart svg").nth(1).wait_for()
    assert_no_exception(page)
    page.close()


def test_large_uploads_stream_and_match_the_command_line(tmp_path, browser  # noqa: ANN001
                                                         ) -> None:
    """Uploads above the streaming line are read in batches: same KPIs as the CLI gives."""
    import json
    import subprocess
    import sys

    from benchmarks.generate import generate, write
    from tests.conftest import ROOT

    paths = write(generate(6_000, 900, 31), tmp_path / "exports")  # ~0.5 MB each: streamed
    cli = subprocess.run([sys.executable, "-m", "loyalty_model", "kpis", "--json",
                          *[a for kind, path in paths.items() for a in (f"--{kind}", str(path))]],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    expected = json.loads(cli.stdout)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKAB_STREAM_UPLOADS_MB", "0")
        server = AppServer(tmp_path / "app.db", tmp_path / "streamlit.log").start()
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT)
        page.goto(server.url)
        page.get_by_role("button", name="Start with the sample company").click()
        page.get_by_role("heading", name="Rate the layers").wait_for()
        wait_idle(page)
        page.get_by_role("link", name="KPIs").first.click()
        page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
        page.get_by_role("tab", name="From your exports").click()
        page.get_by_text("Up to 1 GB per file").first.wait_for()
        page.locator("input[type='file'][multiple]").set_input_files(
            [str(path) for path in paths.values()])
        expect(page.get_by_role("combobox", name="What is in this file?")).to_have_count(4)
        wait_idle(page)
        page.get_by_role("button", name="Compute the KPIs").click()
        page.get_by_text("the loyalty matrix is on the results page").wait_for()
        assert_no_exception(page)
        page.get_by_role("button", name=re.compile(r"Save \d+ KPI values")).click()
        page.get_by_text("KPI rows loaded and saved").wait_for()
        wait_idle(page)
        page.close()
    finally:
        server.stop()
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    with engine.connect() as conn:
        matrix = json.loads(conn.execute(storage.evidence.select()).one().payload)
        saved = conn.execute(storage.kpi_values.select()).all()
    assert matrix["shares"] == pytest.approx(expected["loyalty_matrix"], rel=1e-12)
    for kpi in ("arpc_annual", "repeat_purchase_rate", "churn_rate_orders", "arpc_monthly"):
        values = [row.value for row in saved if row.kpi == kpi]  # beside the sample's own
        assert pytest.approx(expected[kpi], rel=1e-12) in values, (kpi, values)
