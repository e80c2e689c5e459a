"""Two app servers on one PostgreSQL act as one workshop, in real Chromium (issue 13.4).

Hosted use runs several Streamlit processes behind a proxy with sticky sessions
(docs/deployment.md). Everything that matters across them lives in the database: answers,
who joined, whether results are revealed, and the join-code limits. Here two real servers share
one real PostgreSQL: 20 participants join and rate, alternately through each server; the
facilitator, open on each server, sees every answer; and wrong join codes typed through both
servers add up to one limit per client address (the proxy reports the address,
SKAB_TRUSTED_PROXIES), so a client cannot get twice the guesses by being balanced over two.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from benchmarks.room_phones import answer, run_room
from loyalty_model.model import Model
from loyalty_model.workshop import storage
from loyalty_model.workshop.access import (
    CLIENT_FAILURES,
    FREE_ATTEMPTS,
    JoinLimits,
    SessionGuard,
    client_scope,
)
from tests.conftest import AppServer, assert_no_exception
from tests.postgres import fresh_schema_url

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
TIMEOUT = 60_000
PARTICIPANTS = 20
CONTEXTS = 4  # browser contexts the 20 share (cache and cookies); sessions and tokens are apart
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1440, "height": 900}
GUESSER = "198.51.100.23"  # one client, as the proxy reports it
SLOW_DOWN = "Too many wrong codes"
UNKNOWN = "There is no workshop with that code"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[tuple[str, list[AppServer]]]:
    """Two app servers on one fresh PostgreSQL schema, both trusting the local proxy."""
    with fresh_schema_url() as url:
        env = {"SKAB_DATABASE_URL": url, "SKAB_TRUSTED_PROXIES": "127.0.0.1"}
        apps = [AppServer(tmp_path / f"unused{n}.db", tmp_path / f"app{n}.log", env=env)
                for n in range(2)]
        try:
            for app in apps:
                app.start()
            yield url, apps
        finally:
            for app in apps:
                app.stop()


def metric(page: Page, label: str):  # noqa: ANN201 (playwright Locator)
    return page.locator(".skab-figure").filter(has_text=label).locator(
        ".skab-figure-value")  # the join code, or a live figure


def facilitator(browser, app: AppServer, code: str, key: str) -> Page:  # noqa: ANN001
    page = browser.new_context(viewport=PROJECTOR).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app.url}/facilitate?w={code}&k={key}")
    expect(metric(page, "Join code")).to_have_text(code, timeout=TIMEOUT)
    return page


def join_form(browser, app: AppServer) -> Page:  # noqa: ANN001
    """A phone on the join form, its requests arriving through the proxy from GUESSER."""
    context = browser.new_context(viewport=PHONE, extra_http_headers={"X-Forwarded-For": GUESSER})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app.url}/?join=")
    page.get_by_role("textbox", name="Workshop code").wait_for()
    return page


def misses(engine) -> int:  # noqa: ANN001
    table = storage.join_failures
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)
                            .where(table.c.scope == client_scope(GUESSER))).scalar_one()


def try_code(page: Page, engine, code: str, expected: str) -> None:  # noqa: ANN001
    """Submit `code` and wait for the answer `expected` (and, for a miss, for it to count)."""
    before = misses(engine)
    page.get_by_role("textbox", name="Workshop code").fill(code)
    page.get_by_role("button", name="Join").click()
    if expected == UNKNOWN:  # wait until the server has counted it (the error text may be
        waited = 0  # left from the previous try)
        while misses(engine) == before and waited < TIMEOUT:
            page.wait_for_timeout(200)
            waited += 200
        assert misses(engine) == before + 1, "the miss was not counted"
    expect(page.get_by_text(expected)).to_be_visible(timeout=TIMEOUT)
    assert_no_exception(page)


def test_two_servers_one_postgres_act_as_one_workshop(servers, browser,  # noqa: ANN001
                                                      model: Model) -> None:
    url, (first, second) = servers
    engine = storage.make_engine(url)
    workshop, key = storage.create_workshop(engine, "Two servers", "Support")
    projector = facilitator(browser, second, workshop.code, key)

    # 20 participants, even ones through the first server and odd ones through the second,
    # each a page, session and participant of its own, joining by code and rating the first
    # layer (the benchmark's core, in its own thread: it drives Chromium with Playwright's
    # async API; 4 contexts, 2 per server, share a cache so 20 pages load on 2 cores in time)
    with ThreadPoolExecutor(1) as pool:
        room = pool.submit(run_room, [first.url, second.url], engine, workshop.code, key,
                           PARTICIPANTS, 0.5, None, -1, 1, CONTEXTS).result()
    assert room.failures() == [], (first.log() + second.log())[-3000:]
    assert room.lost() == [] and room.refused() == []
    people = storage.list_participants(engine, workshop.id)
    assert len(people) == PARTICIPANTS
    by_id = {phone.participant_id: phone.number for phone in room.phones}
    layer = model.layers[0]
    for person in people:
        assert storage.participant_answers(engine, person.id) == {
            s.id: answer(by_id[person.id], 0, i) for i, s in enumerate(layer.statements)}
    total = PARTICIPANTS * len(layer.statements)

    # the facilitator sees every answer on either server, whichever server took it
    other = facilitator(browser, first, workshop.code, key)
    for page in (projector, other):
        expect(metric(page, "Joined")).to_have_text(str(PARTICIPANTS), timeout=TIMEOUT)
        expect(metric(page, "Answers")).to_have_text(str(total), timeout=TIMEOUT)
        assert_no_exception(page)

    # live state is shared too: results revealed on the second server reach a phone on the
    # first one, by themselves (the phone's timed check), with no reload
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(room.phones[0].link)  # phone 0 joined through the first server
    assert phone.url.startswith(first.url)
    phone.get_by_text("The room's results appear here").wait_for()
    projector.get_by_role("button", name="Show the results to the room").click()
    expect(phone.get_by_role("heading", name="The room's results")).to_be_visible(timeout=TIMEOUT)
    assert storage.get_workshop(engine, workshop.id).revealed
    assert_no_exception(phone)
    for page in (projector, other, phone):
        page.context.close()

    # wrong codes through both servers count against one limit for the client
    phones = {name: join_form(browser, app) for name, app in
              (("a", first), ("b", second), ("b_later", second), ("a_later", first))}
    earlier = CLIENT_FAILURES - 2 * FREE_ATTEMPTS  # earlier misses from this client this minute
    limits = JoinLimits(engine)
    for _ in range(earlier):
        limits.failed(SessionGuard(), GUESSER)
    for n in range(FREE_ATTEMPTS):
        try_code(phones["b"], engine, f"WRONGB{n}", UNKNOWN)
    # through the second server alone the client is still under its allowance...
    try_code(phones["b_later"], engine, "WRONGB9", UNKNOWN)
    for n in range(FREE_ATTEMPTS):
        try_code(phones["a"], engine, f"WRONGA{n}", UNKNOWN)
    assert misses(engine) == CLIENT_FAILURES + 1
    # ...the misses through the first server put it over, on both servers
    try_code(phones["b_later"], engine, "WRONGB8", SLOW_DOWN)
    try_code(phones["a_later"], engine, "WRONGA9", SLOW_DOWN)
    assert misses(engine) == CLIENT_FAILURES + 1  # a held look-up is not a miss
    for page in phones.values():
        page.context.close()
    engine.dispose()
