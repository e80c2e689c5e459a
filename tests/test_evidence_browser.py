"""Numbers without typed targets, in a real browser: raw exports in, the targets step, readings
that name the driving KPI and its trend, and actions that differ by status."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from loyalty_model.assessment.targets import target_rows
from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from tests.conftest import AppServer, assert_no_exception
from tests.test_journey_browser import TIMEOUT, switch_language, wait_idle

pytestmark = pytest.mark.browser
TEAM_TARGET_COLUMN = 6  # name, layer, value, trend, basis, starting target, team target, ...

# the focused element is inside a grid: it takes the keys sent next
IN_GRID = "() => !!document.activeElement?.closest(\"[data-testid='stDataFrame']\")"


def type_in_cell(page, grid, column: int, row: int, text: str) -> None:  # noqa: ANN001
    """Type `text` into the body cell (`row`, `column`) of an editable grid, as a person does:
    click the first cell, move with the arrow keys, open the cell's editor, type, Enter."""
    grid.click(position={"x": 40, "y": 35 + 17})  # the first body cell
    page.wait_for_function(IN_GRID)  # the grid holds the keyboard before keys are sent
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    for _ in range(row):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input, input.gdg-input")
    editor.wait_for()
    editor.fill(text)
    editor.press("Enter")
    editor.wait_for(state="detached")
    wait_idle(page)


