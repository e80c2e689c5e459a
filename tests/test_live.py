"""The live view: aggregates per layer and statement, the trend, and the pages around them.

The page tests run the real entry point with AppTest: join → rate → the facilitator's live
aggregate, text safety of participant names, isolation of participant links, rate limiting.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from loyalty_model.i18n import fmt_date
from loyalty_model.model import Model, load_model
from loyalty_model.takeaways import charts
from loyalty_model.workshop import live, storage
from loyalty_model.workshop.access import FREE_ATTEMPTS
from tests.danish_numbers import html_tables, svg_charts

ROOT = Path(__file__).resolve().parent.parent
NASTY = "<b>x</b><script>alert(1)</script>"


def rate_layers(engine: Engine, person: storage.Participant, model: Model, ratings: dict[str, int],
                layers: int = 5) -> None:
    """Rate every statement of the first `layers` layers with the layer's value in `ratings`."""
    for layer in model.layers[:layers]:
        for statement in layer.statements:
            storage.save_rating(engine, person, statement.id, ratings.get(layer.id, 3))


# --- aggregates --------------------------------------------------------------------------------



def switches(at: AppTest) -> list[str]:
    """The facilitator's buttons that show the results or open and close joining."""
    return [b.label for b in at.button if b.key.startswith(("reveal_", "joining_"))]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def live_figures(at: AppTest) -> dict[str, str]:
    """The facilitator's figures, the join code and the live ones (views/_live_ui.figures_html):
    label -> value shown."""
    return {html.unescape(label): value for m in at.markdown for label, value in re.findall(
        r'skab-figure-label">([^<]*)</div><div class="skab-figure-value">([^<]*)<', m.value)}

def test_finished_per_layer_counts_complete_layers_only(model: Model) -> None:
    product = [s.id for s in model.layer("product").statements]
    answered = pd.DataFrame(
        [(1, s) for s in product] + [(2, s) for s in product[:4]] + [(3, "wow.know_the_customer")],
        columns=["participant_id", "statement_id"])
    counts = live.finished_per_layer(answered, model)
    assert counts == {"product": 1, "communication": 0, "delivery": 0, "fault_correction": 0,
                      "wow": 0}
    empty = pd.DataFrame(columns=["participant_id", "statement_id"])
    assert set(live.finished_per_layer(empty, model).values()) == {0}


def test_live_view_of_a_workshop_in_progress(engine: Engine, model: Model) -> None:
    other, _ = storage.create_workshop(engine, "Earlier", "Team")
    for _ in range(10):  # so database ids and places in the room differ
        storage.add_participant(engine, other.id)
    workshop, _ = storage.create_workshop(engine, "Live", "Team")
    anna = storage.add_participant(engine, workshop.id, "Anna")
    bo = storage.add_participant(engine, workshop.id, "Bo")
    silent = storage.add_participant(engine, workshop.id)  # joined, nothing rated yet
    rate_layers(engine, anna, model, {"product": 5, "communication": 1})
    rate_layers(engine, bo, model, {"product": 1}, layers=1)
    view = live.live_view(engine, workshop.id, model)
    assert view.joined == 3 and view.people == ("Anna", "Bo", None)
    assert view.labels("en") == ["Anna", "Bo", "Participant 3"]  # never the database id
    assert view.labels("da") == ["Anna", "Bo", "Deltager 3"]
    first = len(model.layer("product").statements)  # Bo rated the first layer only
    assert view.answers == len(model.statements) + first and view.finished_all == 1
    by_layer = {layer.layer: layer for layer in view.layers}
    assert by_layer["product"].finished == 2
    assert by_layer["product"].self_score == pytest.approx(50.0)  # mean of 5 and 1
    # they disagree completely: 5 against 1 is a standard deviation of 2 on the 1-5 scale,
    # the same scale as a statement's spread
    assert by_layer["product"].disagreement == pytest.approx(2.0)
    assert by_layer["product"].disagreement == pytest.approx(
        view.assessment.statement("product.primary_need").spread)
    assert silent.id == 13 and not any("13" in label for label in view.labels("en"))
    assert by_layer["communication"].disagreement is None  # one person rated it: no spread yet
    assert by_layer["communication"].finished == 1 and by_layer["communication"].self_score == 0
    top = view.top_discussion_points(3)
    assert top and all(p.layer == "product" for p in top)
    spreads = [s.spread for s in live.statement_spread(view.assessment)]
    assert spreads == sorted(spreads, reverse=True) and len(spreads) == len(model.statements)


