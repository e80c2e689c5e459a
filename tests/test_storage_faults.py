"""A database that is missing, read-only or unreachable is an error someone sees, never a lie.

Issue 16.2: with the database folder removed while the app ran, ratings, new workshops and
joins all "succeeded" (open connections wrote on into the deleted file) and were gone after a
restart. Issue 15.3: an uncreatable path or a read-only database put tracebacks on screen; the
operator needs one clear log line instead. Issue 16.6: a failing insert printed a participant's
token into the log and onto the screen.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from loyalty_model.workshop import storage
from tests.postgres import fresh_schema_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder_db(tmp_path: Path) -> Iterator[tuple[Engine, Path]]:
    folder = tmp_path / "data"
    engine = storage.make_engine(f"sqlite:///{folder / 'skab.db'}")
    yield engine, folder
    engine.dispose()


def test_a_removed_database_folder_fails_every_write_and_creates_nothing(
        folder_db: tuple[Engine, Path]) -> None:
    engine, folder = folder_db
    workshop, _ = storage.create_workshop(engine, "W", "T")
    kim = storage.join_workshop(engine, workshop.id, "Kim")
    storage.save_rating(engine, kim, "product.primary_need", 4)  # pooled connections are open
    shutil.rmtree(folder)
    for write in (lambda: storage.save_rating(engine, kim, "product.primary_need", 5),
                  lambda: storage.create_workshop(engine, "Another", "T"),
                  lambda: storage.join_workshop(engine, workshop.id, "Bo")):
        with pytest.raises(storage.STORAGE_ERRORS):
            write()
    with pytest.raises(storage.STORAGE_ERRORS):  # and nothing is read from the deleted file
        storage.participant_answers(engine, kim.id)
    assert not folder.exists()  # no fresh, empty database took its place


def test_a_file_removed_during_a_write_rolls_the_write_back(
        folder_db: tuple[Engine, Path]) -> None:
    engine, folder = folder_db
    with pytest.raises(storage.StorageUnavailable), storage.writing(engine) as conn:
        conn.exec_driver_sql("UPDATE meta SET value = value")
        os.rename(folder / "skab.db", folder / "moved.db")  # the file leaves its path
    assert not (folder / "skab.db").exists()


def test_an_uncreatable_path_is_one_clear_log_line(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'sub' / 'skab.db'}"
    with caplog.at_level(logging.WARNING, logger="skab_promoters"):
        for _ in range(3):  # every page retries; the log says it once
            with pytest.raises(storage.StorageUnavailable) as raised:
                storage.make_engine(url)
    assert "Traceback" not in str(raised.value)
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("skab_promoters")]
    assert len(lines) == 1 and "cannot be opened" in lines[0] and "a-file" in lines[0]


def test_a_failing_insert_shows_no_token_anywhere(engine: Engine,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    workshop, _ = storage.create_workshop(engine, "W", "T")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON participants "
                             "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    monkeypatch.setattr("secrets.token_urlsafe", lambda _n=None: "TOKEN-SEEN-ONLY-HERE")
    with caplog.at_level(logging.DEBUG), pytest.raises(storage.STORAGE_ERRORS) as raised:
        storage.join_workshop(engine, workshop.id, "Kim")
    shown = str(raised.value) + caplog.text
    assert "TOKEN-SEEN-ONLY-HERE" not in shown
    assert storage.token_hash("TOKEN-SEEN-ONLY-HERE") not in shown


def test_tokens_are_stored_as_hashes_and_links_still_work(engine: Engine) -> None:
    workshop, _ = storage.create_workshop(engine, "W", "T")
    kim = storage.join_workshop(engine, workshop.id, "Kim")
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM participants").scalar_one()
    assert kim.token and kim.token not in stored and stored == storage.token_hash(kim.token)
    assert storage.participant_by_token(engine, workshop.id, kim.token).id == kim.id
    assert storage.participant_by_token(engine, workshop.id, stored) is None  # not the hash
    assert storage.list_participants(engine, workshop.id)[0].token is None


@pytest.mark.postgres
def test_a_read_only_postgres_opens_for_reading_and_refuses_writes(
        caplog: pytest.LogCaptureFixture) -> None:
    with fresh_schema_url() as url:
        writable = storage.make_engine(url)
        workshop, _ = storage.create_workshop(writable, "W", "T")
        writable.dispose()
        read_only = url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20")
        with caplog.at_level(logging.WARNING, logger="skab_promoters"):
            engine = storage.make_engine(read_only)
        try:
            assert storage.get_workshop(engine, workshop.id).name == "W"
            with pytest.raises(storage.STORAGE_ERRORS):
                storage.join_workshop(engine, workshop.id, "Kim")
            assert any("read-only" in r.getMessage() for r in caplog.records)
        finally:
            engine.dispose()


READ_ONLY_SCRIPT = textwrap.dedent("""
    import sys
    from loyalty_model.workshop import storage
    engine = storage.make_engine(sys.argv[1])
    workshop = storage.get_workshop(engine, 1)
    try:
        storage.create_workshop(engine, "New", "T")
    except storage.STORAGE_ERRORS:
        print("refused", workshop.name)
""")


def read_only_command(script: str, url: str) -> list[str]:
    """Run as this user; as root, without the capability that ignores file permissions."""
    command = [sys.executable, "-c", script, url]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return command


def test_a_read_only_sqlite_file_opens_for_reading_and_refuses_writes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'skab.db'}"
    engine = storage.make_engine(url)
    storage.create_workshop(engine, "Kept", "T")
    engine.dispose()
    (tmp_path / "skab.db").chmod(0o444)
    result = subprocess.run(read_only_command(READ_ONLY_SCRIPT, url), capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "refused Kept", result.stderr
    assert "read-only" in result.stderr and "Traceback" not in result.stderr


# --- on the page ---------------------------------------------------------------------------


@pytest.fixture
def unusable_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SKAB_DB_PATH", str(blocker / "sub" / "skab.db"))
    monkeypatch.delenv("SKAB_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    yield blocker
    st.cache_resource.clear()


def shown(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.warning, *at.error, *at.markdown, *at.caption])


def test_an_uncreatable_database_path_is_a_message_not_a_traceback(unusable_path: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.text_input(key="new_name").set_value("Q4")
    at.text_input(key="new_team").set_value("Support")
    at.button(key="create_workshop").click().run()
    assert not at.exception
    assert "The database cannot be reached right now" in shown(at)
    assert str(unusable_path) not in str(at) and "sqlite" not in shown(at).lower()
    assert at.text_input(key="new_name").value == "Q4"  # what was typed is still there

    phone = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    phone.query_params["join"] = "ABCDEF"
    phone.run()
    assert not phone.exception and "The database cannot be reached right now" in shown(phone)


def test_a_join_whose_insert_fails_shows_a_message_and_no_token(
        app_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from tests.test_live import Room

    engine = storage.make_engine(f"sqlite:///{app_db}")
    room = Room(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse_join BEFORE INSERT ON participants "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    monkeypatch.setattr("secrets.token_urlsafe", lambda _n=None: "TOKEN-SEEN-ONLY-HERE")
    try:
        with caplog.at_level(logging.DEBUG):
            at = room.join("Kim")
        assert not at.exception
        assert "The database cannot be reached right now" in shown(at)
        everything = str(at) + caplog.text + " ".join(str(v) for v in at.query_params.values())
        assert "TOKEN-SEEN-ONLY-HERE" not in everything
        assert storage.token_hash("TOKEN-SEEN-ONLY-HERE") not in everything
        assert "p" not in at.query_params
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER refuse_join")
        engine.dispose()
