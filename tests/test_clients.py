"""Clients: keys, attaching a team's workshops with both keys, and the roll-up of their results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from loyalty_model.assessment import rollup
from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model
from loyalty_model.workshop import links, storage
from loyalty_model.workshop.client_rollup import load_client_rollup


def rate(engine: Engine, workshop: storage.Workshop, model: Model, people: int,
         rating: dict[str, int], default: int = 3) -> None:
    """`people` participants rating every statement: per layer as `rating` says."""
    for _ in range(people):
        person = storage.add_participant(engine, workshop.id)
        for statement in model.statements:
            storage.save_rating(engine, person, statement.id,
                                rating.get(statement.layer, default))


def kpis(values: dict[str, float | tuple[float, float]]) -> pd.DataFrame:
    """A KPI set for one quarter: value, or (value, target)."""
    rows = []
    for kpi, value in values.items():
        number, target = value if isinstance(value, tuple) else (value, None)
        rows.append({"kpi": kpi, "value": number, "period": "2026-Q3", "target": target})
    return pd.DataFrame(rows)


def make_team(engine: Engine, model: Model, team: str, rating: dict[str, int],
              kpi_values: dict[str, float] | None = None, when: datetime | None = None
              ) -> tuple[storage.Workshop, str]:
    workshop, key = storage.create_workshop(engine, f"{team} Q3", team, created_at=when)
    rate(engine, workshop, model, 3, rating)
    if kpi_values:
        storage.save_kpis(engine, workshop.id, kpis(kpi_values))
    return workshop, key


def own_assessment(engine: Engine, workshop: storage.Workshop, model: Model):  # noqa: ANN201
    """What the team's own results page computes."""
    return assess(storage.ratings_frame(engine, workshop.id),
                  storage.kpis_frame(engine, workshop.id), model,
                  targets=storage.targets(engine, workshop.id))


# --- keys and attaching ------------------------------------------------------------------------


def test_a_client_key_is_stored_hashed_and_opens_only_its_client(any_engine: Engine) -> None:
    acme, acme_key = storage.create_client(any_engine, "  Acme A/S  ")
    other, other_key = storage.create_client(any_engine, "Other ApS")
    assert acme.name == "Acme A/S"
    with any_engine.connect() as conn:
        stored = conn.execute(storage.schema.clients.select()).all()
    assert all(acme_key not in tuple(map(str, row)) for row in stored)
    assert storage.is_client_key(any_engine, acme.id, acme_key)
    assert storage.client_by_key(any_engine, str(acme.id), acme_key).name == "Acme A/S"
    assert not storage.is_client_key(any_engine, acme.id, other_key)
    assert not storage.is_client_key(any_engine, other.id, acme_key)
    for bad_id in (None, "", "x", "-1", "0", str(10**12)):
        assert not storage.is_client_key(any_engine, bad_id, acme_key)
    assert not storage.is_client_key(any_engine, acme.id, None)
    with pytest.raises(ValueError):
        storage.create_client(any_engine, "   ")


def test_attaching_needs_both_keys(any_engine: Engine, model: Model) -> None:
    client, client_key = storage.create_client(any_engine, "Acme")
    other, other_key = storage.create_client(any_engine, "Other")
    workshop, key = make_team(any_engine, model, "Sales", {})
    stranger, stranger_key = make_team(any_engine, model, "Stranger", {})
    assert storage.attach_workshop(any_engine, workshop, stranger_key, client.id,
                                   client_key) is None  # not this workshop's key
    assert storage.attach_workshop(any_engine, workshop, key, client.id, other_key) is None
    assert storage.attach_workshop(any_engine, workshop, key, client.id, None) is None
    assert storage.client_workshops(any_engine, client.id) == []
    assert storage.workshop_client(any_engine, workshop) is None
    attached = storage.attach_workshop(any_engine, workshop, key, client.id, client_key)
    assert attached is not None and attached.id == client.id
    assert storage.workshop_client(any_engine, workshop).name == "Acme"
    assert [[w.id for w in team] for team in storage.client_workshops(any_engine, client.id)] \
        == [[workshop.id]]
    assert storage.client_workshops(any_engine, other.id) == []


