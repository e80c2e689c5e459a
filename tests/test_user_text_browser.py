"""Names and file names with markdown and HTML are text on every screen, in real Chromium.

Issue 16.4: a workshop named "[Log in again](https://evil.example/login)" was a clickable link
in every facilitator page's caption, and upload file names too. Here the workshop, the team, a
participant and an uploaded file carry markdown, HTML and Streamlit's own markup; no screen may
turn any of it into a link, a tag or formatting, and each must show it as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import wait_idle

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
LINK = "[Log in again](https://evil.example/login)"
HTML = "<b>Team</b><img src=x onerror=window.hacked=1>"
PERSON = "**Anna** :red[alarm] www.evil.example"
FILE = "[kpis](https:evil.example) <img src=x onerror=window.hacked=2> www.evil.example.csv"


def shows(page: Page, text: str, timeout: float = TIMEOUT) -> None:
    """`text` is on the screen as typed (the invisible word joiners that keep addresses from
    becoming links aside)."""
    page.wait_for_function(
        "text => document.body.innerText.replaceAll('\\u2060', '').includes(text)",
        arg=text, timeout=timeout)


def assert_inert(page: Page) -> None:
    """Nothing a person typed became a link, a tag or formatting."""
    main = page.locator("[data-testid='stApp']")
    assert main.locator("a[href*='evil.example']").count() == 0
    assert main.locator("img[src='x']").count() == 0
    assert main.locator("b", has_text="Team").count() == 0
    assert main.locator("strong", has_text="Anna").count() == 0
    assert page.evaluate("() => window.hacked === undefined")
    assert_no_exception(page)


def test_names_and_file_names_are_text_on_every_screen(app_server: AppServer, browser,  # noqa: ANN001
                                                       tmp_path: Path) -> None:
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop, key = storage.create_workshop(engine, LINK, HTML)
    storage.add_participant(engine, workshop.id, PERSON)
    engine.dispose()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_server.url}/facilitate?w={workshop.code}&k={key}")
    shows(page, f"Workshop: {LINK} · team {HTML}")
    shows(page, PERSON)  # who is in the room
    assert_inert(page)

    for link, heading in (("Rate the layers", "Rate the layers"),
                          ("Action plan", "Action plan"),
                          ("Start", "Skab promoters")):
        page.get_by_role("link", name=link).first.click()
        page.get_by_role("heading", name=heading).first.wait_for()
        wait_idle(page)
        shows(page, LINK)
        assert_inert(page)

    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
    upload = tmp_path / FILE
    upload.write_text("kpi,value,period\nnps,31,2026-Q1\nnps,lots,2026-Q2\n")
    page.locator("input[type='file']:not([multiple])").set_input_files(str(upload))
    shows(page, f"1 of 2 rows in {FILE} cannot be used")
    assert_inert(page)

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{app_server.url}/?join={workshop.code}")
    shows(phone, LINK)
    phone.get_by_role("textbox", name="Your name (optional)").fill(PERSON)
    phone.get_by_role("button", name="Join").click()
    phone.wait_for_url(re.compile(r"[?&]p="))
    shows(phone, f"{LINK} · {PERSON}")
    assert_inert(phone)
