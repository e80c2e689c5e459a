"""The client view in a real browser: made and filled from teams' facilitator pages, its heatmap
against each team's own results, and who can (not) open it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from loyalty_model.model import Model
from loyalty_model.workshop import links, storage
from tests.conftest import AppServer, assert_no_exception
from tests.test_clients import kpis, rate
from tests.test_journey_browser import wait_idle

pytestmark = pytest.mark.browser
LAYERS = 5
WAIT = 90_000  # ms: two shared cores, a Streamlit server and Chromium
TEAMS = {
    "Sales": ({"product": 5, "communication": 4},
              {"product_survey_score": (6.0, 8.0), "communication_score": (6.0, 8.0)}),
    "Support": ({"product": 2, "communication": 2},
                {"product_survey_score": (6.0, 8.0), "communication_score": (7.8, 8.0)}),
    "Warehouse": ({"delivery": 2}, {"on_time_delivery_rate": (0.82, 0.95)}),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("client_app")
    app = AppServer(folder / "app.db", folder / "streamlit.log").start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def teams(server: AppServer, model: Model) -> dict[str, tuple[storage.Workshop, str]]:
    """Three teams' rated workshops with KPIs, made as their facilitators would; no client yet."""
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    made = {}
    start = datetime(2026, 3, 2, tzinfo=UTC)
    for offset, (team, (rating, values)) in enumerate(TEAMS.items()):
        workshop, key = storage.create_workshop(engine, f"{team} spring", team,
                                                created_at=start + timedelta(days=offset))
        rate(engine, workshop, model, 3, rating)
        storage.save_kpis(engine, workshop.id, kpis(values))
        made[team] = (workshop, key)
    engine.dispose()
    return made


def facilitator_page(browser, server: AppServer, workshop: storage.Workshop, key: str):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/facilitate?w={workshop.code}&k={key}")
    page.get_by_text("Add this team to a client").wait_for(timeout=WAIT)
    return context, page


def main_text(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid='stMain']").inner_text()


def heatmap_cells(page) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """The client view's figures table: team → layer → "self / kpi · status"."""
    page.get_by_text("The figures as a table").click()
    table = page.locator("[data-testid='stTable'] table")
    table.wait_for(timeout=WAIT)
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    cells: dict[str, dict[str, str]] = {}
    for row in table.locator("tbody tr").all():
        values = [v.strip() for v in row.locator("th, td").all_inner_texts()]
        cells[values[0]] = dict(zip(headers[1:], values[1:], strict=True))
    return cells


