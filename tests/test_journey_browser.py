"""A first-time user's whole journey with the sample company, in real headless Chromium.

start → rate all five layers → KPIs (incl. a broken file) → results → action plan downloaded.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from tests.conftest import ROOT, AppServer, assert_no_exception

pytestmark = pytest.mark.browser
TIMEOUT = 30_000


def wait_idle(page) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the current run (the status widget disappears)."""
    page.wait_for_timeout(250)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=TIMEOUT)


def switch_language(page, language: str) -> None:  # noqa: ANN001
    """Show the app in `language`: the switch is one button naming the other language (in the
    sidebar, or top right on a phone); a page already in `language` is left as it is."""
    switch = page.locator("[class*='st-key-lang_switch'] button:visible").first
    if language in switch.inner_text():
        switch.click()
        wait_idle(page)
        expect(switch).not_to_contain_text(language)


def start_sample(page, url: str) -> None:  # noqa: ANN001
    """Open the start page at `url` and start the sample company: on its rating page, settled."""
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.get_by_role("button", name="Start with the sample company").click()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    wait_idle(page)


def test_first_time_user_journey(app_server: AppServer, browser, tmp_path: Path) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    start_sample(page, app_server.url)
    assert_no_exception(page)

    # join the sample team as a new participant on this device
    page.get_by_role("button", name="Add a participant").click()
    wait_idle(page)
    page.get_by_role("textbox", name="Name (optional)").fill("Kim")
    page.get_by_role("button", name="Add and start rating").click()
    total = len(load_model().statements)
    page.get_by_text(f"0 of {total} statements answered").wait_for()

    layer_names = ["Product", "Communication", "Delivery", "Fault correction", "WOW"]
    for index, name in enumerate(layer_names):
        page.get_by_role("heading", name=f"Layer {index + 1} of 5: {name}").wait_for()
        wait_idle(page)
        groups = page.locator("[data-testid='stRadio']")
        count = len(load_model().layers[index].statements)
        expect(groups).to_have_count(count)
        for i in range(count):
            groups.nth(i).get_by_text("4", exact=True).click()
            wait_idle(page)
        assert_no_exception(page)
        if index < len(layer_names) - 1:
            page.get_by_role("button", name=f"Next: {layer_names[index + 1]}").click()
    page.get_by_text(f"{total} of {total} statements answered").wait_for()

    # the answers are in the database, not only in the browser
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    code = re.search(r"w=([A-Z0-9]+)", page.url).group(1)
    workshop = storage.workshop_by_code(engine, code)
    answers = storage.ratings_frame(engine, workshop.id)
    assert (answers["participant"] == "Kim").sum() == total

    page.get_by_role("link", name="All layers done: on to the KPIs").click()
    page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
    wait_idle(page)
    assert_no_exception(page)
    sample_rows = len(pd.read_csv(ROOT / "data" / "sample" / "kpis.csv"))
    assert len(storage.kpis_frame(engine, workshop.id)) == sample_rows

    # a broken file: a clear message, nothing lost
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\x00\xff\xfe garbage \x01" * 200)
    page.locator("input[type='file']:not([multiple])").set_input_files(str(broken))
    page.get_by_text("could not be read").wait_for()
    page.get_by_text("broken.csv").first.wait_for()
    assert_no_exception(page)
    assert len(storage.kpis_frame(engine, workshop.id)) == sample_rows

    # a Danish Excel export with one bad row: the good rows load on request
    danish = tmp_path / "nøgletal.csv"
    danish.write_bytes("Nøgletal;Værdi;Periode;Mål\r\nnps;31,5;2026-Q4;30\r\n"
                       "Levering til tiden;abc;2026-Q4;0,95\r\n".encode("cp1252"))
    page.locator("input[type='file']:not([multiple])").set_input_files(str(danish))
    page.get_by_text("1 of 2 rows").wait_for()
    page.get_by_text("'abc' is not a number").wait_for()
    page.get_by_role("button", name="Load the 1 good row").click()
    page.get_by_text("1 KPI row loaded and saved.").wait_for()
    assert len(storage.kpis_frame(engine, workshop.id)) == sample_rows + 1

    page.get_by_role("button", name="See the results").click()
    page.get_by_role("heading", name="Where to improve first").wait_for()
    wait_idle(page)
    assert_no_exception(page)
    page.locator(".skab-chart svg").first.wait_for()  # the verdict's chart; others one click down
    assert page.get_by_text("Blind spot").count() >= 1
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    page.get_by_role("button", name="Turn it into an action plan").click()
    page.get_by_role("heading", name="Action plan").wait_for()
    wait_idle(page)
    assert_no_exception(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the action plan (CSV)").click()
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Action", "Layer", "Owner", "Due date"]
    assert len(rows) > 1 and rows[1][1] == "Delivery"  # the top priority of the sample story
    context.close()


def test_refresh_keeps_workshop_and_answers(app_server: AppServer, browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    page.get_by_role("button", name="Start with the sample company").click()
    total = len(load_model().statements)
    page.get_by_text(f"{total} of {total} statements answered").wait_for()
    wait_idle(page)
    groups = page.locator("[data-testid='stRadio']")
    groups.nth(0).get_by_text("1", exact=True).click()
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop = storage.workshop_by_code(engine, re.search(r"w=([A-Z0-9]+)", page.url).group(1))
    mette = storage.list_participants(engine, workshop.id)[0]
    for _ in range(100):  # the answer is saved by the server, not kept in the browser
        if storage.participant_answers(engine, mette.id)["product.primary_need"] == 1:
            break
        page.wait_for_timeout(100)
    assert storage.participant_answers(engine, mette.id)["product.primary_need"] == 1
    page.reload()
    page.get_by_text(f"{total} of {total} statements answered").wait_for()
    checked = groups.nth(0).locator("input[type='radio']:checked")
    expect(checked).to_have_count(1)
    assert checked.evaluate("el => el.closest('label').innerText").strip() == "1"
    page.close()


@pytest.mark.parametrize("path", ["assess", "kpis", "results", "actions"])
def test_deep_link_without_workshop_shows_no_exception(app_server: AppServer, browser,  # noqa: ANN001
                                                       path: str) -> None:
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_server.url}/{path}")
    page.get_by_text("No workshop is open in this browser").wait_for()
    assert_no_exception(page)
    page.close()


def test_language_switch_survives_page_changes(app_server: AppServer, browser) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    wait_idle(page)
    switch_language(page, "Dansk")
    page.get_by_role("button", name="Start med eksempelvirksomheden").click()
    page.get_by_role("heading", name="Vurdér lagene").wait_for()
    page.get_by_role("link", name="Resultater").first.click()
    page.get_by_role("heading", name="Her skal I sætte ind først").wait_for()
    page.reload()
    page.get_by_role("heading", name="Her skal I sætte ind først").wait_for()
    assert_no_exception(page)
    page.close()


def test_the_facilitator_key_is_written_to_the_browser_once_a_day(app_server: AppServer,
                                                                    browser) -> None:  # noqa: ANN001
    """The key's cookie carries the day it was set: a reload the same day writes nothing (no
    script on the page), a cookie from an earlier day is written again, and either way the
    reload still opens the workshop."""
    context = browser.new_context()
    page = context.new_page()
    start_sample(page, app_server.url)
    code = re.search(r"w=([A-Z0-9]+)", page.url).group(1)
    name = f"skab_fk_{code}"

    def cookie() -> str:
        return {c["name"]: c["value"] for c in context.cookies()}.get(name, "")

    today = date.today().strftime("%Y%m%d")
    key, _, day = cookie().partition(".")
    assert key and day == today
    script = page.locator("[class*='st-key-skab_js_key']")

    page.reload()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    wait_idle(page)
    expect(script).to_have_count(0)
    assert cookie() == f"{key}.{today}"

    context.add_cookies([{"name": name, "value": f"{key}.20260101", "url": app_server.url}])
    page.reload()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    expect(script).to_have_count(1)
    for _ in range(100):
        if cookie() == f"{key}.{today}":
            break
        page.wait_for_timeout(100)
    assert cookie() == f"{key}.{today}"
    context.close()
