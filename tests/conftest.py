"""Shared fixtures: the model, a fresh database per test, and the real app in a real browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from loyalty_model.model import Model, load_model
from loyalty_model.workshop import storage

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SKAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def model() -> Model:
    return load_model()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on both databases the product runs on: a SQLite file, then a fresh schema
    on the tests' own PostgreSQL (tests/postgres.py)."""
    if request.param == "sqlite":
        engine = storage.make_engine(f"sqlite:///{tmp_path / 'any.db'}")
        yield engine
        engine.dispose()
        return
    from tests.postgres import fresh_schema_url

    with fresh_schema_url() as url:
        engine = storage.make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "skab.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = storage.make_engine(f"sqlite:///{db_path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file the in-process app (AppTest) uses for one test module.

    Streamlit's caches are process-wide: clearing them drops the engine of the previous module's
    database and the server-wide join limits, so modules cannot see each other's state.
    """
    import streamlit as st

    path = tmp_path_factory.mktemp("app") / "app.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKAB_DB_PATH", str(path))
        patch.delenv("SKAB_DATABASE_URL", raising=False)
        st.cache_resource.clear()
        st.cache_data.clear()
        yield path
        st.cache_resource.clear()
        st.cache_data.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """The real app (`streamlit run serve.py`) as a subprocess on a free port with its own DB.

    :param env: extra environment, e.g. SKAB_DATABASE_URL for PostgreSQL (by default the app
        uses the SQLite file `db_path`).
    :param prefix: a command the server runs under, e.g. `setpriv` dropping capabilities.
    """

    def __init__(self, db_path: Path, log_path: Path, env: dict[str, str] | None = None,
                 prefix: list[str] | None = None) -> None:
        self.db_path = db_path
        self.log_path = log_path
        self.env = env or {}
        self.prefix = prefix or []
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        env = {**os.environ, "SKAB_DB_PATH": str(self.db_path)}
        env.pop("SKAB_DATABASE_URL", None)
        env.update(self.env)
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the server's lifetime)
        self.process = subprocess.Popen(
            [*self.prefix, sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
             "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             # a test server serves the code it started with: no reloads when files change
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"app did not start; see {self.log_path}")

    def kill(self) -> None:
        """Hard stop (SIGKILL), as a crashed server would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[AppServer]:
    server = AppServer(tmp_path / "app.db", tmp_path / "streamlit.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201 (playwright Browser)
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def assert_no_exception(page) -> None:  # noqa: ANN001 (playwright Page)
    """Streamlit shows uncaught errors in an element with this test id; there must be none."""
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()