def test_a_team_is_its_series_and_follow_ups_join_the_client(any_engine: Engine,
                                                             model: Model) -> None:
    client, client_key = storage.create_client(any_engine, "Acme")
    start = datetime(2026, 3, 1, tzinfo=UTC)
    first, first_key = make_team(any_engine, model, "Sales", {}, when=start)
    storage.attach_workshop(any_engine, first, first_key, client.id, client_key)
    follow_up, _ = storage.create_follow_up(any_engine, first, "Sales Q4")
    support, support_key = make_team(any_engine, model, "Support", {},
                                     when=start + timedelta(days=3))
    storage.attach_workshop(any_engine, support, support_key, client.id, client_key)
    teams = storage.client_workshops(any_engine, client.id)
    assert [[w.id for w in team] for team in teams] == [[first.id, follow_up.id], [support.id]]
    assert [w.id for w in storage.latest_per_team(teams)] == [follow_up.id, support.id]
    # the follow-up's facilitator page knows its client too
    assert storage.workshop_client(any_engine, follow_up).id == client.id


def test_moving_a_team_to_another_client_takes_its_series_along(any_engine: Engine,
                                                                model: Model) -> None:
    first_client, first_key = storage.create_client(any_engine, "First")
    second_client, second_key = storage.create_client(any_engine, "Second")
    workshop, key = make_team(any_engine, model, "Sales", {})
    storage.attach_workshop(any_engine, workshop, key, first_client.id, first_key)
    follow_up, follow_key = storage.create_follow_up(any_engine, workshop, "Again")
    storage.attach_workshop(any_engine, follow_up, follow_key, second_client.id, second_key)
    assert storage.client_workshops(any_engine, first_client.id) == []
    assert [len(team) for team in storage.client_workshops(any_engine, second_client.id)] == [2]


def test_a_team_leaves_its_client_with_its_series_and_keeps_its_data(any_engine: Engine,
                                                                     model: Model) -> None:
    client, client_key = storage.create_client(any_engine, "Acme")
    sales, sales_key = make_team(any_engine, model, "Sales", {})
    storage.attach_workshop(any_engine, sales, sales_key, client.id, client_key)
    follow_up, follow_key = storage.create_follow_up(any_engine, sales, "Sales Q4")
    support, support_key = make_team(any_engine, model, "Support", {})
    storage.attach_workshop(any_engine, support, support_key, client.id, client_key)
    answers = storage.count_ratings(any_engine, sales.id)
    version = storage.client_data_version(any_engine, client.id)

    # the team's facilitator, from the follow-up: the wrong key changes nothing
    assert not storage.detach_workshop(any_engine, follow_up, "not-the-key")
    assert len(storage.client_workshops(any_engine, client.id)) == 2
    assert storage.detach_workshop(any_engine, follow_up, follow_key)
    assert [[w.team for w in team] for team in storage.client_workshops(any_engine, client.id)] \
        == [["Support"]]
    assert storage.workshop_client(any_engine, sales) is None
    assert storage.workshop_client(any_engine, follow_up) is None
    assert storage.count_ratings(any_engine, sales.id) == answers > 0  # nothing deleted
    assert storage.client_data_version(any_engine, client.id) != version  # no stale roll-up
    # and it can come back with the client link
    assert storage.attach_workshop(any_engine, sales, sales_key, client.id, client_key)
    assert len(storage.client_workshops(any_engine, client.id)) == 2

    # the consultant, from the client view: needs the client key and a team it has
    assert not storage.remove_team(any_engine, client.id, "not-the-key", "Sales")
    assert not storage.remove_team(any_engine, client.id, client_key, "Marketing")
    assert storage.remove_team(any_engine, client.id, client_key, " sales ")  # as grouped
    assert [[w.team for w in team] for team in storage.client_workshops(any_engine, client.id)] \
        == [["Support"]]
    assert storage.count_ratings(any_engine, sales.id) == answers


