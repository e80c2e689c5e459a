"""Anonymity levels: the masking rule, where it holds (live view, report, exports, JSON) and the
JSON round trip of each level."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import Engine

from loyalty_model.assessment import anonymity
from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model
from loyalty_model.takeaways.exports import results_xlsx, statements_table
from loyalty_model.takeaways.report_data import build_report_data, from_workshop
from loyalty_model.workshop import live, storage
from loyalty_model.workshop.workshop_json import (
    WorkshopFileError,
    export_json,
    export_workshop,
    import_workshop,
)

NEED, JOB = "product.primary_need", "product.does_the_job"


def frame(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["participant", "statement_id", "rating"]).astype(
        {"rating": float})


# --- the rule ----------------------------------------------------------------------------------


def test_a_statement_is_shown_only_once_enough_people_rated_it() -> None:
    ratings = frame([("a", NEED, 4), ("b", NEED, 2), ("c", NEED, 5),
                     ("a", JOB, 1), ("b", JOB, 3)])
    level = anonymity.AGGREGATES_ONLY
    assert anonymity.shown_statements(ratings, level, 3) == {NEED}
    assert anonymity.shown_statements(ratings, level, 2) == {NEED, JOB}
    assert anonymity.shown_statements(ratings, anonymity.NAMES_HIDDEN, 3) == {NEED, JOB}


def test_dont_know_does_not_count_towards_the_smallest_group() -> None:
    """Two "don't know" and one 4: the mean would be that one person's 4."""
    ratings = frame([("a", NEED, 4), ("b", NEED, None), ("c", NEED, None)])
    assert anonymity.shown_statements(ratings, anonymity.AGGREGATES_ONLY, 3) == set()
    masked = anonymity.mask_ratings(ratings, anonymity.AGGREGATES_ONLY, 3)
    assert masked.empty


def test_masking_leaves_the_small_statement_out_of_its_layer_score(model: Model) -> None:
    """A layer score that still counted JOB (one rating) would give that rating away."""
    ratings = frame([("a", NEED, 4), ("b", NEED, 2), ("c", NEED, 3), ("a", JOB, 1)])
    masked = assess(anonymity.mask_ratings(ratings, anonymity.AGGREGATES_ONLY, 3), None, model)
    assert masked.statement(JOB).mean is None and masked.statement(JOB).n == 0
    assert masked.statement(NEED).mean == pytest.approx(3.0)
    assert masked.layer("product").self_score == pytest.approx(50.0)  # NEED alone: 3 -> 50
    unmasked = assess(ratings, None, model)
    assert unmasked.layer("product").self_score != masked.layer("product").self_score


def test_masking_replaces_names_and_other_levels_are_untouched() -> None:
    ratings = frame([("Anna", NEED, 4), ("Bo", NEED, 2), ("Cy", NEED, 5)])
    masked = anonymity.mask_ratings(ratings, anonymity.AGGREGATES_ONLY, 3)
    assert set(masked["participant"]) == {"P1", "P2", "P3"}
    for level in (anonymity.NAMES_SHOWN, anonymity.NAMES_HIDDEN):
        assert anonymity.mask_ratings(ratings, level, 3).equals(ratings)


def test_hidden_count_and_shown_layers(model: Model) -> None:
    ratings = frame([("a", NEED, 4), ("b", NEED, 2), ("c", NEED, 5), ("a", "delivery.on_time", 2)])
    layer_of = {s.id: s.layer for s in model.statements}
    ids = [s.id for s in model.statements]
    assert anonymity.hidden_count(ratings, ids, anonymity.AGGREGATES_ONLY, 3) == 1
    assert anonymity.hidden_count(ratings, ids, anonymity.NAMES_HIDDEN, 3) == 0
    assert anonymity.shown_layers(ratings, layer_of, anonymity.AGGREGATES_ONLY, 3) == {"product"}


@pytest.mark.parametrize("bad", ["public", None, 3])
def test_an_unknown_level_is_refused(engine: Engine, bad: object) -> None:
    with pytest.raises(ValueError, match="anonymity"):
        storage.create_workshop(engine, "W", "T", anonymity=bad)


