"""What the room sees, in real Chromium: a projector that never shows a secret, a workshop in the
facilitator's language, a join link phones can open, and progress and names that tell the truth.

The facilitator uses a 1440×900 "projector"; participants use 390×844 phones.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from loyalty_model.model import Model
from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import switch_language

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
LIVE_TIMEOUT = 15_000
PROJECTOR = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def wait_idle(page: Page) -> None:
    page.wait_for_timeout(250)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=TIMEOUT)


def metric(page: Page, label: str):  # noqa: ANN201 (playwright Locator)
    return page.locator(".skab-figure").filter(has_text=label).locator(
        ".skab-figure-value")  # the join code, or a live figure


def create_workshop(page: Page, create: str = "Create workshop") -> None:
    page.get_by_role("textbox").nth(0).fill("Q1 live")
    page.get_by_role("textbox").nth(1).fill("Support")
    page.get_by_role("button", name=create).click()


def test_the_projector_never_shows_the_facilitator_key(app_server: AppServer, browser,  # noqa: ANN001
                                                       model: Model) -> None:
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    create_workshop(page)

    # the key, once, alone: no join code or QR code beside it, and never in the address bar
    box = page.locator(".st-key-facilitator_key_box")
    heading = box.get_by_role("heading", name=re.compile("Save your facilitator link"))
    expect(heading).to_be_visible()
    link = box.locator("[data-testid='stCode']").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(app_server.url)}/facilitate\?w=[A-Z0-9]{{6}}&k=\S+", link)
    key = link.split("&k=")[1]
    code = re.search(r"w=([A-Z0-9]+)", link).group(1)
    wait_idle(page)
    assert "k=" not in page.url and f"w={code}" in page.url
    expect(page.locator(".skab-figure")).to_have_count(0)
    expect(page.locator(".skab-qr")).to_have_count(0)

    box.get_by_role("button", name="I saved it").click()
    expect(metric(page, "Join code")).to_have_text(code)
    expect(page.locator(".skab-qr svg")).to_be_visible()  # the QR code
    expect(box).to_have_count(0)
    wait_idle(page)
    assert key not in page.locator("body").inner_text() and key not in page.url
    # the join link is built from the address the facilitator's browser used, and a loopback
    # address is named as useless for phones, with the fix
    expect(page.get_by_text(f"{app_server.url}/?join={code}")).to_be_visible()
    warning = page.locator("[data-testid='stAlert']").filter(has_text="only works on this computer")
    expect(warning).to_contain_text("SKAB_PUBLIC_URL")
    assert_no_exception(page)

    # a refresh keeps the facilitator view (the browser remembers the key), still without it
    page.reload()
    expect(metric(page, "Join code")).to_have_text(code)
    wait_idle(page)
    assert key not in page.locator("body").inner_text() and "k=" not in page.url
    expect(page.locator(".st-key-facilitator_key_box")).to_have_count(0)

    # the saved link works on another device, and leaves the address bar at once
    other = browser.new_context(viewport=PROJECTOR).new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(link)
    expect(metric(other, "Join code")).to_have_text(code)
    wait_idle(other)
    assert "k=" not in other.url
    other.context.close()

    # anonymous participants are numbered in the room, never shown by database id; the
    # projected disagreement uses the 1-5 scale of the statements
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop = storage.workshop_by_code(engine, code)
    for _ in range(12):  # another workshop first, so database ids and places differ
        storage.add_participant(engine, storage.create_workshop(engine, "Other", "T")[0].id)
    low, high = (storage.join_workshop(engine, workshop.id) for _ in range(2))
    for statement in model.layer("product").statements:
        storage.save_rating(engine, low, statement.id, 1)
        storage.save_rating(engine, high, statement.id, 5)
    expect(page.get_by_text("In the room: Participant 1, Participant 2")).to_be_visible(
        timeout=LIVE_TIMEOUT)
    assert "#" not in page.get_by_text("In the room:").inner_text()
    first = model.layer("product").statements[0].text("en")
    expect(page.get_by_text(f"{first} (disagreement 2.0)")).to_be_visible()
    expect(page.get_by_text(re.compile(r"standard deviation of the ratings on the 1–5 scale"))
           ).to_be_visible()
    assert_no_exception(page)
    engine.dispose()
    context.close()


def test_a_danish_facilitator_gets_a_danish_workshop(app_server: AppServer, browser) -> None:  # noqa: ANN001
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    wait_idle(page)  # the start page has been drawn in English first
    switch_language(page, "Dansk")
    expect(page.locator("[class*='st-key-new_lang']").get_by_role("radio", checked=True)
           ).to_have_text("Dansk")  # the workshop's language has followed the screen's
    create_workshop(page, create="Opret workshop")
    page.get_by_role("button", name="Jeg har gemt det").click()
    expect(page.get_by_text("Deltagernes skærme åbner på dansk.")).to_be_visible()
    code = re.search(r"w=([A-Z0-9]+)", page.url).group(1)

    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    assert storage.workshop_by_code(engine, code).language == "da"
    engine.dispose()
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{app_server.url}/?join={code}")
    expect(phone.get_by_role("heading", name="Deltag i workshoppen")).to_be_visible()
    phone.get_by_role("button", name="Deltag").click()
    expect(phone.get_by_role("heading", name="Lag 1 af 5: Produkt")).to_be_visible()
    assert_no_exception(phone)
    phone.context.close()
    page.context.close()


def test_the_join_link_uses_the_public_address(tmp_path: Path, browser,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKAB_PUBLIC_URL", "https://skab.example.com/")
    server = AppServer(tmp_path / "app.db", tmp_path / "streamlit.log").start()
    try:
        engine = storage.make_engine(f"sqlite:///{server.db_path}")
        workshop, key = storage.create_workshop(engine, "Hosted", "Team")
        engine.dispose()
        page = browser.new_context(viewport=PROJECTOR).new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/facilitate?w={workshop.code}&k={key}")
        expect(metric(page, "Join code")).to_have_text(workshop.code)
        expect(page.get_by_text(f"https://skab.example.com/?join={workshop.code}")).to_be_visible()
        wait_idle(page)
        expect(page.get_by_text("only works on this computer")).to_have_count(0)
        page.context.close()
    finally:
        server.stop()


def test_the_last_layer_says_what_is_still_open(app_server: AppServer, browser) -> None:  # noqa: ANN001
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    page.get_by_role("button", name="Start with the sample company").click()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Add a participant").click()
    wait_idle(page)
    page.get_by_role("button", name="Add and start rating").click()
    page.get_by_text(re.compile(r"^0 of \d+ statements answered$")).wait_for()
    wait_idle(page)
    page.get_by_role("button", name=re.compile(r"^5\. WOW")).click()
    page.get_by_role("heading", name="Layer 5 of 5: WOW").wait_for()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"statements are still open: Product \(\d+\)"))
           ).to_be_visible()
    expect(page.get_by_role("link", name="All layers done: on to the KPIs")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("On to the KPIs"))).to_be_visible()
    # the new participant is "Participant 6" after the sample's five, not a database id
    who = page.locator("[class*='st-key-who_rates']")
    expect(who.locator("[data-testid='stBaseButton-secondary']")).to_have_text("Participant 6")
    assert_no_exception(page)
    page.context.close()