def test_live_view_of_an_empty_workshop(engine: Engine, model: Model) -> None:
    workshop, _ = storage.create_workshop(engine, "Empty", "Team")
    view = live.live_view(engine, workshop.id, model)
    assert (view.joined, view.answers, view.finished_all) == (0, 0, 0)
    assert all(layer.self_score is None for layer in view.layers)
    assert view.top_discussion_points() == []


def test_trend_across_a_series_and_only_that_series(engine: Engine, model: Model) -> None:
    first, _ = storage.create_workshop(engine, "Q1", "Acme",
                                       created_at=datetime(2026, 1, 10, tzinfo=UTC))
    second, _ = storage.create_follow_up(engine, first, "Q2")
    stranger, _ = storage.create_workshop(engine, "Q2", "Acme")  # same team name, not linked
    for workshop, score in ((first, 2), (second, 4), (stranger, 1)):
        rate_layers(engine, storage.add_participant(engine, workshop.id), model,
                    {layer.id: score for layer in model.layers})
    storage.save_kpis(engine, second.id, pd.DataFrame(
        [{"kpi": "first_contact_resolution", "value": 0.8, "period": "2026-Q2", "target": None}]))
    history = live.team_trend(engine, second, model, "en")
    assert list(history.columns) == live.TREND_COLUMNS
    assert history["workshop"].unique().tolist() == [
        "10 Jan 2026 · Q1", f"{fmt_date(second.created_at, 'en')} · Q2"]
    own = history[history["measure"] == "self"]
    assert own.groupby("workshop", sort=False)["score"].mean().tolist() == [25.0, 75.0]
    kpi = history[(history["measure"] == "kpi") & history["score"].notna()]
    assert kpi["layer"].tolist() == ["fault_correction"]  # a layer without KPIs stays missing
    spec = charts.layer_trend_chart(history, model, "en").to_dict()
    assert spec["encoding"]["strokeDash"]["field"] == "measure"


def test_workshop_labels_are_unique() -> None:
    when = datetime(2026, 3, 2, tzinfo=UTC)
    twins = [storage.Workshop(i, code, "Review", "T", "en", when, False, False)
             for i, code in ((1, "AAAAAA"), (2, "BBBBBB"))]
    assert live.workshop_labels(twins, "da") == ["02.03.2026 · Review (AAAAAA)",
                                                 "02.03.2026 · Review (BBBBBB)"]


# --- pages -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_engine(app_db: Path) -> Iterator[Engine]:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    yield engine
    engine.dispose()


