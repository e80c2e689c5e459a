"""Every page renders without an exception, with and without an open workshop, in any order."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loyalty_model.model import load_model
from loyalty_model.workshop import sample, storage
from tests.danish_numbers import html_tables, svg_charts
from views._results_layers import LAYER_KEY, TABS_KEY

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/start.py", "views/assess.py", "views/kpis.py", "views/results.py",
         "views/actions.py"]


@pytest.fixture(scope="module")
def sample_workshop(app_db: Path) -> tuple[storage.Workshop, str]:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    return sample.create_sample_workshop(engine, load_model())


def app(lang: str = "en", workshop: tuple[storage.Workshop, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    if workshop:
        at.session_state["workshop_code"] = workshop[0].code
        at.session_state["facilitator_key"] = workshop[1]
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_page_without_a_workshop(app_db: Path, page: str, lang: str) -> None:
    at = app(lang)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value
    if page != "views/start.py":
        assert at.info, "a page without a workshop points the user to the start page"


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "da"])
def test_page_with_the_sample_workshop(sample_workshop: tuple[storage.Workshop, str],
                                       page: str, lang: str) -> None:
    at = app(lang, sample_workshop)
    at.run()
    at.switch_page(page).run()
    assert not errors(at), errors(at)


def test_pages_in_any_order(sample_workshop: tuple[storage.Workshop, str]) -> None:
    at = app("en", sample_workshop)
    at.run()
    for first, second in itertools.permutations(PAGES[1:], 2):
        at.switch_page(first).run()
        at.switch_page(second).run()
        assert not errors(at), (first, second, errors(at))


def test_a_wrong_facilitator_key_opens_nothing(sample_workshop: tuple[storage.Workshop, str]
                                               ) -> None:
    at = app("en", (sample_workshop[0], "not-the-key"))
    at.run()
    at.switch_page("views/results.py").run()
    assert not at.exception
    assert at.info and not svg_charts(at)


def test_results_show_the_sample_story(sample_workshop: tuple[storage.Workshop, str]) -> None:
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/results.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "1. Delivery** · Blind spot" in text  # the verdict: where to start, and why
    layers = [e.label for e in at.expander]
    assert any(label.startswith("1. Delivery · Blind spot") for label in layers)
    assert any("Fault correction · Hidden strength" in label for label in layers)
    assert "Loyalty: attitude and behaviour" in [
        b.label for b in at.button if b.key.startswith("results_view_")]
    # closed layers and views not chosen are lazy: only the verdict's chart is built
    assert len(svg_charts(at)) == 1
    reading = "On-time delivery fell"  # in the verdict's line, and in the layer's own reading
    assert " ".join(m.value for m in at.markdown).count(reading) == 1

    for layer in load_model().layers:  # the room opens every layer...
        at.session_state[f"{LAYER_KEY}{layer.id}"] = True
    at.button(key="results_view_3").click().run()  # ...and the matrix view
    assert at.session_state[TABS_KEY] == "Loyalty: attitude and behaviour"
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert text.count(reading) == 2  # the delivery layer's reading, built once it is open
    assert "**True loyalty** · 40%" in text  # the matrix tab: its quadrants and shares
    # the verdict's chart, one spread chart per rated layer, the matrix
    assert len(svg_charts(at)) == 1 + len(load_model().layers) + 1


def test_sample_button_opens_a_fresh_copy(app_db: Path) -> None:
    at = app()
    at.run()
    at.button(key="start_sample").click().run()
    assert not at.exception
    code = at.session_state["workshop_code"]
    engine = storage.make_engine(f"sqlite:///{app_db}")
    workshop = storage.workshop_by_code(engine, code)
    assert workshop is not None and workshop.is_sample
    assert storage.count_ratings(engine, workshop.id) == 5 * len(load_model().statements)


def test_a_workshop_file_imports_from_the_start_page(
        sample_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    from loyalty_model.workshop.workshop_json import export_json

    engine = storage.make_engine(f"sqlite:///{app_db}")
    exported = export_json(engine, sample_workshop[0], load_model())
    at = app()
    at.run()
    assert not at.file_uploader  # the import expander is closed: nothing in it is built
    at.session_state["import_json_open"] = True  # the facilitator opens it
    at.run()
    at.file_uploader(key="import_json").set_value(("room.json", exported, "application/json"))
    at.run()
    at.button(key="import_json_button").click().run()
    assert not at.exception and not at.error
    imported = storage.workshop_by_code(engine, at.session_state["workshop_code"])
    assert imported is not None and imported.id != sample_workshop[0].id
    assert (storage.count_ratings(engine, imported.id)
            == storage.count_ratings(engine, sample_workshop[0].id) > 0)


def test_uploads_are_parsed_once_per_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from views import _raw_upload as raw

    calls: list[str] = []
    real = raw.read_table
    monkeypatch.setattr(raw, "read_table", lambda data, name: calls.append(name) or real(data,
                                                                                         name))
    raw._read.clear()
    data = (ROOT / "data" / "sample" / "exports" / "customers.csv").read_bytes()
    first = raw._read(data, "customers.csv")
    second = raw._read(data, "customers.csv")
    assert calls == ["customers.csv"]
    assert first.frame.equals(second.frame)
    raw._read(data + b"000001,Private,None,3,10.5,no\n", "customers.csv")
    assert len(calls) == 2  # changed content is read again


def test_changing_a_result_setting_reads_and_computes_no_file(
        sample_workshop: tuple[storage.Workshop, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from loyalty_model.intake import raw_kpis, readers
    from views import _raw_upload as raw

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the results page must not re-read or recompute files")

    for target, name in [(readers, "read_table"), (raw, "read_table"), (raw, "compute"),
                         (raw_kpis, "compute_kpis")]:
        monkeypatch.setattr(target, name, forbidden)
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/results.py").run()
    at.session_state["results_settings_open"] = True
    at.run()
    at.slider(key="set_gap").set_value(30).run()
    at.slider(key="set_weak").set_value(40).run()
    assert not errors(at), errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Delivery** · Blind spot" in text  # the gap of 52 is still above 30


def test_result_settings_hold_while_their_expander_is_closed(
        sample_workshop: tuple[storage.Workshop, str]) -> None:
    """The settings' expander is built only while open: what the sliders were set to must
    still score the page once it is closed, and show again when it is reopened."""
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/results.py").run()
    assert "Delivery** · Blind spot" in " ".join(m.value for m in at.markdown)
    assert not [s for s in at.slider if s.key == "set_gap"]  # closed: not built
    at.session_state["results_settings_open"] = True
    at.run()
    at.slider(key="set_gap").set_value(40).run()  # the priorities' statuses follow it
    at.slider(key="set_weak").set_value(30).run()
    opened = " ".join(m.value for m in at.markdown)
    at.session_state["results_settings_open"] = False
    at.run()
    assert not [s for s in at.slider if s.key == "set_gap"]
    assert " ".join(m.value for m in at.markdown) == opened
    at.session_state["results_settings_open"] = True
    at.run()
    assert at.slider(key="set_gap").value == 40
    assert at.slider(key="set_weak").value == 30


def test_exports_tab_shows_touchpoints_and_a_changed_layer_reaches_the_kpis(
        sample_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/kpis.py").run()
    at.button(key="raw_use_sample").click().run()
    at.button(key="raw_compute").click().run()
    assert not errors(at), errors(at)
    text = " ".join(m.value for m in at.markdown)
    assert "What the survey answers are about" in text
    assert "Counted for Fault correction: Værksted (308), Kundeservice (287)" in text
    assert "Left out: Butik (303), Webshop (302)" in text
    boxes = {box.label: box for box in at.selectbox if box.key.startswith("raw_tp_")}
    assert set(boxes) == {"Værksted · 308 answers", "Butik · 303 answers",
                          "Webshop · 302 answers", "Kundeservice · 287 answers"}
    assert boxes["Værksted · 308 answers"].value == "fault_correction"
    assert boxes["Webshop · 302 answers"].value == ""  # a channel: not counted
    assert at.session_state["raw_result"].overall["delivery_survey_score"] is None

    boxes["Webshop · 302 answers"].set_value("delivery").run()
    assert not errors(at), errors(at)
    result = at.session_state["raw_result"]
    assert result.overall["delivery_survey_score"] is not None
    assert "delivery_survey_score" in set(result.kpis["kpi"])  # what "Save" would store
    assert "Counted for Delivery: Webshop (302)" in " ".join(m.value for m in at.markdown)
    engine = storage.make_engine(f"sqlite:///{app_db}")
    with engine.connect() as conn:
        rows = conn.execute(storage.column_mappings.select()).all()
    assert {"webshop": "delivery"} in [json.loads(row.mapping) for row in rows]

    again = app("da", sample_workshop)  # a new session: the choice comes back from storage
    again.run()
    again.switch_page("views/kpis.py").run()
    again.button(key="raw_use_sample").click().run()
    again.button(key="raw_compute").click().run()
    assert not errors(again), errors(again)
    boxes = {box.label: box for box in again.selectbox if box.key.startswith("raw_tp_")}
    assert boxes["Webshop · 302 svar"].value == "delivery"
    assert "Tæller for Leverance: Webshop (302)" in " ".join(m.value for m in again.markdown)
    boxes["Webshop · 302 svar"].set_value("").run()  # back to the default: nothing to remember
    with engine.connect() as conn:
        rows = conn.execute(storage.column_mappings.select()).all()
    assert {"webshop": "delivery"} not in [json.loads(row.mapping) for row in rows]


@pytest.mark.parametrize(("screen", "chosen", "level"), [
    ("en", None, None), ("da", None, "aggregates_only"), ("en", "da", "names_shown")])
def test_a_new_workshop_has_the_language_and_anonymity_chosen_for_it(
        app_db: Path, screen: str, chosen: str | None, level: str | None) -> None:
    """The workshop's language follows the screen's until the facilitator picks another; its
    anonymity is names hidden unless another level is picked, and the smallest group is asked
    for only under aggregates only."""
    at = app(screen)
    at.run()
    if chosen:
        at.main.segmented_control(key="new_lang").set_value(chosen)
    if level:
        at.main.segmented_control(key="new_anonymity").set_value(level)
    at.run()
    at.text_input(key="new_name").set_value("Q4")
    at.text_input(key="new_team").set_value("Support")
    # the smallest group only means something for aggregates only: asked only then
    asked = [n for n in at.number_input if n.key == "new_smallest"]
    assert len(asked) == (level == "aggregates_only")
    if asked:
        asked[0].set_value(5)
    at.button(key="create_workshop").click().run()
    assert not errors(at), errors(at)
    engine = storage.make_engine(f"sqlite:///{app_db}")
    workshop = storage.workshop_by_code(engine, at.session_state["workshop_code"])
    assert workshop.name == "Q4" and workshop.language == (chosen or screen)
    assert workshop.anonymity == (level or "names_hidden")
    assert workshop.smallest_group == (5 if asked else 3)


def test_a_workshop_without_a_team_is_not_created_and_what_was_typed_stays(app_db: Path) -> None:
    at = app("en")
    at.run()
    at.text_input(key="new_name").set_value("Q4")
    at.main.segmented_control(key="new_anonymity").set_value("aggregates_only").run()
    at.number_input(key="new_smallest").set_value(6)
    at.button(key="create_workshop").click().run()
    assert [e.value for e in at.error] == [
        "Give the workshop a name and say which team it is for."]
    assert "workshop_code" not in at.session_state
    assert at.text_input(key="new_name").value == "Q4"
    assert at.number_input(key="new_smallest").value == 6


def test_the_rating_page_moves_by_layer_and_shows_coaching_once_opened(
        sample_workshop: tuple[storage.Workshop, str]) -> None:
    """A button per layer opens that layer; the coaching prompts are built once their expander
    is opened, and are the open layer's."""
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/assess.py").run()
    assert at.markdown[1].value.startswith("### Layer 1 of 5: Product\n")
    prompts = [prompt("en") for prompt in load_model().layer("delivery").coaching]
    at.button(key="layer_2").click().run()
    assert at.markdown[1].value.startswith("### Layer 3 of 5: Delivery\n")
    assert not any(prompts[0] in m.value for m in at.markdown)  # closed: not built
    at.session_state["assess_coaching_open"] = True
    at.run()
    assert any(prompts[0] in m.value for m in at.markdown)
    assert not errors(at)


