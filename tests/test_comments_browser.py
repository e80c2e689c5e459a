"""Comments per layer in real Chromium: typed on phones, kept across a refresh and a "Next",
seen live by the facilitator, marked for discussion, and printed under the layer in the PDF.

Screenshots land in test-artifacts/ for a human look.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception
from tests.pdf_text import pdf_text
from tests.test_live_browser import PHONE, TIMEOUT, shot, wait_idle

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1440, "height": 900}
LIVE_TIMEOUT = 30_000
BOX = "What would a customer say here?"
HOSTILE = "<b>bold</b> [link](https://evil.example) =1+1"


def phone(browser, server: AppServer, code: str, name: str):  # noqa: ANN001, ANN201
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/?join={code}&lang=en")
    page.get_by_role("textbox", name="Your name (optional)").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
    expect(page.get_by_text("Names shown: the facilitator sees your name")).to_be_visible(
        timeout=TIMEOUT)
    page.locator("[data-testid='stRadio']").nth(0).get_by_text("4", exact=True).click()
    page.get_by_text(re.compile(r"^1 of \d+ statements answered")).wait_for()
    return page


def test_comments_flow_from_phones_to_the_facilitator_and_the_pdf(
        app_server: AppServer, browser, tmp_path: Path) -> None:  # noqa: ANN001
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop, key = storage.create_workshop(engine, "Q1 voices", "Support",
                                            anonymity="names_shown")
    anna = phone(browser, app_server, workshop.code, "Anna")
    box = anna.get_by_role("textbox", name=BOX)
    box.fill("They say we answer fast but fix slowly")
    expect(anna.get_by_text("38/500")).to_be_visible(timeout=TIMEOUT)  # the limit, in the box
    anna.get_by_role("button", name="Next: Communication →").click()  # no blur, no Ctrl+Enter
    anna.get_by_role("heading", name="Layer 2 of 5: Communication").wait_for()
    anna.get_by_role("button", name="← Back").click()
    anna.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
    expect(anna.get_by_role("textbox", name=BOX)).to_have_value(
        "They say we answer fast but fix slowly", timeout=TIMEOUT)

    bo = phone(browser, app_server, workshop.code, "Bo")
    bo_box = bo.get_by_role("textbox", name=BOX)
    bo_box.fill(HOSTILE)
    bo_box.press("Control+Enter")
    wait_idle(bo)
    bo.reload()  # nothing lost on refresh
    bo.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
    expect(bo.get_by_role("textbox", name=BOX)).to_have_value(HOSTILE, timeout=TIMEOUT)
    shot(bo, "comments_phone_en")
    stored = {c.text: c.author for c in storage.workshop_comments(engine, workshop.id)}
    assert stored == {"They say we answer fast but fix slowly": "Anna", HOSTILE: "Bo"}

    facilitator = browser.new_context(viewport=PROJECTOR).new_page()
    facilitator.set_default_timeout(TIMEOUT)
    facilitator.goto(f"{app_server.url}/facilitate?w={workshop.code}&k={key}&lang=en")
    # as typed, as text (an invisible word joiner keeps the address from becoming a link)
    expect(facilitator.get_by_text("<b>bold</b> [link](https:")).to_be_visible(
        timeout=LIVE_TIMEOUT)
    expect(facilitator.get_by_text("They say we answer fast but fix slowly")).to_be_visible()
    expect(facilitator.get_by_text("Anna", exact=True)).to_be_visible()
    expect(facilitator.locator("a[href*='evil.example']")).to_have_count(0)  # text, not a link
    expect(facilitator.locator("[data-testid='stMarkdown'] b")).to_have_count(0)
    wait_idle(facilitator)
    facilitator.get_by_text("Tick the comments to discuss").click()  # built once opened
    checkbox = facilitator.locator("[data-testid='stCheckbox']")
    expect(checkbox).to_have_count(2)
    expect(checkbox.locator("b")).to_have_count(0)  # each labelled with its comment, as typed
    checkbox.filter(has_text="<b>bold</b>").locator("label").click()  # Bo's
    marked = [c for c in storage.workshop_comments(engine, workshop.id) if c.marked]
    for _ in range(50):
        if marked:
            break
        facilitator.wait_for_timeout(200)
        marked = [c for c in storage.workshop_comments(engine, workshop.id)
                           if c.marked]
    assert [c.text for c in marked] == [HOSTILE]
    expect(facilitator.get_by_text("Marked for discussion · Bo")).to_be_visible()  # in the list
    wait_idle(facilitator)
    assert_no_exception(facilitator)
    shot(facilitator, "comments_live_en")

    facilitator.goto(f"{app_server.url}/results?w={workshop.code}&lang=en")
    facilitator.get_by_text("Take it home: report, slide deck and data files").click()
    button = facilitator.get_by_role("button", name="Report (PDF)")
    button.wait_for()
    with facilitator.expect_download(timeout=120_000) as download:
        button.click()
    text = pdf_text(download.value.path(), layout=True)
    flat = " ".join(text.split())
    assert "What a customer would say, in the team's words" in flat
    product, communication = flat.index("Layer 1 of 5"), flat.index("Layer 2 of 5")
    assert product < flat.index(HOSTILE) < flat.index("They say we answer fast") < communication
    assert "Marked for discussion · Bo" in flat and "Anna" in flat
    engine.dispose()
    for page in (anna, bo, facilitator):
        page.context.close()


def test_a_comment_typed_while_the_database_is_read_only_is_kept_and_saved_later(
        browser, tmp_path: Path) -> None:  # noqa: ANN001
    """As an answer is (tests/test_storage_faults_browser.py): kept in the box, said to be not
    saved, and saved by itself once the file takes writes again, without a reload."""
    db = tmp_path / "skab.db"
    engine = storage.make_engine(f"sqlite:///{db}")
    workshop, _ = storage.create_workshop(engine, "Read-only drill", "Support")
    kim = storage.join_workshop(engine, workshop.id, "Kim")
    db.chmod(0o444)
    prefix = (["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
              if os.geteuid() == 0 else [])  # as root, file modes bind only without these
    server = AppServer(db, tmp_path / "streamlit.log", prefix=prefix).start()
    try:
        page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/?join={workshop.code}&p={kim.token}")
        page.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
        box = page.get_by_role("textbox", name=BOX)
        box.fill("Customers wait too long")
        box.press("Control+Enter")
        page.get_by_text("Your comment on Product is not saved yet").wait_for()
        expect(box).to_have_value("Customers wait too long")
        assert_no_exception(page)
        assert storage.participant_comments(engine, kim.id) == {}

        db.chmod(0o644)
        expect(page.get_by_text("Your comment on Product is not saved yet")).to_have_count(
            0, timeout=45_000)
        deadline = time.monotonic() + 20
        while not storage.participant_comments(engine, kim.id) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert storage.participant_comments(engine, kim.id) == {
            "product": "Customers wait too long"}
        assert "Traceback" not in server.log()
        page.context.close()
    finally:
        server.stop()
        engine.dispose()
