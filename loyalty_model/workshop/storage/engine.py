"""Opening the database, and noticing when it is no longer there.

Why this is more than `create_engine`: a hosted workshop has to survive its database going away,
and must never say "saved" about an answer no database kept.

- A SQLite file is created (with its folders) once, when the engine is made. After that every
  connection opens it with `mode=rw`, which never creates a file: a folder removed while the
  app runs used to be answered by open connections writing on into the deleted file (every
  write "succeeded" and was gone after a restart). Each connection remembers which file
  (device and inode) it opened; on checkout from the pool and again just before a commit it
  checks that this file is still the one at the path, so a vanished or replaced database is an
  error, never a silent write into nothing.
- PostgreSQL connections are pinged on checkout (`pool_pre_ping`), so the first request after
  the server came back gets a fresh connection instead of a dead one; connecting gives up
  after a few seconds instead of hanging a participant's page.
- Errors never carry the statement's parameters (`hide_parameters`): a failing insert used to
  print a participant's token into the server log and onto the screen.
- A database that cannot be opened or used is logged once, in one line without a traceback
  (`StorageUnavailable`), and again once when it is back. Pages show their own text in the
  user's language, never these messages (views/_outage.py).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError

from .database import (
    _FILE,
    StorageUnavailable,
    _begin_sqlite,
    _file_id,
    _tune_sqlite,
    database_url,
)
from .schema import init_db

log = logging.getLogger("skab_promoters.storage")
CONNECT_TIMEOUT = 5  # seconds a PostgreSQL connection attempt may take before it fails
STORAGE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, StorageUnavailable)
"""What a page catches to say "the database cannot be reached" instead of a traceback."""


def safe_url(url: str) -> str:
    """The URL as a log line may show it: never the password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 (an unparseable URL is still worth a log line)
        return "(unreadable database URL)"


def describe(error: BaseException) -> str:
    """One line saying what went wrong: the driver's first line, no SQL, no parameters."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__


class _Health:
    """Logs each change of a database's state once: failing (with the reason) and back again.

    A room of 30 phones retrying against a stopped server would otherwise write a traceback
    per tap; the operator needs one line saying what is wrong and one saying it is fixed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failing: dict[str, str] = {}

    def failed(self, url: str, error: BaseException, when: str = "cannot be used") -> None:
        name, reason = safe_url(url), describe(error)
        with self._lock:
            if self._failing.get(name) == reason:
                return
            self._failing[name] = reason
        log.error("database %s %s (%s); pages say so and retry by themselves", name, when, reason)

    def ok(self, url: str) -> None:
        name = safe_url(url)
        with self._lock:
            if self._failing.pop(name, None) is None:
                return
        log.warning("database %s is reachable again", name)


health = _Health()


def _remember_file(path: str):  # noqa: ANN202 (SQLAlchemy event listener)
    def listener(_dbapi_connection, record) -> None:  # noqa: ANN001 (DB-API objects)
        record.info[_FILE] = (path, _file_id(path))
    return listener


def _check_file(_dbapi_connection, record, _proxy) -> None:  # noqa: ANN001 (DB-API objects)
    """On checkout: the file this connection opened must still be the one at its path."""
    path, opened = record.info.get(_FILE, (None, None))
    if path is not None and _file_id(path) != opened:
        # the pool drops this connection and opens a new one, which fails with mode=rw
        raise DisconnectionError("the database file was removed or replaced")


def _sqlite_engine(resolved: str) -> Engine:
    path = make_url(resolved).database or ""
    options = {"pool_size": 10, "max_overflow": 30, "hide_parameters": True}
    if path in ("", ":memory:"):
        engine = create_engine(resolved, connect_args={"check_same_thread": False}, **options)
    else:
        file = Path(path).absolute()
        file.parent.mkdir(parents=True, exist_ok=True)  # once, at start-up: see the docstring
        sqlite3.connect(file).close()  # creates the file if missing, here and only here
        uri = f"file:{quote(str(file), safe='/')}?mode=rw"

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, timeout=15, check_same_thread=False)

        engine = create_engine(resolved, creator=connect, **options)
        event.listen(engine, "connect", _remember_file(str(file)))
        event.listen(engine, "checkout", _check_file)
    event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _create(resolved: str) -> Engine:
    if resolved.startswith("sqlite"):
        return _sqlite_engine(resolved)
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} if "+psycopg" in resolved else {}
    return create_engine(resolved, pool_pre_ping=True, pool_size=10, max_overflow=30,
                         hide_parameters=True, connect_args=connect_args)


def _writable(engine: Engine) -> bool:
    """Whether the database takes writes: a no-op update, rolled back (a read-only file or a
    standby server refuses it)."""
    try:
        with engine.connect() as conn:
            conn.execution_options(skab_write=True)
            with conn.begin() as transaction:
                conn.execute(text("UPDATE meta SET value = value WHERE key = 'schema_version'"))
                transaction.rollback()
    except SQLAlchemyError:
        return False
    return True


def make_engine(url: str | None = None) -> Engine:
    """Create the engine and bring the schema up to date; `StorageUnavailable` if it can't.

    A database that opens but refuses writes (a read-only file) is still opened, so pages can
    show what is stored; every write then fails visibly. The log says so once.
    """
    resolved = database_url(url)
    engine: Engine | None = None
    try:
        engine = _create(resolved)
        init_db(engine)
    except (OSError, SQLAlchemyError, RuntimeError) as error:
        if engine is not None:
            engine.dispose()
        health.failed(resolved, error, "cannot be opened")
        raise StorageUnavailable(describe(error)) from error
    health.ok(resolved)
    if not _writable(engine):
        log.error("database %s is read-only: pages open, but nothing can be saved until it "
                  "takes writes again", safe_url(resolved))
    return engine


def ping(engine: Engine) -> None:
    """A trivial read: raises when the database cannot be reached (or its file vanished)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        health.failed(str(engine.url), error)
        raise
    health.ok(str(engine.url))