def own_results(browser, server: AppServer, workshop: storage.Workshop, key: str  # noqa: ANN001
                ) -> dict[str, str]:
    """Layer → "self / kpi · status", read off the team's own results page."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/results?w={workshop.code}&k={key}")
    page.get_by_text("Layer by layer").wait_for(timeout=WAIT)
    layers = page.locator("[data-testid='stExpander'] summary").filter(
        has_text=re.compile(r" · numbers "))
    expect(layers).to_have_count(LAYERS, timeout=WAIT)
    labels = layers.all_inner_texts()
    found = {}
    for label in labels:
        match = re.search(r"\d+\. (.+?) · (.+?) · team (\S+) · numbers (\S+)", label)
        if match:
            name, status, self_score, kpi = match.groups()
            found[name] = f"{self_score} / {kpi} · {status}"
    context.close()
    return found


def test_teams_join_a_client_and_its_heatmap_is_their_own_results(
        browser, server: AppServer, teams: dict, model: Model) -> None:  # noqa: ANN001
    # the first team's facilitator makes the client; its link is shown once
    workshop, key = teams["Sales"]
    context, page = facilitator_page(browser, server, workshop, key)
    page.get_by_text("Make a new client with this team").click()
    page.get_by_role("textbox", name="Name of the client (organisation)").fill("Acme A/S")
    page.get_by_role("button", name="Make the client").click()
    box = page.locator(".st-key-client_key_box")
    box.wait_for(timeout=WAIT)
    client_link = box.locator("code").inner_text().strip()
    assert links.parse_client_link(client_link) is not None
    assert "ck=" not in page.url
    page.get_by_role("button", name="I saved it").click()
    page.get_by_text("All teams, layer by layer").wait_for(timeout=WAIT)
    assert "Client: Acme A/S · teams: 1 · workshops: 1" in main_text(page)
    context.close()

    # the other two teams' facilitators add theirs by pasting the client link
    for team in ("Support", "Warehouse"):
        workshop, key = teams[team]
        context, page = facilitator_page(browser, server, workshop, key)
        page.get_by_text("Add this team to a client").click()
        page.get_by_role("textbox", name="Client link").fill(client_link)
        page.get_by_role("button", name="Add to the client").click()
        page.get_by_text("This team is part of the client Acme A/S.").wait_for(timeout=WAIT)
        assert_no_exception(page)
        context.close()

    # the client link, in a browser of its own, shows all three, as their own results do
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(client_link)
    page.get_by_text("All teams, layer by layer").wait_for(timeout=WAIT)
    assert "teams: 3" in main_text(page)
    assert "ck=" not in page.url  # the key leaves the address bar
    cells = heatmap_cells(page)
    assert set(cells) == set(TEAMS)
    for team, (workshop, key) in teams.items():
        own = own_results(browser, server, workshop, key)
        assert len(own) == len(model.layers) == LAYERS
        assert cells[team] == own, team
    # the teams' disagreement on product is named
    text = main_text(page)
    assert re.search(r"Product: blind spot for [^.]*Sales", text)
    page.reload()  # a refresh keeps the client open (cookie), without the key in the URL
    page.get_by_text("All teams, layer by layer").wait_for(timeout=WAIT)
    assert_no_exception(page)
    context.close()


def test_a_team_facilitator_link_never_opens_the_client_view(
        browser, server: AppServer, teams: dict) -> None:  # noqa: ANN001
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    client, client_key = storage.create_client(engine, "Private client")
    workshop, key = teams["Warehouse"]
    other, other_key = storage.create_workshop(engine, "Secret", "Secret team")
    storage.attach_workshop(engine, other, other_key, client.id, client_key)
    engine.dispose()
    context, page = facilitator_page(browser, server, workshop, key)
    page.goto(f"{server.url}/client")
    page.get_by_text("A client overview puts the teams").wait_for(timeout=WAIT)
    # the facilitator key in the client's place opens nothing either
    for ck in (key, other_key):
        page.goto(f"{server.url}/client?client={client.id}&ck={ck}")
        page.get_by_text("This link does not open a client overview").wait_for(timeout=WAIT)
        text = main_text(page)
        assert "Secret team" not in text and "Private client" not in text
        assert "All teams, layer by layer" not in text
    # a participant's link, even on the client page's address, gets the join page only
    page.goto(f"{server.url}/client?join={workshop.code}&client={client.id}&ck={client_key}")
    page.get_by_role("heading", name="Join the workshop").wait_for(timeout=WAIT)
    text = main_text(page)
    assert "Secret team" not in text and "All teams, layer by layer" not in text
    assert_no_exception(page)
    context.close()


def test_another_clients_link_shows_nothing_of_this_client(
        browser, server: AppServer, teams: dict, model: Model) -> None:  # noqa: ANN001
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    mine, mine_key = storage.create_client(engine, "Mine")
    theirs, theirs_key = storage.create_client(engine, "Theirs")
    for client, client_key, team in ((mine, mine_key, "Blue team"),
                                     (theirs, theirs_key, "Red team")):
        workshop, key = storage.create_workshop(engine, f"{team} day", team)
        rate(engine, workshop, model, 3, {})
        storage.attach_workshop(engine, workshop, key, client.id, client_key)
    engine.dispose()
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(links.client_link(server.url, theirs.id, theirs_key))
    page.get_by_text("All teams, layer by layer").wait_for(timeout=WAIT)
    text = main_text(page)
    assert "Client: Theirs · teams: 1" in text
    assert "Blue team" not in text and "Mine" not in text
    assert set(heatmap_cells(page)) == {"Red team"}
    # their key with my client's number: refused, and nothing of mine or theirs shown
    page.goto(f"{server.url}/client?client={mine.id}&ck={theirs_key}")
    page.get_by_text("This link does not open a client overview").wait_for(timeout=WAIT)
    text = main_text(page)
    assert "Blue team" not in text and "Red team" not in text
    context.close()


def client_with_teams(server: AppServer, model: Model, name: str, teams: tuple[str, ...]
                      ) -> tuple[storage.Client, str, dict[str, tuple[storage.Workshop, str]]]:
    """A client holding one rated workshop per team: the client, its key and the workshops."""
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    client, client_key = storage.create_client(engine, name)
    made = {}
    for team in teams:
        workshop, key = storage.create_workshop(engine, f"{team} day", team)
        rate(engine, workshop, model, 3, {})
        storage.attach_workshop(engine, workshop, key, client.id, client_key)
        made[team] = (workshop, key)
    engine.dispose()
    return client, client_key, made


def test_on_a_phone_the_heatmap_scrolls_in_its_box_and_the_page_fits(
        browser, server: AppServer, model: Model) -> None:  # noqa: ANN001
    client, client_key, _ = client_with_teams(
        server, model, "Phone client", ("Customer service and workshop",
                                        "Warehouse and delivery", "Sales"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(links.client_link(server.url, client.id, client_key))
    page.locator("[data-testid='stVegaLiteChart'] .marks").first.wait_for(timeout=WAIT)
    fits = page.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]');
      const box = document.querySelector('.st-key-client_heatmap_box');
      box.scrollLeft = 10000;
      return {page: main.scrollWidth, screen: window.innerWidth, box: box.clientWidth,
              chart: box.scrollWidth, scrolled: box.scrollLeft};
    }""")
    assert fits["page"] <= fits["screen"], fits  # nothing pushes the page past the screen
    assert fits["chart"] > fits["box"] and fits["scrolled"] > 0, fits  # the map scrolls instead
    assert_no_exception(page)
    context.close()


