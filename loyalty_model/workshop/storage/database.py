"""Where the database is and how writers take turns: SQLite by default, PostgreSQL by URL.

Every answer is written the moment it is given, so a refresh, a lost connection or a restarted
server loses nothing. The engine is always passed in (never a module global) so tests can use a
temporary SQLite file and CI a real PostgreSQL.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

DEFAULT_SQLITE_PATH = Path("skab_promoters.db")
_FILE = "skab_file"  # connection-record info key: (path, (device, inode)) of the SQLite file


class StorageUnavailable(RuntimeError):
    """The database cannot be opened or used. The message names the cause for a log line or the
    command line (no password, no statement parameters); a page shows its own words instead."""


def _file_id(path: str) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode), or None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def confirm_file(conn: Connection) -> None:
    """Before a commit: raise if the SQLite file this connection writes to left its path.

    Open connections go on writing into a deleted file without an error; the data is gone
    with the last handle. See engine.py.
    """
    path, opened = conn.connection.info.get(_FILE, (None, None))
    if path is not None and _file_id(path) != opened:
        raise StorageUnavailable("the database file was removed or replaced while writing")


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else SKAB_DATABASE_URL, else the SQLite file."""
    url = url or os.environ.get("SKAB_DATABASE_URL")
    if not url:
        path = Path(os.environ.get("SKAB_DB_PATH", DEFAULT_SQLITE_PATH))
        return f"sqlite:///{path}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def url_from_settings(settings: Mapping[str, object] | None) -> str | None:
    """A URL from a `[connections.<name>]` block: its `url`, or the parts st.connection accepts.

    Kept here rather than in the page so the rules are testable without Streamlit.
    """
    if not settings:
        return None
    if settings.get("url"):
        return str(settings["url"])
    dialect = settings.get("dialect")
    if not dialect:
        return None
    driver = settings.get("driver")
    port = settings.get("port")
    return URL.create(
        f"{dialect}+{driver}" if driver else str(dialect),
        username=settings.get("username"), password=settings.get("password"),
        host=settings.get("host"), port=int(port) if port else None,
        database=settings.get("database"),
    ).render_as_string(hide_password=False)


class FairLock:
    """A lock handed out first come, first served, so no participant's save waits behind a
    lucky thread that keeps re-taking a plain Lock (which is not fair under the GIL)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            baton = threading.Lock()
            baton.acquire()
            self._waiters.append(baton)
        baton.acquire()  # released by the holder before us, which hands the lock straight on

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


_SQLITE_WRITE_LOCKS: dict[str, FairLock] = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


def _tune_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API objects)
    """WAL lets readers go on while one participant writes; the timeout queues the writers.

    pysqlite's own transaction handling is switched off (isolation_level=None) so that
    `_begin_sqlite` decides how each transaction starts, and DDL runs inside transactions.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    """Writers take the write lock up front (IMMEDIATE) so SQLite's busy timeout applies to them.

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another writer got in between; readers stay deferred so they never block.
    """
    writing = conn.get_execution_options().get("skab_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _write_lock(engine: Engine) -> FairLock | None:
    """One in-process lock per SQLite file: SQLite has a single writer anyway, and waiting on a
    lock wakes a writer the moment the previous one commits, where SQLite's busy handler polls
    with growing sleeps (up to 100 ms). Other processes are still kept out by SQLite itself."""
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url.database or ":memory:")
    with _SQLITE_WRITE_LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(key, FairLock())


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed on success, rolled back on error, never half-applied.

    Returning normally means the database confirmed the commit: a caller may then say "saved".
    """
    lock = _write_lock(engine)
    if lock is not None:
        lock.acquire()
    try:
        with engine.connect() as conn:
            conn.execution_options(skab_write=True)
            try:
                with conn.begin():
                    yield conn
                    confirm_file(conn)  # confirmed only by the database that is really there
            except (OperationalError, StorageUnavailable):
                if lock is not None:
                    # SQLite opens a file it may not write read-only and keeps it so: a fresh
                    # connection next time sees a file that was made writable again
                    conn.invalidate()
                raise
    finally:
        if lock is not None:
            lock.release()


def _upsert(engine: Engine, table: Table):  # noqa: ANN202 (dialect-specific Insert)
    return (pg_insert if engine.dialect.name == "postgresql" else sqlite_insert)(table)
