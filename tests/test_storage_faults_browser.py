"""SQLite going read-only or vanishing under a running app, as a phone and a facilitator see it.

Issue 15.3: a read-only database file put a traceback on the phone; now the answer waits on the
page, is named as not saved yet, and is saved by itself once the file takes writes again.
Issue 16.2: with the database folder removed, answers, new workshops and joins all looked saved
and were gone after a restart; now every write fails visibly and no empty database appears.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from loyalty_model.model import Model
from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception

pytestmark = pytest.mark.browser
TIMEOUT = 30_000
RECOVERY = 45_000
PHONE = {"width": 390, "height": 844}
UNAVAILABLE = "The database cannot be reached right now"
NOT_SAVED_YET = "Not saved yet"


def assert_clean(page: Page, *secrets: str) -> None:
    assert_no_exception(page)
    text = page.locator("[data-testid='stApp']").inner_text()
    for word in ("Traceback", "OperationalError", "sqlite", "readonly", ".db", *secrets):
        assert word not in text, f"{word!r} on screen: {text[:400]}"


def phone_page(browser, url: str) -> Page:  # noqa: ANN001
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    return page


def tap(page: Page, index: int, value: str) -> None:
    page.locator("[data-testid='stRadio']").nth(index).get_by_text(value, exact=True).tap()


def checked(page: Page, index: int, value: str):  # noqa: ANN201 (playwright Locator)
    return page.locator("[data-testid='stRadio']").nth(index).get_by_role("radio", name=value)


def stored(engine, participant_id: int, expected: dict, seconds: float = 20) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while (found := storage.participant_answers(engine, participant_id)) != expected:
        if time.monotonic() > deadline:
            break
        time.sleep(0.3)
    return found


def test_a_read_only_database_keeps_the_answer_and_saves_it_once_writable(
        browser, tmp_path: Path, model: Model) -> None:  # noqa: ANN001
    db = tmp_path / "skab.db"
    engine = storage.make_engine(f"sqlite:///{db}")
    workshop, _ = storage.create_workshop(engine, "Read-only drill", "Support")
    kim = storage.join_workshop(engine, workshop.id, "Kim")
    db.chmod(0o444)
    # as root file modes bind only without the capability that overrides them
    prefix = (["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
              if os.geteuid() == 0 else [])
    server = AppServer(db, tmp_path / "streamlit.log", prefix=prefix).start()
    try:
        phone = phone_page(browser, f"{server.url}/?join={workshop.code}&p={kim.token}")
        phone.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
        tap(phone, 0, "3")
        phone.get_by_text(NOT_SAVED_YET).wait_for()
        expect(checked(phone, 0, "3")).to_be_checked()
        assert_clean(phone, str(tmp_path))
        assert storage.participant_answers(engine, kim.id) == {}

        db.chmod(0o644)  # fixed by the operator: the page notices by itself
        expect(phone.get_by_text(NOT_SAVED_YET)).to_have_count(0, timeout=RECOVERY)
        first = model.layers[0].statements[0].id
        assert stored(engine, kim.id, {first: 3}) == {first: 3}
        assert_clean(phone, str(tmp_path))
        assert "read-only" in server.log() and "Traceback" not in server.log()
    finally:
        server.stop()
        engine.dispose()


def test_a_removed_database_folder_is_never_reported_as_saved(browser, tmp_path: Path,  # noqa: ANN001
                                                              model: Model) -> None:
    folder = tmp_path / "data"
    server = AppServer(folder / "skab.db", tmp_path / "streamlit.log").start()
    engine = storage.make_engine(f"sqlite:///{folder / 'skab.db'}")
    try:
        workshop, _ = storage.create_workshop(engine, "Vanishing drill", "Support")
        phone = phone_page(browser, f"{server.url}/?join={workshop.code}")
        phone.get_by_role("button", name="Join").click()
        phone.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
        tap(phone, 0, "4")
        kim = storage.list_participants(engine, workshop.id)[0]
        first = model.layers[0].statements[0].id
        assert stored(engine, kim.id, {first: 4}) == {first: 4}
        engine.dispose()

        shutil.rmtree(folder)
        tap(phone, 1, "2")  # an answer: not saved, and it says so
        phone.get_by_text(NOT_SAVED_YET).wait_for()
        expect(checked(phone, 1, "2")).to_be_checked()
        assert_clean(phone)

        newcomer = phone_page(browser, f"{server.url}/?join={workshop.code}")  # a join
        newcomer.get_by_text(UNAVAILABLE).wait_for()
        assert_clean(newcomer)

        facilitator = browser.new_page(viewport={"width": 1280, "height": 900})
        facilitator.set_default_timeout(TIMEOUT)
        facilitator.goto(server.url)  # a new workshop
        facilitator.get_by_role("textbox", name="Workshop name").fill("After the loss")
        facilitator.get_by_role("textbox", name="Team or company").fill("Support")
        facilitator.get_by_role("button", name="Create workshop").click()
        facilitator.get_by_text(UNAVAILABLE).wait_for()
        expect(facilitator.get_by_role("heading", name="Run the workshop live")).to_have_count(0)
        assert_clean(facilitator)

        phone.wait_for_timeout(3000)  # the retries run on: still nothing pretends to be saved
        expect(phone.get_by_text(NOT_SAVED_YET)).to_be_visible()
        assert not folder.exists(), "a fresh, empty database was created in its place"
    finally:
        server.stop()
