"""A live workshop in real Chromium: a facilitator and three participants in separate browsers.

The participants rate on phone-sized screens, one refreshes half-way and carries on; the
facilitator's projected view follows by itself; a participant's link opens nothing else.
Screenshots land in test-artifacts/ for a human look.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from tests.conftest import ROOT, AppServer, assert_no_exception

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
LIVE_TIMEOUT = 15_000  # a few refresh intervals of the live view
PHONE = {"width": 390, "height": 844}
NASTY = "<b>x</b><script>window.hacked=1</script>"
ARTIFACTS = ROOT / "test-artifacts"
TOTAL = len(load_model().statements)  # 25 when this was written
FIRST_LAYER = len(load_model().layers[0].statements)


def wait_idle(page) -> None:  # noqa: ANN001 (playwright Page)
    page.wait_for_timeout(200)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT)


def shot(page, name: str) -> None:  # noqa: ANN001
    """The whole page: Streamlit scrolls inside its own container, so grow the window instead."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => document.querySelector(\"[data-testid='stMain']\").scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def join(browser, server: AppServer, code: str, name: str,  # noqa: ANN001, ANN201
         screenshot: str | None = None):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/?join={code}")
    page.get_by_role("button", name="Join").wait_for()
    if screenshot:
        shot(page, screenshot)
    if name:
        page.get_by_role("textbox", name="Your name (optional)").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
    page.wait_for_url(re.compile(r"[?&]p="))
    return page


def rate(page, labels: list[str], done_before: int, first: int = 0) -> None:  # noqa: ANN001
    """Answer statements of the current layer from `first` on, waiting for each save to show."""
    for index, label in enumerate(labels):
        group = page.locator("[data-testid='stRadio']").nth(first + index)
        group.get_by_text(label, exact=True).click()
        page.get_by_text(f"{done_before + index + 1} of {TOTAL} statements answered").wait_for()


def checked(page, index: int) -> str | None:  # noqa: ANN001
    box = page.locator("[data-testid='stRadio']").nth(index).locator("input:checked")
    return box.evaluate("el => el.closest('label').innerText").strip() if box.count() else None


def metric(page, label: str):  # noqa: ANN001, ANN201
    return page.locator(".skab-figure").filter(has_text=label).locator(
        ".skab-figure-value")  # the join code, or a live figure