def test_why_the_starting_targets_is_built_once_opened(
        sample_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    loaded = set(storage.kpis_frame(engine, sample_workshop[0].id)["kpi"])
    notes = [spec.default_target_note("en") for spec in load_model().kpis.values()
             if spec.default_target_note is not None and spec.id in loaded]
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/kpis.py").run()
    assert notes and notes[0] not in " ".join(m.value for m in at.markdown)  # closed
    at.session_state["targets_why_open"] = True
    at.run()
    shown = " ".join(m.value for m in at.markdown)
    assert all(note in shown for note in notes)
    assert not errors(at)


def test_the_targets_are_a_table_until_the_team_changes_them(
        sample_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    """The targets step is read far more than typed in: a table, and the grid only after
    "Change the team targets"; "Cancel" drops what was typed, "Save" stores it."""
    workshop = sample_workshop[0]
    engine = storage.make_engine(f"sqlite:///{app_db}")
    storage.save_targets(engine, workshop.id, {"phone_answer_rate": 0.85})
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/kpis.py").run()

    def targets_table() -> list[list[str]]:
        return [row for table in html_tables(at) for row in table if "Team target" in table[0]]

    rows = {row[0]: row for row in targets_table()}
    assert rows["Calls answered"][6] == "85.0%"  # the saved team target, written like the start
    assert rows["Calls answered"][5] == "95.0%" and rows["Calls answered"][3] == "█▅▃▁"
    assert not at.dataframe  # no grid

    at.button(key="targets_edit").click().run()  # the same rows as a grid, typed in
    assert len(at.dataframe) == 1 and not targets_table()
    at.session_state["targets_typed"] = (workshop.id, {"phone_answer_rate": 70.0})  # typed
    at.button(key="targets_cancel").click().run()
    assert targets_table() and not at.dataframe
    at.button(key="targets_edit").click().run()  # a new grid starts from what is saved
    grid = at.dataframe[0].value
    assert grid.loc[grid["kpi"] == "phone_answer_rate", "team_target"].tolist() == ["85"]
    assert storage.targets(engine, workshop.id) == {"phone_answer_rate": pytest.approx(0.85)}
    assert not errors(at)


def test_a_trend_is_drawn_in_the_targets_table_as_blocks() -> None:
    from views._targets import sparkline

    assert sparkline([1.0, 2.0, 3.0]) == "▁▅█"
    assert sparkline([0.5, 0.5]) == "▄▄"  # flat: mid-height, not a fall to the floor
    assert sparkline(None) == sparkline([1.0]) == "–"


def test_who_is_rating_is_a_button_per_participant(
        sample_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    """Each person taps their own name; the radios then hold that person's answers, and "Add a
    participant" opens the form instead of the questions."""
    engine = storage.make_engine(f"sqlite:///{app_db}")
    people = storage.list_participants(engine, sample_workshop[0].id)
    first, second = people[0], people[1]
    statement = load_model().layers[0].statements[0].id
    at = app("en", sample_workshop)
    at.run()
    at.switch_page("views/assess.py").run()
    boxed = [b.label for b in at.button if b.key.startswith("who_") and b.proto.type == "secondary"]
    assert boxed == [first.name]  # the first participant rates until another name is tapped
    at.button(key=f"who_{second.id}").click().run()
    assert at.session_state["participant_id"] == second.id
    answer = storage.participant_answers(engine, second.id).get(statement)
    assert answer is not None and at.radio[0].value == answer
    at.button(key="who_new").click().run()
    assert at.text_input(key="participant_name") is not None and not at.radio
    assert not errors(at)