def test_a_team_is_removed_from_the_client_view_and_leaves_from_its_own_page(
        browser, server: AppServer, model: Model) -> None:  # noqa: ANN001
    client, client_key, made = client_with_teams(server, model, "Leaving client",
                                                 ("North team", "South team"))
    engine = storage.make_engine(f"sqlite:///{server.db_path}")
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(links.client_link(server.url, client.id, client_key))
    page.get_by_text("Remove a team from this client").click()
    page.get_by_role("button", name="Remove the team").wait_for(timeout=WAIT)
    wait_idle(page)
    # the first team (by name) is preselected; choosing in a selectbox is Streamlit's own
    expect(page.get_by_role("combobox", name="Team to remove")).to_have_value("North team")
    page.get_by_role("button", name="Remove the team").click()
    page.get_by_text("North team is no longer part of this client.").wait_for(timeout=WAIT)
    assert set(heatmap_cells(page)) == {"South team"}
    assert_no_exception(page)

    south, south_key = made["South team"]  # its facilitator takes it out from its own page
    team_context, team_page = facilitator_page(browser, server, south, south_key)
    assert "This team is part of the client Leaving client." in main_text(team_page)
    team_page.get_by_text("Take this team out of the client").click()
    team_page.get_by_role("button", name="Take the team out of Leaving client").click()
    team_page.get_by_text("The team is no longer part of Leaving client.").wait_for(timeout=WAIT)
    assert_no_exception(team_page)
    team_context.close()

    page.reload()
    page.get_by_text("No team has been added to this client yet").wait_for(timeout=WAIT)
    assert storage.count_ratings(engine, made["North team"][0].id) > 0  # nothing deleted
    engine.dispose()
    context.close()