def test_a_live_workshop_with_three_participants(app_server: AppServer, browser) -> None:  # noqa: ANN001
    facilitator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    facilitator = facilitator_context.new_page()
    facilitator.set_default_timeout(TIMEOUT)
    facilitator.goto(app_server.url)
    facilitator.get_by_role("textbox", name="Workshop name").fill("Q1 live")
    facilitator.get_by_role("textbox", name="Team or company").fill("Support")
    facilitator.get_by_role("button", name="Create workshop").click()
    facilitator.get_by_role("heading", name="Run the workshop live").wait_for()
    facilitator.get_by_text("This link is the key to the workshop").wait_for()
    facilitator.get_by_role("button", name="I saved it").click()  # then the projector view
    facilitator.wait_for_url(re.compile(r"[?&]w="))
    assert "k=" not in facilitator.url  # the address bar is on the projector too
    code = re.search(r"[?&]w=([A-Z0-9]+)", facilitator.url).group(1)
    expect(metric(facilitator, "Join code")).to_have_text(code)
    expect(facilitator.get_by_text(f"/?join={code}")).to_be_visible()
    expect(facilitator.locator(".skab-qr svg")).to_be_visible()  # the QR code
    expect(metric(facilitator, "Joined")).to_have_text("0")
    assert_no_exception(facilitator)

    anna = join(browser, app_server, code, "Anna", screenshot="participant-join")
    nasty = join(browser, app_server, code, NASTY)
    anonymous = join(browser, app_server, code, "")
    rate(anna, ["5", "4", "5", "4", "5", "4"][:FIRST_LAYER], 0)  # all of layer 1
    rate(anonymous, ["1", "2"], 0)

    # Bo refreshes half-way through a layer and carries on where they were
    rate(nasty, ["3", "Don't know", "2"], 0)
    nasty.reload()
    nasty.get_by_text(f"3 of {TOTAL} statements answered").wait_for()
    nasty.locator("[data-testid='stRadio']").nth(4).wait_for()
    assert [checked(nasty, i) for i in range(5)] == ["3", "Don't know", "2", None, None]
    rate(nasty, ["4", "1"], 3, first=3)  # the last two of the layer
    assert [checked(nasty, i) for i in range(5)] == ["3", "Don't know", "2", "4", "1"]
    expect(nasty.get_by_text(NASTY)).to_be_visible()  # the name as typed, not as HTML
    shot(nasty, "participant-phone")
    assert_no_exception(nasty)

    # the projected view has followed by itself: no reload, no click
    expect(metric(facilitator, "Joined")).to_have_text("3", timeout=LIVE_TIMEOUT)
    expect(metric(facilitator, "Answers")).to_have_text(str(FIRST_LAYER + 7),
                                                        timeout=LIVE_TIMEOUT)
    expect(facilitator.get_by_text(NASTY, exact=False)).to_be_visible()
    expect(facilitator.get_by_text("Anna", exact=False)).to_be_visible()
    assert facilitator.evaluate("() => window.hacked === undefined")
    assert facilitator.locator("[data-testid='stMain'] b", has_text="x").count() == 0
    wait_idle(facilitator)
    shot(facilitator, "facilitator-live")
    assert_no_exception(facilitator)

    # revealing reaches every phone by itself
    expect(anna.get_by_text("The room's results appear here")).to_be_visible()
    facilitator.get_by_role("button", name="Show the results to the room").click()
    expect(anna.get_by_role("heading", name="The room's results")).to_be_visible(
        timeout=LIVE_TIMEOUT)
    anna.get_by_role("heading", name="The room's results").scroll_into_view_if_needed()
    shot(anna, "participant-revealed")

    # a participant's link opens the participant page only, whatever path it is given
    own_link = anna.url.split("?", 1)[1]
    anna.goto(f"{app_server.url}/facilitate?{own_link}")
    anna.get_by_role("heading", name="Layer 2 of 5: Communication").wait_for()  # Anna's next
    assert "/facilitate" not in anna.url
    expect(anna.get_by_role("heading", name="Run the workshop live")).to_have_count(0)
    expect(anna.locator(".skab-figure")).to_have_count(0)
    assert anna.locator("[data-testid='stSidebarNav']").count() == 0
    anna.goto(f"{app_server.url}/facilitate?w={code}")  # the code alone is not enough
    anna.get_by_text("No workshop is open in this browser").wait_for()
    expect(anna.get_by_role("heading", name="Run the workshop live")).to_be_visible()
    expect(anna.locator(".skab-figure")).to_have_count(0)

    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop = storage.workshop_by_code(engine, code)
    assert storage.count_ratings(engine, workshop.id) == FIRST_LAYER + 7
    assert workshop.revealed
    engine.dispose()
    facilitator_context.close()


def test_links_that_are_the_first_request_after_a_start(app_server: AppServer, browser) -> None:  # noqa: ANN001
    """A deep link opened before anyone visited the root still runs through app.py: the
    facilitator's own link shows the live view, and links without the key show none of it."""
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop, key = storage.create_workshop(engine, "Fresh", "Team")
    me = storage.add_participant(engine, workshop.id, "Kim")
    engine.dispose()
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_server.url}/facilitate?w={workshop.code}&k={key}")
    page.get_by_role("heading", name="Run the workshop live").wait_for()
    page.locator(".skab-join-code").wait_for()
    assert_no_exception(page)
    for link in (f"/facilitate?join={workshop.code}&p={me.token}",
                 f"/facilitate?w={workshop.code}"):
        fresh = browser.new_page(viewport=PHONE)
        fresh.set_default_timeout(TIMEOUT)
        fresh.goto(app_server.url + link)
        fresh.get_by_text("No workshop is open in this browser").or_(
            fresh.get_by_role("heading", name="Join the workshop")).first.wait_for()
        wait_idle(fresh)
        assert fresh.locator(".skab-figure").count() == 0
        assert fresh.locator(".skab-qr").count() == 0
        assert fresh.locator("[class*='st-key-room_switches']").count() == 0
        fresh.close()
    page.close()