@pytest.mark.parametrize("bad", [1, 21, True, 2.5])
def test_a_smallest_group_out_of_range_is_refused(engine: Engine, bad: object) -> None:
    with pytest.raises(ValueError, match="smallest group"):
        storage.create_workshop(engine, "W", "T", anonymity="aggregates_only",
                                smallest_group=bad)


# --- where it holds ----------------------------------------------------------------------------


def room(engine: Engine, level: str, people: int, smallest: int = 3
         ) -> tuple[storage.Workshop, list[storage.Participant]]:
    workshop, _ = storage.create_workshop(engine, "Q1", "Support", anonymity=level,
                                          smallest_group=smallest)
    joined = [storage.join_workshop(engine, workshop.id, f"Person {i}") for i in range(people)]
    for i, person in enumerate(joined):
        storage.save_rating(engine, person, NEED, 1 + i % 5)
        storage.save_rating(engine, person, "delivery.on_time", None if i == 0 else 4)
    storage.save_rating(engine, joined[0], JOB, 2)  # one person only: never shown
    return workshop, joined


def test_aggregates_only_keeps_no_name_whoever_adds_the_participant(engine: Engine) -> None:
    workshop, joined = room(engine, anonymity.AGGREGATES_ONLY, 2)
    added = storage.add_participant(engine, workshop.id, "Facilitator typed this")
    assert [p.name for p in storage.list_participants(engine, workshop.id)] == [None] * 3
    assert added.name is None and all(p.name is None for p in joined)
    shown, _ = room(engine, anonymity.NAMES_SHOWN, 1)
    assert storage.list_participants(engine, shown.id)[0].name == "Person 0"


def test_live_view_shows_no_statement_until_three_rated_it(engine: Engine, model: Model) -> None:
    two, _ = room(engine, anonymity.AGGREGATES_ONLY, 2)
    view = live.live_view(engine, two.id, model)
    assert all(s.mean is None for s in view.assessment.statements)
    assert all(layer.self_score is None for layer in view.layers)
    assert view.top_discussion_points() == [] and view.held_back == 3
    three, people = room(engine, anonymity.AGGREGATES_ONLY, 3)
    view = live.live_view(engine, three.id, model)
    assert view.assessment.statement(NEED).mean == pytest.approx(2.0)  # 1, 2, 3
    assert view.assessment.statement(JOB).mean is None  # still one rating
    assert view.assessment.statement("delivery.on_time").mean is None  # two 4s, one don't know
    assert view.held_back == 2
    assert view.labels() == ["Participant 1", "Participant 2", "Participant 3"]


def test_report_and_exports_hold_the_level(engine: Engine, model: Model) -> None:
    workshop, _ = room(engine, anonymity.AGGREGATES_ONLY, 3)
    data = from_workshop(engine, workshop, model, "en")
    assert data.assessment.statement(JOB).mean is None
    assert data.anonymity == anonymity.AGGREGATES_ONLY and "at least 3" in data.anonymity_note()
    table = statements_table(data.assessment, model, "en").set_index("Statement")
    job = model.statement(JOB).text("en")
    assert pd.isna(table.loc[job, "Mean (1–5)"]) and table.loc[job, "Answers"] == 0
    assert results_xlsx(data.assessment, model, "en", data.actions)  # builds
    # the same rows through build_report_data directly (the CLI's way) are masked the same
    direct = build_report_data(storage.ratings_frame(engine, workshop.id), None, model, "en",
                               title="x", team="y", anonymity=anonymity.AGGREGATES_ONLY)
    assert direct.assessment.statements == data.assessment.statements


# --- the JSON file of each level ---------------------------------------------------------------