def test_the_data_version_moves_with_every_answer(any_engine: Engine, model: Model) -> None:
    client, client_key = storage.create_client(any_engine, "Acme")
    workshop, key = make_team(any_engine, model, "Sales", {})
    before = storage.client_data_version(any_engine, client.id)
    storage.attach_workshop(any_engine, workshop, key, client.id, client_key)
    attached = storage.client_data_version(any_engine, client.id)
    assert attached != before
    person = storage.add_participant(any_engine, workshop.id)
    storage.save_rating(any_engine, person, model.statements[0].id, 5)
    rated = storage.client_data_version(any_engine, client.id)
    assert rated != attached
    storage.save_actions(any_engine, workshop.id, pd.DataFrame(
        [{"action": "Call back", "layer": "product", "owner": None, "due_date": None}]))
    planned = storage.client_data_version(any_engine, client.id)
    assert planned != rated
    storage.save_kpis(any_engine, workshop.id, kpis({"nps": 20}))
    assert storage.client_data_version(any_engine, client.id) != planned


def test_client_links_round_trip_and_junk_is_no_link() -> None:
    link = links.client_link("https://skab.example", 12, "abcDEF123_-xyz")
    assert links.parse_client_link(link) == ("12", "abcDEF123_-xyz")
    assert links.parse_client_link(f"  {link}\n") == ("12", "abcDEF123_-xyz")
    for junk in ("", None, "https://skab.example/facilitate?w=ABCDEF&k=abcdefgh12",
                 "https://x/client?client=abc&ck=abcdefgh12", "https://x/client?client=3&ck=<b>"):
        assert links.parse_client_link(junk) is None


# --- the roll-up ---------------------------------------------------------------------------------


BLIND = {"product": 5, "communication": 4}  # a proud team
HUMBLE = {"product": 2, "communication": 2}
NUMBERS = {"product_survey_score": (6.0, 8.0), "communication_score": (6.5, 8.0),
           "first_contact_resolution": 0.7, "nps": (20.0, 30.0)}


def three_teams(engine: Engine, model: Model) -> tuple[storage.Client, dict[str, storage.Workshop]]:
    client, client_key = storage.create_client(engine, "Acme")
    start = datetime(2026, 1, 5, tzinfo=UTC)
    made = {}
    for offset, (team, rating) in enumerate((("Sales", BLIND), ("Support", HUMBLE),
                                             ("Warehouse", {}))):
        workshop, key = make_team(engine, model, team, rating, NUMBERS,
                                  when=start + timedelta(days=offset))
        storage.attach_workshop(engine, workshop, key, client.id, client_key)
        made[team] = workshop
    return client, made


def test_each_team_cell_is_the_teams_own_result(any_engine: Engine, model: Model) -> None:
    client, made = three_teams(any_engine, model)
    result = load_client_rollup(any_engine, client, model)
    heat = result and rollup.heatmap_frame(result)
    assert [team.name for team in result.teams] == ["Sales", "Support", "Warehouse"]
    for team, workshop in made.items():
        own = own_assessment(any_engine, workshop, model)
        rows = heat[heat["team"] == team].set_index("layer")
        for layer in own.layers:
            assert rows.loc[layer.layer, "status"] == layer.status
            for column in ("self_score", "kpi_score", "gap"):
                expected = getattr(layer, column)
                got = rows.loc[layer.layer, column]
                assert (pd.isna(got) and expected is None) or got == pytest.approx(expected)
        assert list(rows.sort_values("priority").index) == list(own.priorities)


def test_teams_that_read_a_layer_differently_are_named(any_engine: Engine, model: Model) -> None:
    client, _ = three_teams(any_engine, model)
    result = load_client_rollup(any_engine, client, model)
    splits = {split.layer: split for split in rollup.team_disagreements(result, model)}
    statuses = {team.name: team.latest.assessment.layer("product").status
                for team in result.teams}
    assert statuses["Sales"] == "blind_spot" and statuses["Support"] != "blind_spot"
    assert "product" in splits
    assert "Sales" in splits["product"].teams_by_status["blind_spot"]
    assert splits["product"].lowest == pytest.approx(25.0)  # Support rated product 2
    assert splits["product"].highest == pytest.approx(100.0)


