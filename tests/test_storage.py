"""Storage: many writers on one SQLite file, schema upgrades of older databases, isolation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from loyalty_model.workshop import storage
from loyalty_model.workshop.storage import schema
from tests.postgres import fresh_schema_url

# The schema as version 1 of the app created it, frozen here: the upgrade test must not follow
# later edits of storage.metadata. {id} and {ts} are the only types the two databases spell
# differently.
V1_TABLES = """
CREATE TABLE workshops (
    id {id}, code VARCHAR(16) NOT NULL UNIQUE, facilitator_key_hash VARCHAR(64) NOT NULL,
    name VARCHAR(200) NOT NULL, team VARCHAR(200) NOT NULL, language VARCHAR(2) NOT NULL,
    created_at {ts} NOT NULL, revealed BOOLEAN NOT NULL, is_sample BOOLEAN NOT NULL);
CREATE TABLE participants (
    id {id}, workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    token VARCHAR(64) NOT NULL UNIQUE, name VARCHAR(120), created_at {ts} NOT NULL);
CREATE INDEX ix_participants_workshop_id ON participants (workshop_id);
CREATE TABLE ratings (
    id {id}, workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    statement_id VARCHAR(80) NOT NULL, rating INTEGER, answered_at {ts} NOT NULL,
    CONSTRAINT uq_rating_once UNIQUE (participant_id, statement_id));
CREATE INDEX ix_ratings_workshop_id ON ratings (workshop_id);
CREATE TABLE kpi_values (
    id {id}, workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    kpi VARCHAR(80) NOT NULL, period VARCHAR(16) NOT NULL, value FLOAT NOT NULL, target FLOAT,
    CONSTRAINT uq_kpi_period UNIQUE (workshop_id, kpi, period));
CREATE TABLE actions (
    id {id}, workshop_id INTEGER NOT NULL REFERENCES workshops (id) ON DELETE CASCADE,
    position INTEGER NOT NULL, action TEXT NOT NULL, layer VARCHAR(40), owner VARCHAR(200),
    due_date VARCHAR(10));
CREATE TABLE column_mappings (
    signature VARCHAR(64) PRIMARY KEY, kind VARCHAR(20) NOT NULL, mapping TEXT NOT NULL);
"""
V1_META = """
CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(256) NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
"""
V1_ROWS = """
INSERT INTO workshops (id, code, facilitator_key_hash, name, team, language, created_at,
                       revealed, is_sample)
VALUES (1, 'ABCDEF', '{key_hash}', 'Q4 review', 'Support', 'da', '2026-01-05 10:00:00', FALSE,
        FALSE);
INSERT INTO participants (id, workshop_id, token, name, created_at)
VALUES (1, 1, 'tok-anna', 'Anna', '2026-01-05 10:01:00');
INSERT INTO ratings (id, workshop_id, participant_id, statement_id, rating, answered_at)
VALUES (1, 1, 1, 'product.primary_need', 4, '2026-01-05 10:02:00'),
       (2, 1, 1, 'product.does_the_job', NULL, '2026-01-05 10:02:30');
