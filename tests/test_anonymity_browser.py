"""An aggregates-only workshop in real Chromium: chosen on the start page, explained on the
phones, and with two people rating nothing is shown; with three it is.

Screenshots (English and Danish, phone 390x844 and facilitator 1440x900) land in
test-artifacts/ for a human look.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception
from tests.test_live_browser import PHONE, TIMEOUT, shot, wait_idle

pytestmark = pytest.mark.browser
PROJECTOR = {"width": 1440, "height": 900}
LIVE_TIMEOUT = 30_000  # several ticks of the live view on a busy two-core machine
TEXT = {
    "en": {"create": "Create workshop", "name": "Workshop name", "team": "Team or company",
           "level": "Anonymity", "aggregates": "Aggregates only", "saved": "I saved it",
           "join": "Join", "layer": "Layer 1 of 5: Product",
           "all_statements": "Every statement: the room's rating and disagreement",
           "explain": "Aggregates only: your name is not kept",
           "held": "1 statement has answers that are not shown yet",
           "nothing": "No ratings and no KPIs yet"},
    "da": {"create": "Opret workshop", "name": "Navn på workshoppen",
           "team": "Team eller virksomhed",
           "level": "Anonymitet", "aggregates": "Kun samlede tal", "saved": "Jeg har gemt det",
           "join": "Deltag", "layer": "Lag 1 af 5: Produkt",
           "all_statements": "Alle udsagn: deltagernes vurdering og uenighed",
           "explain": "Kun samlede tal: dit navn gemmes ikke",
           "held": "1 udsagn har svar, der ikke vises endnu",
           "nothing": "Der er endnu ingen vurderinger"},
}


def phone(browser, server: AppServer, code: str, lang: str, name: str | None = None):  # noqa: ANN001, ANN201
    """A participant joining by link (no name field: none is kept), or by typing the code and
    a name into the join form, which is then not stored."""
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/?join={'' if name else code}&lang={lang}")
    page.get_by_role("button", name=TEXT[lang]["join"]).wait_for()
    if name:
        page.get_by_role("textbox").nth(0).fill(code)
        page.get_by_role("textbox").nth(1).fill(name)
    else:
        expect(page.get_by_text(TEXT[lang]["explain"])).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_role("textbox")).to_have_count(0)
    page.get_by_role("button", name=TEXT[lang]["join"]).click()
    page.get_by_role("heading", name=TEXT[lang]["layer"]).wait_for()
    return page


def rate_first(page, value: str) -> None:  # noqa: ANN001
    wait_idle(page)  # the page has settled: nothing above the radio moves it under the click
    page.locator("[data-testid='stRadio']").nth(0).get_by_text(value, exact=True).click()
    page.get_by_text(re.compile(r"^1 (of|af) \d+")).wait_for()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_aggregates_only_shows_nothing_with_two_and_results_with_three(
        app_server: AppServer, browser, lang: str) -> None:  # noqa: ANN001
    words = TEXT[lang]
    facilitator = browser.new_context(viewport=PROJECTOR).new_page()
    facilitator.set_default_timeout(TIMEOUT)
    facilitator.goto(f"{app_server.url}/?lang={lang}")
    facilitator.get_by_role("textbox", name=words["name"]).fill("Q1 anonymous")
    facilitator.get_by_role("textbox", name=words["team"]).fill("Support")
    facilitator.locator("[class*='st-key-new_anonymity']").get_by_role(
        "radio", name=words["aggregates"]).click()
    wait_idle(facilitator)
    shot(facilitator, f"anonymity_start_{lang}")
    facilitator.get_by_role("button", name=words["create"]).click()
    facilitator.get_by_role("button", name=words["saved"]).click()
    code = facilitator.locator(".skab-join-code .skab-figure-value").inner_text().strip()
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop = storage.workshop_by_code(engine, code)
    assert (workshop.anonymity, workshop.smallest_group) == ("aggregates_only", 3)

    phones = [phone(browser, app_server, code, lang, name="Secret Name") for _ in range(2)]
    expect(phones[0].get_by_text(words["explain"])).to_be_visible(timeout=TIMEOUT)
    for page, value in zip(phones, ("5", "3"), strict=True):
        rate_first(page, value)
    shot(phones[0], f"anonymity_phone_{lang}")
    assert [p.name for p in storage.list_participants(engine, workshop.id)] == [None, None]

    expect(facilitator.get_by_text(words["held"])).to_be_visible(timeout=LIVE_TIMEOUT)
    wait_idle(facilitator)
    assert_no_exception(facilitator)
    live = facilitator.locator("table.skab-table").first
    expect(live).not_to_contain_text(re.compile(r"\b(67|75|100)\b"))  # no score of 5 and 3
    expect(facilitator.locator(".skab-chart")).to_have_count(0)
    shot(facilitator, f"anonymity_live_two_{lang}")
    facilitator.goto(f"{app_server.url}/results?w={code}&lang={lang}")
    expect(facilitator.get_by_text(words["nothing"])).to_be_visible(timeout=TIMEOUT)
    wait_idle(facilitator)
    assert_no_exception(facilitator)

    third = phone(browser, app_server, code, lang)
    rate_first(third, "1")  # 5, 3, 1: mean 3 -> team score 50
    facilitator.goto(f"{app_server.url}/facilitate?w={code}&lang={lang}")
    live = facilitator.locator("table.skab-table").first
    expect(live).to_contain_text("50", timeout=LIVE_TIMEOUT)
    every_statement = facilitator.get_by_text(words["all_statements"])
    every_statement.wait_for(timeout=LIVE_TIMEOUT)  # rated statements to show: the chart's box
    every_statement.click()  # built only while open
    expect(facilitator.locator(".skab-chart")).to_have_count(
        1, timeout=LIVE_TIMEOUT)
    wait_idle(facilitator)
    expect(facilitator.get_by_text(words["held"])).to_have_count(0)
    shot(facilitator, f"anonymity_live_three_{lang}")
    facilitator.goto(f"{app_server.url}/results?w={code}&lang={lang}")
    facilitator.locator(".skab-chart svg").first.wait_for()
    expect(facilitator.get_by_text(words["nothing"])).to_have_count(0)
    assert_no_exception(facilitator)
    engine.dispose()
    for page in (*phones, third, facilitator):
        page.context.close()