def sample_opened(app_server: AppServer, browser):  # noqa: ANN001, ANN201
    """A projector-sized page that started the sample company: the page, the engine and the
    sample workshop."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(TIMEOUT)
    page.goto(app_server.url)
    page.get_by_role("button", name="Start with the sample company").click()
    page.get_by_role("heading", name="Rate the layers").wait_for()
    wait_idle(page)
    engine = storage.make_engine(f"sqlite:///{app_server.db_path}")
    workshop = storage.workshop_by_code(engine, re.search(r"w=([A-Z0-9]+)", page.url).group(1))
    return page, engine, workshop


def test_raw_exports_targets_readings_and_actions(app_server: AppServer, browser  # noqa: ANN001
                                                  ) -> None:
    page, engine, workshop = sample_opened(app_server, browser)

    # raw exports in: the sample company's own exports, computed and saved
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
    page.get_by_role("tab", name="From your exports").click()
    page.get_by_role("button", name="Try it with Fjordcykler's exports").click()
    wait_idle(page)
    page.get_by_role("button", name="Compute the KPIs").click()
    save = page.get_by_role("button", name=re.compile(r"Save \d+ KPI values"))
    save.click()
    page.get_by_text("KPI rows loaded and saved").wait_for()
    wait_idle(page)
    assert_no_exception(page)

    # the targets step: every loaded KPI in one editable table; type a team target
    page.get_by_role("heading", name="Targets: what each number is held against").wait_for()
    model = load_model()
    table = target_rows(storage.kpis_frame(engine, workshop.id), model, model.scoring,
                        storage.targets(engine, workshop.id), "en")
    row = table.index[table["kpi"] == "phone_answer_rate"][0]
    assert table.loc[row, "basis"] == "Starting target, not a benchmark"
    page.get_by_role("button", name="Change the team targets").click()  # the table, as a grid
    grid = page.locator("[class*='st-key-targets_editor'] [data-testid='stDataFrame']")
    # team targets are typed as the page writes numbers (85, or 92,5 in Danish)
    type_in_cell(page, grid, TEAM_TARGET_COLUMN, row, "85")
    page.get_by_role("button", name="Save the targets").click()
    page.get_by_text(re.compile(r"Targets saved: .*Calls answered 85\.0%")).wait_for()
    assert storage.targets(engine, workshop.id)["phone_answer_rate"] == pytest.approx(0.85)
    assert_no_exception(page)

    # results: the reading names the driving KPI, its trend and the statement the team rated
    page.get_by_role("button", name="See the results").click()
    page.get_by_role("heading", name="Where to improve first").wait_for()
    wait_idle(page)
    reading = page.get_by_text(re.compile(r"On-time delivery fell from 87\.7% to 77\.9% over "
                                          r"4 quarters"))
    reading.first.wait_for()
    text = reading.first.inner_text()
    assert "starting target 95.0%" in text
    assert "Orders reach the customer by the date we promised" in text
    assert page.get_by_text("After the basics").first.is_visible()  # delivery is weak: WOW waits
    assert_no_exception(page)

    # the action plan: listen first for the blind spot, write down what works for the strength
    page.get_by_role("button", name="Turn it into an action plan").click()
    page.get_by_role("heading", name="Action plan").wait_for()
    wait_idle(page)
    plan = storage.actions_frame(engine, workshop.id)
    delivery = plan[plan["layer"] == "delivery"]["action"].tolist()
    strength = plan[plan["layer"] == "fault_correction"]["action"].tolist()
    assert delivery[0].startswith("Go through On-time delivery with the people")
    assert strength[0].startswith("Write down what makes Fault correction work")
    assert "wow" not in set(plan["layer"])
    assert_no_exception(page)



@pytest.mark.parametrize("away", [None, "tab", "language"],
                         ids=["saved", "saved_after_another_tab", "saved_after_a_language_switch"])
def test_typed_in_kpis_are_saved(app_server: AppServer, browser,  # noqa: ANN001
                                 away: str | None) -> None:
    """A value typed into the grid is saved; also after a look at another tab first (the tab
    is built only while open, so what was typed is kept as a draft meanwhile), and after a
    switch to Danish (a new grid, whose numbers are written the Danish way)."""
    page, engine, workshop = sample_opened(app_server, browser)
    first = storage.kpis_frame(engine, workshop.id).iloc[0]
    rows = len(storage.kpis_frame(engine, workshop.id))
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("tab", name="Type them in").click()
    wait_idle(page)
    grid = page.locator("[class*='st-key-kpi_editor'] [data-testid='stDataFrame']")
    type_in_cell(page, grid, 1, 0, "0.5")  # the first row's value
    if away == "tab":
        page.get_by_role("tab", name="Upload a KPI file").click()
        wait_idle(page)
        expect(grid).to_have_count(0)
        page.get_by_role("tab", name="Type them in").click()
        wait_idle(page)
    if away == "language":
        switch_language(page, "Dansk")
        page.get_by_role("button", name="Gem nøgletallene").click()
        page.get_by_text(f"{rows} rækker med nøgletal er indlæst og gemt").wait_for()
    else:
        page.get_by_role("button", name="Save the KPIs").click()
        page.get_by_text(f"{rows} KPI rows loaded and saved").wait_for()
    stored = storage.kpis_frame(engine, workshop.id)
    changed = stored[(stored["kpi"] == first["kpi"]) & (stored["period"] == first["period"])]
    assert len(stored) == rows and changed["value"].tolist() == [0.5]
    page.get_by_role("button", name=re.compile("See the results|Se resultaterne")).click()
    page.get_by_role("heading", name=re.compile("Where to improve first|Her skal I")).wait_for()
    assert_no_exception(page)


def test_every_tab_click_on_the_kpi_page_opens_its_tab(app_server: AppServer, browser  # noqa: ANN001
                                                        ) -> None:
    """Each click opens the tab clicked, in any order (every other click used to be dropped),
    and the chosen tab stays open through a switch of the language."""
    page, _, _ = sample_opened(app_server, browser)
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("heading", name="KPIs: what the numbers say").wait_for()
    wait_idle(page)
    save = page.get_by_role("button", name="Save the KPIs")
    for name in ("Type them in", "From your exports", "Upload a KPI file", "Type them in",
                 "Upload a KPI file", "From your exports"):
        page.get_by_role("tab", name=name).click()
        wait_idle(page)
        expect(page.get_by_role("tab", selected=True)).to_have_text(name)
        expect(save).to_have_count(1 if name == "Type them in" else 0)  # built only while open
    switch_language(page, "Dansk")
    expect(page.get_by_role("tab", selected=True)).to_have_text("Fra jeres eksporter")
    assert_no_exception(page)


def test_a_typed_team_target_survives_a_language_switch(app_server: AppServer,
                                                        browser) -> None:  # noqa: ANN001
    """The targets grid is a new grid in another language (its numbers are written in it):
    what was typed and not saved is carried over, written the new language's way."""
    page, engine, workshop = sample_opened(app_server, browser)
    page.get_by_role("link", name="KPIs").first.click()
    page.get_by_role("heading", name="Targets: what each number is held against").wait_for()
    wait_idle(page)
    model = load_model()
    table = target_rows(storage.kpis_frame(engine, workshop.id), model, model.scoring,
                        storage.targets(engine, workshop.id), "en")
    row = int(table.index[table["kpi"] == "phone_answer_rate"][0])
    page.get_by_role("button", name="Change the team targets").click()  # the table, as a grid
    grid = page.locator("[class*='st-key-targets_editor'] [data-testid='stDataFrame']")
    type_in_cell(page, grid, TEAM_TARGET_COLUMN, row, "85.5")

    switch_language(page, "Dansk")
    page.get_by_role("button", name="Gem målene").click()
    page.get_by_text(re.compile(r"Målene er gemt: .*85,5")).wait_for()
    assert storage.targets(engine, workshop.id)["phone_answer_rate"] == pytest.approx(0.855)
    assert_no_exception(page)