def test_client_priorities_put_a_weak_basic_before_a_weaker_wow(model: Model) -> None:
    settings = model.scoring
    weak = settings.weak_layer_below
    team_scores = {"product": weak - 5, "communication": weak + 20, "delivery": weak + 20,
                   "fault_correction": weak + 20, "wow": weak - 30}
    layers = tuple(
        rollup.LayerResult(layer=layer.id, self_score=team_scores[layer.id], kpi_score=None,
                           gap=None, status="no_evidence", spread=None, n_participants=3)
        for layer in model.layers)
    assessment = rollup.Assessment(layers=layers, statements=(), kpis=(),
                                   priorities=rollup.prioritise(layers, model, settings),
                                   settings=settings)
    team = rollup.Team("One", (rollup.TeamWorkshop("W", datetime(2026, 1, 1), assessment,
                                                   pd.DataFrame(columns=rollup.PLAN_COLUMNS[1:])),))
    result = rollup.build_rollup("Acme", [team, team], model)
    assert result.priorities[0] == "product"
    assert result.priorities.index("product") < result.priorities.index("wow")


def test_shared_priorities_and_combined_plan_name_the_team(any_engine: Engine,
                                                           model: Model) -> None:
    client, made = three_teams(any_engine, model)
    storage.save_actions(any_engine, made["Support"].id, pd.DataFrame([
        {"action": "Answer within a day", "layer": "communication", "owner": "Mia",
         "due_date": "2026-02-01"},
        {"action": "Surprise a customer", "layer": "wow", "owner": None, "due_date": None}]))
    result = load_client_rollup(any_engine, client, model)
    shared = rollup.shared_priorities(result, model)
    for item in shared:
        assert len(item.teams) >= 2
        for name in item.teams:
            assert item.layer in result.team(name).latest.assessment.priorities[:rollup.TOP]
    plan = rollup.combined_plan(result)
    support = plan[plan["team"] == "Support"]
    assert list(support["action"]) == ["Answer within a day", "Surprise a customer"]
    assert set(plan["team"]) == {"Sales", "Support", "Warehouse"}
    assert rollup.proposed_teams(result) == ["Sales", "Warehouse"]
    rank = {layer: i for i, layer in enumerate(result.priorities)}
    ranks = [rank.get(layer, len(rank)) for layer in plan["layer"]]
    assert ranks == sorted(ranks)  # the client's most urgent layers first


def test_each_teams_trend_has_every_workshop(any_engine: Engine, model: Model) -> None:
    client, client_key = storage.create_client(any_engine, "Acme")
    first, key = make_team(any_engine, model, "Sales", {"product": 2},
                           when=datetime(2026, 1, 1, tzinfo=UTC))
    storage.attach_workshop(any_engine, first, key, client.id, client_key)
    second, _ = storage.create_follow_up(any_engine, first, "Sales again")
    rate(any_engine, second, model, 3, {"product": 5})
    result = load_client_rollup(any_engine, client, model)
    trend = rollup.trend_frame(result)
    product = trend[(trend["layer"] == "product") & (trend["measure"] == "self")]
    assert list(product["score"]) == [pytest.approx(25.0), pytest.approx(100.0)]
    assert product["workshop"].nunique() == 2


def test_an_aggregates_only_team_shows_no_score_below_its_smallest_group(
        engine: Engine, model: Model) -> None:
    client, client_key = storage.create_client(engine, "Acme")
    workshop, key = storage.create_workshop(engine, "Small", "Tiny team")
    with storage.writing(engine) as conn:
        conn.execute(storage.workshops.update().where(storage.workshops.c.id == workshop.id)
                     .values(anonymity="aggregates_only", smallest_group=3))
    rate(engine, workshop, model, 2, {"product": 5})
    storage.attach_workshop(engine, workshop, key, client.id, client_key)
    heat = rollup.heatmap_frame(load_client_rollup(engine, client, model))
    assert heat["self_score"].isna().all()
    rate(engine, workshop, model, 1, {"product": 5})
    heat = rollup.heatmap_frame(load_client_rollup(engine, client, model))
    assert heat.set_index("layer").loc["product", "self_score"] == pytest.approx(100.0)


def test_the_data_version_moves_with_the_anonymity_level(engine: Engine, model: Model) -> None:
    client, client_key = storage.create_client(engine, "Acme")
    workshop, key = make_team(engine, model, "Sales", {})
    storage.attach_workshop(engine, workshop, key, client.id, client_key)
    before = storage.client_data_version(engine, client.id)
    with storage.writing(engine) as conn:
        conn.execute(storage.workshops.update().where(storage.workshops.c.id == workshop.id)
                     .values(anonymity="aggregates_only"))
    assert storage.client_data_version(engine, client.id) != before