INSERT INTO kpi_values (id, workshop_id, kpi, period, value, target)
VALUES (1, 1, 'nps', '2025-Q4', 31.0, NULL);
"""
# Version 2 added the series column and an index, frozen here like the v1 schema above.
V2_STEP = """
ALTER TABLE workshops ADD COLUMN series VARCHAR(64);
UPDATE workshops SET series = code WHERE series IS NULL;
CREATE INDEX ix_workshops_series ON workshops (series);
CREATE INDEX ix_ratings_workshop_statement ON ratings (workshop_id, statement_id);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
"""
TYPES = {"sqlite": {"id": "INTEGER NOT NULL PRIMARY KEY", "ts": "DATETIME"},
         "postgresql": {"id": "SERIAL PRIMARY KEY", "ts": "TIMESTAMP WITH TIME ZONE"}}


def build_old_database(url: str, with_meta: bool, version: int = 1) -> None:
    """A database as an older app left it: v1 or v2 (with meta), or v0 (before versioning)."""
    old = create_engine(storage.database_url(url))
    script = V1_TABLES.format(**TYPES[old.dialect.name])
    script += (V1_META if with_meta else "")
    script += V1_ROWS.replace("{key_hash}", storage._hash_key("old-key"))
    if version == 2:
        script += V2_STEP
    with old.begin() as conn:
        for statement in script.split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
        if old.dialect.name == "postgresql":  # explicit ids above: move the sequences on
            for table in ("workshops", "participants", "ratings", "kpi_values"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', 100)")
    old.dispose()


def assert_upgraded_with_data_intact(url: str) -> None:
    engine = storage.make_engine(url)
    try:
        assert storage.schema_version(engine) == storage.SCHEMA_VERSION == 6
        columns = {c["name"] for c in inspect(engine).get_columns("workshops")}
        assert {"series", "joining_open"} <= columns
        assert {"client_id", "anonymity", "smallest_group"} <= columns  # v6
        indexes = {i["name"] for i in inspect(engine).get_indexes("ratings")}
        assert "ix_ratings_workshop_statement" in indexes
        old = storage.workshop_by_code(engine, "ABCDEF")
        assert old is not None and old.series == "ABCDEF" and old.language == "da"
        assert old.anonymity == "names_hidden" and old.client_id is None  # as before v6
        assert old.joining_open  # workshops from before the switch stay open
        assert storage.is_facilitator(engine, old, "old-key")
        anna = storage.participant_by_token(engine, old.id, "tok-anna")  # v5: her link works
        with engine.connect() as conn:  # ... and only its hash is stored
            stored = conn.exec_driver_sql("SELECT token_hash FROM participants").scalars().all()
        assert stored == [storage.token_hash("tok-anna")]
        assert storage.participant_answers(engine, anna.id) == {
            "product.primary_need": 4, "product.does_the_job": None}
        assert storage.kpis_frame(engine, old.id)["value"].tolist() == [31.0]
        # the upgraded database takes new writes and the new features
        storage.save_rating(engine, anna, "product.primary_need", 2)
        assert storage.participant_answers(engine, anna.id)["product.primary_need"] == 2
        follow_up, _ = storage.create_follow_up(engine, old, "Q1 review")
        assert [w.code for w in storage.series_workshops(engine, follow_up)] == [
            "ABCDEF", follow_up.code]
        assert follow_up.joining_open
        storage.save_targets(engine, old.id, {"on_time_delivery_rate": 0.9})  # v4: targets
        assert storage.targets(engine, old.id) == {"on_time_delivery_rate": 0.9}
        storage.set_joining_open(engine, old.id, False)
        with pytest.raises(storage.JoiningClosed):
            storage.join_workshop(engine, old.id, "Late")
    finally:
        engine.dispose()
    # opening it again is a no-op
    again = storage.make_engine(url)
    assert storage.schema_version(again) == 6
    again.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_schema_url() as url:
        yield url


# --- SQLite set-up -----------------------------------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_sqlite_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    monkeypatch.delenv("SKAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("SKAB_DB_PATH", str(tmp_path / "deep" / "dir" / "x.db"))
    engine = storage.make_engine()
    assert Path(engine.url.database) == tmp_path / "deep" / "dir" / "x.db"
    assert (tmp_path / "deep" / "dir" / "x.db").exists()
    engine.dispose()


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h:5433/db", "postgresql+psycopg://u@h:5433/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
])
def test_database_url_normalises_postgres_urls(given: str, expected: str) -> None:
    assert storage.database_url(given) == expected


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKAB_DATABASE_URL", "postgres://u@h/db")
    assert storage.database_url() == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(("settings", "expected"), [
    (None, None),
    ({}, None),
    ({"url": "postgresql://u:p@h/db"}, "postgresql://u:p@h/db"),
    ({"dialect": "postgresql", "driver": "psycopg", "username": "u", "password": "p@ss",
      "host": "h", "port": 5432, "database": "db"}, "postgresql+psycopg://u:p%40ss@h:5432/db"),
    ({"host": "h"}, None),
])
def test_url_from_connection_settings(settings: dict | None, expected: str | None) -> None:
    assert storage.url_from_settings(settings) == expected


# --- schema versions ---------------------------------------------------------------------------


def test_a_new_database_is_at_the_current_version(engine: Engine) -> None:
    assert storage.schema_version(engine) == storage.SCHEMA_VERSION


@pytest.mark.parametrize(("with_meta", "version"), [(True, 2), (True, 1), (False, 0)],
                         ids=["v2", "v1", "v0-unversioned"])
def test_an_older_sqlite_database_is_upgraded_in_place(db_path: Path, with_meta: bool,
                                                       version: int) -> None:
    build_old_database(f"sqlite:///{db_path}", with_meta, version)
    old = create_engine(f"sqlite:///{db_path}")
    assert "joining_open" not in {c["name"] for c in inspect(old).get_columns("workshops")}
    old.dispose()
    assert_upgraded_with_data_intact(f"sqlite:///{db_path}")


@pytest.mark.postgres
@pytest.mark.parametrize("version", [2, 1])
def test_an_older_postgres_database_is_upgraded_in_place(pg_url: str, version: int) -> None:
    build_old_database(pg_url, with_meta=True, version=version)
    assert_upgraded_with_data_intact(pg_url)


def test_a_database_from_a_newer_app_is_refused(engine: Engine, db_path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    with pytest.raises(RuntimeError, match="newer than this app"):
        storage.make_engine(f"sqlite:///{db_path}")


def test_a_failing_migration_leaves_the_old_schema(db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    build_old_database(f"sqlite:///{db_path}", with_meta=True)
    broken = {**storage.MIGRATIONS, 2: [*storage.MIGRATIONS[2], "THIS IS NOT SQL"]}
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(Exception, match="syntax error"):
        storage.make_engine(f"sqlite:///{db_path}")
    monkeypatch.undo()
    old = create_engine(f"sqlite:///{db_path}")
    assert "series" not in {c["name"] for c in inspect(old).get_columns("workshops")}
    old.dispose()
    assert_upgraded_with_data_intact(f"sqlite:///{db_path}")


# --- answers, tokens, series -------------------------------------------------------------------


def test_answering_again_replaces_the_answer(engine: Engine) -> None:
    workshop, _ = storage.create_workshop(engine, "W", "T")
    me = storage.add_participant(engine, workshop.id, "Kim")
    storage.save_rating(engine, me, "product.primary_need", 2)
    storage.save_rating(engine, me, "product.primary_need", None)
    storage.save_rating(engine, me, "product.primary_need", 5)
    assert storage.participant_answers(engine, me.id) == {"product.primary_need": 5}
    assert storage.count_ratings(engine, workshop.id) == 1
    with pytest.raises(ValueError):
        storage.save_rating(engine, me, "product.primary_need", 6)


def test_a_closed_workshop_admits_nobody_new_but_keeps_its_participants(engine: Engine
                                                                         ) -> None:
    workshop, _ = storage.create_workshop(engine, "W", "T")
    assert workshop.joining_open
    early = storage.join_workshop(engine, workshop.id, "Early")
    storage.set_joining_open(engine, workshop.id, False)
    assert not storage.get_workshop(engine, workshop.id).joining_open
    assert not storage.workshop_by_code(engine, workshop.code).joining_open
    with pytest.raises(storage.JoiningClosed):
        storage.join_workshop(engine, workshop.id, "Late")
    assert [p.name for p in storage.list_participants(engine, workshop.id)] == ["Early"]
    # the participant who joined before goes on rating with their token
    again = storage.participant_by_token(engine, workshop.id, early.token)
    storage.save_rating(engine, again, "product.primary_need", 4)
    assert storage.participant_answers(engine, early.id) == {"product.primary_need": 4}
    storage.set_joining_open(engine, workshop.id, True)
    assert storage.join_workshop(engine, workshop.id, "Later").name == "Later"


def test_a_participant_token_is_bound_to_its_workshop(engine: Engine) -> None:
    mine, _ = storage.create_workshop(engine, "Mine", "A")
    other, _ = storage.create_workshop(engine, "Other", "B")
    me = storage.add_participant(engine, mine.id)
    assert storage.participant_by_token(engine, mine.id, me.token) == me
    assert storage.participant_by_token(engine, other.id, me.token) is None
    assert storage.participant_by_token(engine, mine.id, None) is None
    assert me.name is None and len(me.token) >= 24


def test_codes_are_short_unambiguous_and_random() -> None:
    codes = {storage.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 6 and set(c) <= set(storage.CODE_ALPHABET) for c in codes)
    assert not set(storage.CODE_ALPHABET) & set("01IO")
    assert len(storage.CODE_ALPHABET) ** storage.CODE_LENGTH == 1_073_741_824


def test_a_team_name_alone_does_not_join_a_series(engine: Engine) -> None:
    first, key = storage.create_workshop(engine, "Q1", "Acme")
    stranger, _ = storage.create_workshop(engine, "Q1 (another consultant)", "Acme")
    second, _ = storage.create_follow_up(engine, first, "Q2")
    assert [w.id for w in storage.series_workshops(engine, second)] == [first.id, second.id]
    assert [w.id for w in storage.series_workshops(engine, stranger)] == [stranger.id]
    # linking needs the earlier workshop's key and the same team
    assert not storage.link_to_earlier(engine, stranger, first.code, "guess")
    other_team, _ = storage.create_workshop(engine, "Q3", "Other")
    assert not storage.link_to_earlier(engine, other_team, first.code, key)
    separate, _ = storage.create_workshop(engine, "Q3", "Acme")
    assert storage.link_to_earlier(engine, separate, first.code, key)
    separate = storage.get_workshop(engine, separate.id)
    assert [w.id for w in storage.series_workshops(engine, separate)] == [
        first.id, second.id, separate.id]


def test_writers_are_served_first_come_first_served() -> None:
    lock = storage.FairLock()
    order: list[int] = []
    lock.acquire()
    threads = []
    for i in range(5):
        thread = threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i),
                                                      lock.release()))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # let each one queue before the next
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
