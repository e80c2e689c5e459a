"""A real PostgreSQL for the tests marked `postgres`: never skipped, started here when needed.

SKAB_TEST_POSTGRES_URL points at a server CI provides; without it the first test that needs one
starts a throwaway server with scripts/start_postgres.sh (stopped when the test run ends). Each
test gets a schema of its own, so tests never see each other's rows.
"""

from __future__ import annotations

import atexit
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from loyalty_model.workshop import storage

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "start_postgres.sh"
_started: dict[str, str] = {}
_lock = threading.Lock()


def _stop(workdir: str) -> None:
    subprocess.run([str(SCRIPT), "stop", workdir], check=False, capture_output=True)


def server_url() -> str:
    """The test server's URL; fails the test loudly when PostgreSQL cannot be had."""
    if os.environ.get("SKAB_TEST_POSTGRES_URL"):
        return os.environ["SKAB_TEST_POSTGRES_URL"]
    with _lock:
        if "url" not in _started:
            workdir = tempfile.mkdtemp(prefix="skab-pg-test.")
            result = subprocess.run([str(SCRIPT), workdir], capture_output=True, text=True,
                                    env={**os.environ, "PYTHON": sys.executable}, timeout=120)
            if result.returncode != 0:
                _stop(workdir)
                pytest.fail("PostgreSQL tests must run: could not start a server with "
                            f"{SCRIPT.name} ({result.stderr.strip()}); install PostgreSQL or set "
                            "SKAB_TEST_POSTGRES_URL", pytrace=False)
            atexit.register(_stop, workdir)
            _started["url"] = result.stdout.strip().splitlines()[-1]
        return _started["url"]


@contextmanager
def fresh_schema_url() -> Iterator[str]:
    """A URL whose tables live in a new, empty schema, dropped afterwards."""
    base = make_url(storage.database_url(server_url()))
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


class OwnServer:
    """A PostgreSQL of one test's own, which the test stops and starts again on the same port
    and data directory, as an outage and a recovery look to the app. Never the shared server:
    stopping that would break every other test."""

    def __init__(self) -> None:
        self.workdir = tempfile.mkdtemp(prefix="skab-pg-own.")
        result = subprocess.run([str(SCRIPT), self.workdir], capture_output=True, text=True,
                                env={**os.environ, "PYTHON": sys.executable}, timeout=120)
        if result.returncode != 0:
            _stop(self.workdir)
            pytest.fail(f"could not start PostgreSQL ({result.stderr.strip()})", pytrace=False)
        self.url = result.stdout.strip().splitlines()[-1]
        self.port = make_url(self.url).port

    def _pg_ctl(self, *args: str) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
        pg_bin = os.environ.get("PG_BIN") or str(bins[-1])
        command = [f"{pg_bin}/pg_ctl", "-D", f"{self.workdir}/data", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """As a crashed or restarted database server: every connection is cut at once."""
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def start(self) -> None:
        self._pg_ctl("-l", f"{self.workdir}/server.log", "-w", "-t", "60", "-o",
                     f"-h 127.0.0.1 -p {self.port} -k {self.workdir} -c max_connections=200",
                     "start")

    def close(self) -> None:
        _stop(self.workdir)