class Room:
    """One workshop and the AppTests of the people in it."""

    def __init__(self, engine: Engine, lang: str = "en") -> None:
        self.engine = engine
        self.workshop, self.key = storage.create_workshop(engine, "Live test", "Team", lang)

    def participant(self, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params["join"] = self.workshop.code
        for name, value in params.items():
            at.query_params[name] = value
        return at.run()

    def join(self, name: str = "") -> AppTest:
        at = self.participant()
        at.text_input(key="join_name_input").set_value(name)
        at.get("form_submit_button")[0].click()
        return at.run()

    def facilitator(self) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.session_state["lang"] = "en"
        at.session_state["workshop_code"] = self.workshop.code
        at.session_state["facilitator_key"] = self.key
        at.run()
        return at.switch_page("views/facilitate.py").run()


def problems(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


def texts(at: AppTest) -> str:
    """Plain texts, and markdown as it reads (escapes and invisible word joiners removed)."""
    return "\n".join([e.value for e in at.text] + [
        re.sub(r"\\(.)", r"\1", m.value).replace("\u2060", "") for m in at.markdown])


def test_join_rate_and_the_facilitator_sees_the_room(app_engine: Engine) -> None:
    room = Room(app_engine)
    anna = room.join("Anna")
    assert not problems(anna), problems(anna)
    token = anna.query_params["p"]
    assert anna.query_params["join"] == room.workshop.code
    radios = [r for r in anna.radio if r.key.startswith("join_rate_")]
    assert len(radios) == len(load_model().layer("product").statements)
    for radio in radios:
        radio.set_value(4)
    anna.run()
    me = storage.participant_by_token(app_engine, room.workshop.id, token)
    assert set(storage.participant_answers(app_engine, me.id).values()) == {4}

    facilitator = room.facilitator()
    assert not problems(facilitator), problems(facilitator)
    metrics = live_figures(facilitator)
    assert metrics["Joined"] == "1" and metrics["Answers"] == str(len(radios))
    assert metrics["Join code"] == room.workshop.code
    assert "Anna" in texts(facilitator)
    assert any("skab-qr" in m.value and "<svg" in m.value for m in facilitator.markdown)  # QR
    [table] = [t for t in html_tables(facilitator) if t[0][0] == "Layer"]  # per layer
    rows = {row[0]: row[1:] for row in table[1:]}
    assert list(rows) == [layer.name("en") for layer in load_model().layers]
    assert rows["Product"][0] != "–" and rows["Product"][2] == "1 / 1"
    assert all(rest == ["–", "–", "0 / 1"] for name, rest in rows.items() if name != "Product")


def test_a_refreshed_participant_link_resumes_with_answers(app_engine: Engine) -> None:
    room = Room(app_engine)
    first = room.join()
    token = first.query_params["p"]
    first.radio(key=first.radio[0].key).set_value(2).run()
    first.radio(key=first.radio[1].key).set_value(0).run()  # don't know
    again = room.participant(p=token)  # a new session, as after a refresh or a new tab
    assert not problems(again), problems(again)
    values = [r.value for r in again.radio if r.key.startswith("join_rate_")]
    assert values[:3] == [2, 0, None]


def test_participant_text_is_never_html(app_engine: Engine) -> None:
    room = Room(app_engine)
    at = room.join(NASTY)
    assert NASTY in texts(at)
    facilitator = room.facilitator()
    assert NASTY in texts(facilitator)
    markdown = " ".join(m.value for m in [*facilitator.markdown, *at.markdown])
    assert "<script>" not in markdown and "<b>" not in markdown


def test_a_participant_link_never_carries_facilitator_rights(app_engine: Engine) -> None:
    room = Room(app_engine)
    token = room.join("Kim").query_params["p"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update(join=room.workshop.code, p=token, w=room.workshop.code)
    at.session_state["workshop_code"] = room.workshop.code  # even with the key in this session
    at.session_state["facilitator_key"] = room.key
    at.run()
    assert [t.value for t in at.title] == ["Join the workshop"]
    assert "facilitator_key" not in at.session_state and "w" not in at.query_params
    assert not switches(at) and not live_figures(at)


def test_a_token_from_another_workshop_opens_nothing(app_engine: Engine) -> None:
    mine, theirs = Room(app_engine), Room(app_engine)
    token = mine.join("Kim").query_params["p"]
    at = theirs.participant(p=token)
    assert any("does not belong" in e.value for e in at.error)
    assert not [r for r in at.radio if r.key.startswith("join_rate_")]
    assert "p" not in at.query_params


def test_results_reach_participants_only_when_revealed(app_engine: Engine) -> None:
    room = Room(app_engine)
    at = room.join("Kim")
    for radio in [r for r in at.radio if r.key.startswith("join_rate_")]:
        radio.set_value(3)
    at.run()
    assert not [s for s in at.subheader if s.value == "The room's results"]
    storage.set_revealed(app_engine, room.workshop.id, True)
    st.cache_data.clear()
    at.run()
    assert [s for s in at.subheader if s.value == "The room's results"]
    bars = [e.proto.text for e in at.get("progress")]
    assert "Product: 50/100 · disagreement –" in bars  # one person: no disagreement to show
    assert not any("Kim" in bar for bar in bars) and not at.dataframe


def test_the_facilitator_shows_and_hides_the_results_with_one_button(app_engine: Engine) -> None:
    room = Room(app_engine)
    facilitator = room.facilitator()
    key = f"reveal_{room.workshop.id}"
    assert facilitator.button(key=key).label == "Show the results to the room"
    assert "Results: not shown to participants yet." in captions(facilitator)
    facilitator.button(key=key).click().run()
    assert not problems(facilitator), problems(facilitator)
    assert storage.get_workshop(app_engine, room.workshop.id).revealed
    assert facilitator.button(key=key).label == "Hide the results again"
    assert "Results: shown on every participant's screen." in captions(facilitator)
    facilitator.button(key=key).click().run()
    assert not storage.get_workshop(app_engine, room.workshop.id).revealed
    assert facilitator.button(key=key).label == "Show the results to the room"


def test_a_closed_workshop_turns_new_visitors_away_but_not_its_participants(
        app_engine: Engine) -> None:
    room = Room(app_engine)
    kim = room.join("Kim")
    token = kim.query_params["p"]
    facilitator = room.facilitator()
    switch = facilitator.button(key=f"joining_{room.workshop.id}")
    assert switch.label == "Close joining"
    assert "Joining: open to new participants." in captions(facilitator)
    switch.click().run()
    assert not problems(facilitator), problems(facilitator)
    assert not storage.get_workshop(app_engine, room.workshop.id).joining_open
    assert facilitator.button(key=f"joining_{room.workshop.id}").label == "Open joining again"
    assert "Joining: closed." in captions(facilitator)

    visitor = room.participant()  # a new visitor with ?join=CODE
    assert [e.value for e in visitor.error] == [
        "This workshop is closed for new participants. If you already joined, open your own "
        "link (the address you got when you joined)."]
    assert not visitor.get("form_submit_button")
    by_code = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    by_code.query_params["join"] = ""
    by_code.run()
    by_code.text_input(key="join_code_input").set_value(room.workshop.code)
    by_code.get("form_submit_button")[0].click()
    by_code.run()
    assert any("closed for new participants" in e.value for e in by_code.error)
    assert not [r for r in by_code.radio if r.key.startswith("join_rate_")]
    assert [p.name for p in storage.list_participants(app_engine, room.workshop.id)] == ["Kim"]

    back = room.participant(p=token)  # Kim's own link still works, rating and results too
    assert not problems(back), problems(back)
    radios = [r for r in back.radio if r.key.startswith("join_rate_")]
    assert len(radios) == len(load_model().layer("product").statements)
    radios[0].set_value(5).run()
    kim_id = storage.list_participants(app_engine, room.workshop.id)[0].id
    assert 5 in storage.participant_answers(app_engine, kim_id).values()
    storage.set_revealed(app_engine, room.workshop.id, True)
    st.cache_data.clear()
    back.run()
    assert [s for s in back.subheader if s.value == "The room's results"]

    facilitator.button(key=f"joining_{room.workshop.id}").click().run()
    assert storage.get_workshop(app_engine, room.workshop.id).joining_open
    again = room.join("Late")
    assert not problems(again) and "p" in again.query_params


def test_wrong_codes_are_rate_limited(app_engine: Engine) -> None:
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["join"] = ""
    at.run()
    for attempt in range(FREE_ATTEMPTS):
        at.text_input(key="join_code_input").set_value(f"ZZZZZ{attempt}")
        at.get("form_submit_button")[0].click()
        at.run()
        assert any("no workshop with that code" in e.value for e in at.error)
    room = Room(app_engine)
    at.text_input(key="join_code_input").set_value(room.workshop.code)  # even a right code waits
    at.get("form_submit_button")[0].click()
    at.run()
    assert any("Too many wrong codes" in w.value for w in at.warning)
    assert not [r for r in at.radio if r.key.startswith("join_rate_")]
    st.cache_resource.clear()


def test_a_danish_workshop_greets_participants_in_danish(app_engine: Engine) -> None:
    room = Room(app_engine, lang="da")
    at = room.participant()
    assert [t.value for t in at.title] == ["Deltag i workshoppen"]
    assert at.query_params["lang"] == "da"


def test_the_facilitate_page_needs_the_key(app_engine: Engine) -> None:
    room = Room(app_engine)
    room.key = "not-the-key"
    at = room.facilitator()
    assert not problems(at) and at.info and not switches(at)
    assert not live_figures(at)


@pytest.mark.parametrize("lang", ["en", "da"])
def test_both_live_pages_render_in_both_languages(app_engine: Engine, model: Model, lang: str
                                                  ) -> None:
    room = Room(app_engine, lang=lang)
    participant = room.join("Kim")
    storage.set_revealed(app_engine, room.workshop.id, True)
    rate_layers(app_engine, storage.list_participants(app_engine, room.workshop.id)[0], model,
                {"product": 2})
    st.cache_data.clear()
    participant.run()
    assert not problems(participant), problems(participant)
    facilitator = room.facilitator()
    facilitator.session_state["lang"] = lang
    facilitator.run()
    assert not problems(facilitator), problems(facilitator)


def test_the_next_workshop_of_the_team_shows_the_trend(app_engine: Engine, model: Model) -> None:
    room = Room(app_engine)
    rate_layers(app_engine, storage.add_participant(app_engine, room.workshop.id), model, {})
    at = room.facilitator()
    charts_before = len(svg_charts(at))
    at.session_state["follow_up_open"] = True  # open "Next workshop of this team"
    at.run()
    at.text_input(key="follow_up_name").set_value("Next quarter")
    at.get("form_submit_button")[0].click()
    at.run()
    new_code = at.session_state["workshop_code"]
    assert new_code != room.workshop.code
    # the new key is shown once, alone: no join code or QR code next to it
    assert any(f"w={new_code}&k=" in c.value for c in at.code)
    assert not live_figures(at) and not any("skab-qr" in m.value for m in at.markdown)
    at.button(key="key_saved").click().run()
    assert not any("&k=" in c.value for c in at.code)  # gone for good
    assert live_figures(at)["Join code"] == new_code
    new = storage.workshop_by_code(app_engine, new_code)
    assert new.series == room.workshop.series and new.team == room.workshop.team
    rate_layers(app_engine, storage.add_participant(app_engine, new.id), model, {"wow": 5})
    st.cache_data.clear()
    at.run()
    assert not problems(at), problems(at)
    assert len(svg_charts(at)) == charts_before + 1  # the spread chart + the trend


def _show_configured_url() -> None:
    import streamlit as st

    from views._common import configured_database_url

    st.text(str(configured_database_url()))


@pytest.mark.parametrize(("secrets", "expected"), [
    ({}, "None"),
    ({"database_url": "postgresql://u@h/top"}, "postgresql://u@h/top"),
    ({"connections": {"skab": {"url": "postgresql://u@h/block"}}}, "postgresql://u@h/block"),
])
def test_the_database_can_come_from_streamlit_secrets(monkeypatch: pytest.MonkeyPatch,
                                                      secrets: dict, expected: str) -> None:
    monkeypatch.delenv("SKAB_DATABASE_URL", raising=False)
    at = AppTest.from_function(_show_configured_url)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.run()
    assert at.text[0].value == expected
    monkeypatch.setenv("SKAB_DATABASE_URL", "postgresql://u@h/env")  # the environment wins
    at.run()
    assert at.text[0].value == "None"