@pytest.mark.parametrize("level", anonymity.LEVELS)
def test_json_round_trip_of_each_level_gives_the_same_results(engine: Engine, model: Model,
                                                               level: str) -> None:
    workshop, people = room(engine, level, 4)
    storage.save_comment(engine, people[1], "product", "They never call back")
    storage.save_comment(engine, people[2], "product", "=1+1 fine")
    storage.save_comment(engine, people[2], "delivery", "On time, mostly")
    comment = storage.workshop_comments(engine, workshop.id)[0]
    storage.set_marked(engine, workshop.id, comment.id, True)
    content = export_json(engine, workshop, model)
    moved, _ = import_workshop(engine, content, model)
    assert (moved.anonymity, moved.smallest_group) == (level, 3)
    before, after = (from_workshop(engine, w, model, "en") for w in (workshop, moved))
    assert after.assessment.statements == before.assessment.statements
    assert [r.self_score for r in after.assessment.layers] == [
        r.self_score for r in before.assessment.layers]
    assert after.assessment.priorities == before.assessment.priorities
    assert after.participants == before.participants
    assert sorted(after.comments, key=lambda c: c.text) == sorted(before.comments,
                                                                  key=lambda c: c.text)
    assert any(c.marked for c in after.comments)
    if level == anonymity.NAMES_SHOWN:
        assert {c.author for c in after.comments} == {"Person 1", "Person 2"}
    else:
        assert all(c.author is None for c in after.comments)


def test_an_aggregates_only_file_has_no_per_person_data(engine: Engine, model: Model) -> None:
    workshop, people = room(engine, anonymity.AGGREGATES_ONLY, 4)
    storage.save_comment(engine, people[0], "product", "Slow answers")
    data = export_workshop(engine, workshop, model)
    assert data["participants"] == [] and data["ratings"] == []
    assert data["aggregates"]["joined"] == 4 and data["aggregates"]["answered"] == 4
    assert data["aggregates"]["statements"] == {
        NEED: {"1": 1, "2": 1, "3": 1, "4": 1, "5": 0, "dont_know": 0},
        "delivery.on_time": {"1": 0, "2": 0, "3": 0, "4": 3, "5": 0, "dont_know": 1}}
    assert data["comments"] == [{"layer": "product", "text": "Slow answers", "marked": False}]
    text = export_json(engine, workshop, model).decode()
    assert "Person" not in text and JOB not in text  # no names; the one-rating statement is out


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["participants"].append({"number": 1, "name": "Anna"}), "by person"),
    (lambda d: d["aggregates"]["statements"][NEED].update({"1": 0, "2": 0, "3": 0}),
     "fewer than 3"),
    (lambda d: d["aggregates"].update(answered=9), "between 0 and 'joined'"),
    (lambda d: d["comments"].append({"layer": "product", "text": "x", "participant": 1}),
     "names nobody"),
    (lambda d: d["comments"].append({"layer": "nope", "text": "x"}), "unknown layer"),
    (lambda d: d["comments"].append({"layer": "product", "text": "x" * 501}), "longer than 500"),
    (lambda d: d["workshop"].update(anonymity="public"), "workshop.anonymity"),
    (lambda d: d["workshop"].update(smallest_group=1), "workshop.smallest_group"),
])
def test_a_doctored_aggregates_only_file_is_refused(engine: Engine, model: Model, change,  # noqa: ANN001
                                                    message: str) -> None:
    workshop, _ = room(engine, anonymity.AGGREGATES_ONLY, 4)
    data = export_workshop(engine, workshop, model)
    change(data)
    with pytest.raises(WorkshopFileError, match=message):
        import_workshop(engine, json.dumps(data).encode(), model)


def test_a_version_1_file_still_imports_as_names_hidden(engine: Engine, model: Model) -> None:
    workshop, _ = room(engine, anonymity.NAMES_HIDDEN, 3)
    data = export_workshop(engine, workshop, model)
    data["version"] = 1
    for key in ("anonymity", "smallest_group"):
        del data["workshop"][key]
    del data["comments"]
    moved, _ = import_workshop(engine, json.dumps(data).encode(), model)
    assert moved.anonymity == anonymity.NAMES_HIDDEN
    assert [p.name for p in storage.list_participants(engine, moved.id)][:1] == ["Person 0"]
