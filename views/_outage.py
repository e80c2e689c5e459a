"""When the database cannot be reached: say so in the user's language, keep what was given, retry.

Why this exists: every page reads the database, and a stopped PostgreSQL, a read-only SQLite
file or a database path that could not be created used to put a SQLAlchemy traceback, with the
database's address, on participants' phones and the projector; after the database came back
the page stayed broken until someone reloaded it. Now:

- app.py runs the page inside `page_failed`'s guard: a storage error ends the page with one
  message in the user's language (no SQL, address or path) instead of a traceback;
- answers that could not be saved stay on the page (views/_rating.py), and so do pages that can
  show what they read last (`last_known`, the participant page);
- `retry_loop`, a small timed fragment, tries again with growing, jittered waits (1 s, 2 s, 4 s
  ... at most `MAX_WAIT`), writes what is pending, and reruns the page once the database
  answers: no reload needed. The operator's log gets one line per change of state
  (storage.health), not a traceback per tap.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.workshop import storage
from views import _comments, _rating
from views._common import configured_database_url, engine

T = TypeVar("T")
RETRY = "outage_retry"  # {"attempt": int, "next": float} while something waits for the database
TROUBLE = "outage_this_run"  # set by a run that met an outage; cleared at the start of each run
NOT_SAVED = "outage_not_saved"  # a callback's write failed: say so once on the next run
LAST_KNOWN = "outage_last_known"  # name -> value last read, for `last_known`
TICK = 1.0  # seconds between the retry fragment's checks
MAX_WAIT = 15.0  # longest wait between two attempts


def _log_to_stderr() -> None:
    """The app's own log lines (storage.health, join limits) with time and level, on stderr
    beside Streamlit's; once per process."""
    app_log = logging.getLogger("skab_promoters")
    if not app_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        app_log.addHandler(handler)
        app_log.setLevel(logging.INFO)


_log_to_stderr()


def _url() -> str:
    return storage.database_url(configured_database_url())


def note(error: BaseException) -> None:
    """Record that this run met an outage (for the retry loop) and log it once (storage.health)."""
    st.session_state[TROUBLE] = True
    storage.health.failed(_url(), error)


_opened = False


def start_run() -> None:
    """Call first in every full run. The first run of the process opens the database, so a
    database that cannot be opened is in the log at start-up (one line, storage.health), not
    only when someone first saves something."""
    global _opened
    st.session_state.pop(TROUBLE, None)
    if not _opened:
        _opened = True
        with contextlib.suppress(*storage.STORAGE_ERRORS):  # logged; pages say so themselves
            engine()


def last_known(name: str, read: Callable[[], T]) -> T:
    """`read()`, remembered; during an outage the value this session read last, if any.

    For what a page can honestly show as it was (the participant's own workshop and answers):
    the page stays usable, new answers wait on it, and the banner says the database is away.
    """
    memory: dict[str, object] = st.session_state.setdefault(LAST_KNOWN, {})
    try:
        value = read()
    except storage.STORAGE_ERRORS as error:
        if name not in memory:
            raise
        note(error)
        return memory[name]  # type: ignore[return-value]
    memory[name] = value
    return value


def attempt(write: Callable[[], object]) -> bool:
    """Run a write from a widget callback; False (and a message on the next run) if it failed.

    Callbacks run before the page script, outside app.py's guard, so they guard themselves.
    """
    try:
        write()
    except storage.STORAGE_ERRORS as error:
        note(error)
        st.session_state[NOT_SAVED] = True
        return False
    return True


def page_failed(error: BaseException, lang: str) -> None:
    """The page could not finish because of the database: one message and the retry loop."""
    note(error)
    st.warning(t("storage.unavailable", lang), icon=":material/cloud_off:")


def after_page(lang: str) -> None:
    """Call last in every full run: messages for what is not saved, and retry while needed."""
    if st.session_state.pop(NOT_SAVED, False):
        st.error(t("storage.not_saved", lang), icon=":material/sync_problem:")
    if st.session_state.get(TROUBLE) or _rating.pending() or _comments.pending():
        retry_loop()
    else:
        st.session_state.pop(RETRY, None)


def wait_before(attempt_number: int) -> float:
    """Seconds before the next attempt: doubling from 1 s, at most MAX_WAIT, with jitter so a
    room of phones does not knock on the database all at once."""
    base = min(MAX_WAIT, 2.0 ** max(0, attempt_number - 1))
    return base * random.uniform(0.75, 1.0)


def recovered() -> bool:
    """The database answers and every pending answer is saved (writing is the test then: a
    read-only database answers a ping but still refuses the answer)."""
    if _rating.pending():
        return _rating.sync()
    try:
        storage.ping(engine())
    except storage.STORAGE_ERRORS:
        return False
    return True


@st.fragment(run_every=TICK)
def retry_loop() -> None:
    """Drawn while something waits for the database; reruns the page once it is back."""
    now = time.monotonic()
    state = st.session_state.get(RETRY)
    if state is None:  # the run that drew this has just failed: wait before the first retry
        st.session_state[RETRY] = {"attempt": 1, "next": now + wait_before(1)}
        return
    if now < state["next"]:
        return
    if recovered():
        st.session_state.pop(RETRY, None)
        st.rerun(scope="app")
    state["attempt"] += 1
    state["next"] = now + wait_before(state["attempt"])
