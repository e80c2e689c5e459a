"""Heal a page whose last run reached the browser only in part, on pages with timed fragments.

Streamlit sends a run's elements through its event loop and drops every message of a script
runner that is no longer the current one. A timed fragment (st.fragment(run_every=...)) whose
request arrives just after a full run ended gets a new runner, and under load the tail of the
full run (its last elements and its "finished" message) is then thrown away: a phone showed the
next layer's statements under the old heading, or a "Next" that seemed to do nothing. A tap
heals it (it reruns everything); a fragment run does not, and an idle projector never taps.

So a page marks when its full run starts and ends, and its timed fragment reruns the whole page
when a full run ended shortly before: a fragment run that replaced the runner comes right after
the full run's end, whatever the server's lag. WINDOW is shorter than the fragments' intervals,
so the healing run (itself a full run) does not make the next timed run heal again.
"""

from __future__ import annotations

import time

import streamlit as st

_ENDED = "page_run_ended_at"  # monotonic time the last full run ended; None while one runs
WINDOW = 2.0  # seconds; below every run_every interval of the app (3 s and 5 s)


def started() -> None:
    """Call at the top of the page: a fragment drawn inline in this run must not heal."""
    st.session_state[_ENDED] = None


def finished() -> None:
    """Call as the page's last statement."""
    st.session_state[_ENDED] = time.monotonic()


def heal() -> None:
    """Call first in a timed fragment: rerun the whole page if a full run ended just before."""
    ended = st.session_state.get(_ENDED)
    if ended is not None and time.monotonic() - ended < WINDOW:
        st.session_state[_ENDED] = None
        st.rerun(scope="app")
