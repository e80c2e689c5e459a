"""How long each page of the app takes to render in a real browser, beside a trivial page.

The goal (issue 13) is that every page renders within 1.3x a trivial Streamlit page (a title,
a line of text and one 5-bar Altair chart), measured the same way in the same run. Both run as
real `streamlit run` servers; headless Chromium (Playwright) opens each page:

- first render: a fresh browser context (no cache, no cookies, a new Streamlit session);
- second render: a reload of the same page in that context (warm browser cache, new session).

"Fully rendered" is one definition for every page, the trivial one included: the script has
finished (`stApp` data-test-script-state is "notRunning", no status widget showing), the page's
main element is there (its first heading, or the participant's first button; on a fresh
document it only exists once the script has sent it), every visible Altair/Vega chart has drawn
its canvas or svg, every visible dataframe its canvas, every image has loaded, and this holds
on two animation frames in a row.
Time runs from the navigation call to that moment.

Pages and trivial page are measured in turn (page, trivial, trivial, page, ...), the order of
the pages alternating between rounds, so a machine that is busier at one moment treats both
alike. The table gives medians and their ratio to the trivial page's median; the max ratio is
the figure to quote. It also gives the browser's main-thread time of the second render (less
noisy than the wall time; see `measure`) and counts the Streamlit elements each page drew (the
trivial page draws 3): most of a page's time beyond the trivial page's is the browser drawing
elements.

The app is served as the README starts it, `streamlit run serve.py`; the trivial page with a
plain `streamlit run trivial.py`, opened at "/". It is also opened at "/page", one path segment
deep like /results, where Streamlit's frontend first asks for /page/_stcore/health, gets a 404
and waits 100 ms before asking at "/" (its base-path probe, for apps served under a prefix).
serve.py spares the app's own pages that wait (see its docstring); the "trivial /page" row
shows what it would cost them.

    .venv/bin/python -m benchmarks.page_speed               # 5 rounds, every page
    .venv/bin/python -m benchmarks.page_speed --rounds 3 --pages results,facilitate
    git archive HEAD | tar -x -C /tmp/before        # before and after, in one run:
    .venv/bin/python -m benchmarks.page_speed --baseline /tmp/before

The sample workshop is created with loyalty_model.workshop.sample in a fresh SQLite file; the
facilitator pages open with its link (?w=CODE&k=KEY), the participant page with a participant's
link (?join=CODE&p=TOKEN).
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("SKAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 120_000
GOAL = 1.3
DEEP = "trivial /page"  # the trivial page opened one path segment deep

TRIVIAL_PAGE = '''
import altair as alt
import pandas as pd
import streamlit as st

st.title("A trivial page")
st.write("A line of text, and one chart with five bars.")
data = pd.DataFrame({"layer": list("ABCDE"), "score": [52, 61, 70, 48, 66]})
st.altair_chart(alt.Chart(data).mark_bar().encode(x="layer", y="score"))
'''

# name -> url path (None: the start page)
PAGES = {"start": "", "assess": "assess", "kpis": "kpis", "results": "results",
         "actions": "actions", "business_case": "business-case", "facilitate": "facilitate",
         "presenter": "present", "client": "client", "join": None}

RENDERED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") {
    window.__skabQuiet = 0;
    return false;
  }
  const main = document.querySelector("[data-testid='stMain']");
  const ready = main && main.querySelector("h1, [data-testid='stButton'] button")
    && !document.querySelector("[data-testid='stStatusWidget'] [data-testid='stSpinner'],"
                               + " [data-testid='stSkeleton']")
    && [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
         .every(c => !c.getClientRects().length || c.querySelector("canvas, svg"))
    && [...document.querySelectorAll("[data-testid='stDataFrame']")]
         .every(d => !d.getClientRects().length || d.querySelector("canvas"))
    && [...main.querySelectorAll("img")].every(i => i.complete);
  window.__skabQuiet = ready ? (window.__skabQuiet || 0) + 1 : 0;
  return window.__skabQuiet >= 2;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, db_path: Path, log: Path, cwd: Path = ROOT
                 ) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on a free port; both servers run in the app's directory, so its
    .streamlit/config.toml (e.g. runner.postScriptGC) applies to the trivial page too."""
    port = free_port()
    env = {**os.environ, "SKAB_DB_PATH": str(db_path)}
    env.pop("SKAB_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--server.runOnSave", "false"],
        cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{script} did not start; see {log}")


def entry_point(app_dir: Path) -> Path:
    """What the README starts: serve.py (app.py behind its deep-link hint), or app.py in a
    tree from before serve.py existed."""
    serve = app_dir / "serve.py"
    return serve if serve.exists() else app_dir / "app.py"


def sample_links(db_path: Path) -> tuple[str, str]:
    """The facilitator's query string and a participant's, for a new sample workshop."""
    from loyalty_model.model import load_model
    from loyalty_model.workshop import storage
    from loyalty_model.workshop.sample import create_sample_workshop

    engine = storage.make_engine(f"sqlite:///{db_path}")
    workshop, key = create_sample_workshop(engine, load_model())
    participant = storage.add_participant(engine, workshop.id, "Benchmark participant")
    engine.dispose()
    return f"w={workshop.code}&k={key}", f"join={workshop.code}&p={participant.token}"


# Streamlit elements on the page once rendered, hidden ones (closed expanders, other tabs)
# included: the browser's render time grows with them (~5 ms each for a visible one)
ELEMENTS = "() => document.querySelectorAll(\"[data-testid='stElementContainer']\").length"


def measure(browser, url: str) -> tuple[float, float, int, float]:  # noqa: ANN001 (playwright Browser)
    """(first, second) render in ms: a fresh context, then a reload in it; the number of
    elements the page drew; and the browser's main-thread time for the reload in ms.

    The main-thread time is Chrome's TaskDuration (Performance metrics, counted from
    `Performance.enable`, just before the reload). It moves less between runs than the wall
    time, which also holds the waits for the network and the server, so it says more reliably
    which page makes the browser work more."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        times = []
        for load in (lambda: page.goto(url, wait_until="commit"),
                     lambda: page.reload(wait_until="commit")):
            if times:  # the reload: count the main thread's work from here
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
            start = time.perf_counter()
            load()
            try:
                page.wait_for_function(RENDERED, polling="raf", timeout=TIMEOUT_MS)
            except Exception:
                shot = Path(tempfile.gettempdir()) / "page_speed_timeout.png"
                page.screenshot(path=str(shot))
                print(f"{url} never rendered; see {shot}", file=sys.stderr)
                raise
            times.append((time.perf_counter() - start) * 1000)
        metrics = cdp.send("Performance.getMetrics")["metrics"]
        busy = 1000 * next(m["value"] for m in metrics if m["name"] == "TaskDuration")
        return times[0], times[1], page.evaluate(ELEMENTS), busy
    finally:
        context.close()


def run(rounds: int, names: list[str], app_dir: Path = ROOT, baseline: Path | None = None
        ) -> dict[str, dict[str, list[float]]]:
    """Times per page (and per page "@before" when `baseline`, an earlier tree of the app
    served on a copy of the same database) and for the trivial page, measured in turn."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="skab-page-speed."))
    trivial_script = work / "trivial.py"
    trivial_script.write_text(TRIVIAL_PAGE, encoding="utf-8")
    db_path = work / "app.db"
    facilitator, participant = sample_links(db_path)
    servers = {"": start_server(entry_point(app_dir), db_path, work / "app.log", app_dir)}
    if baseline is not None:
        with sqlite3.connect(db_path) as source, sqlite3.connect(work / "before.db") as copy:
            source.backup(copy)
        servers["@before"] = start_server(entry_point(baseline), work / "before.db",
                                          work / "before.log", baseline)
    trivial, trivial_url = start_server(trivial_script, work / "trivial.db", work / "trivial.log")
    urls = {f"{name}{tag}": (f"{url}/?{participant}" if path is None
                             else f"{url}/{path}?{facilitator}")
            for name, path in PAGES.items() if name in names
            for tag, (_, url) in servers.items()}
    urls["trivial"] = trivial_url
    urls[DEEP] = f"{trivial_url}/page"  # as deep as /results, with the probe (module docstring)
    times: dict[str, dict[str, list[float]]] = {
        name: {"first": [], "second": [], "main_thread": [], "elements": []} for name in urls}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for url in urls.values():  # warm-up: imports, caches, code objects
                measure(browser, url)
            for round_ in range(rounds):
                order = [name for name in names if name in PAGES]
                order = order if round_ % 2 == 0 else order[::-1]
                for n, name in enumerate(order):
                    group = [*(f"{name}{tag}" for tag in servers), "trivial", DEEP]
                    shift = (round_ + n) % len(group)  # who goes first rotates
                    for who in group[shift:] + group[:shift]:
                        first, second, elements, busy = measure(browser, urls[who])
                        times[who]["first"].append(first)
                        times[who]["second"].append(second)
                        times[who]["main_thread"].append(busy)
                        times[who]["elements"].append(elements)
                print(f"round {round_ + 1}/{rounds} done", file=sys.stderr, flush=True)
            browser.close()
    finally:
        for process in [*(process for process, _ in servers.values()), trivial]:
            process.terminate()
            process.wait(10)
    return times


def table(times: dict[str, dict[str, list[float]]]) -> str:
    kinds = ("first", "second", "main_thread")
    base = {kind: statistics.median(times["trivial"][kind]) for kind in kinds}
    lines = [f"{'page':<22} {'first ms':>9} {'ratio':>6} {'second ms':>10} {'ratio':>6}"
             f" {'main thread':>12} {'ratio':>6} {'elements':>8}  n",
             "(ratio: to the trivial page at /; main thread: the browser's main-thread time of "
             "the second render; elements: Streamlit elements drawn, hidden too)",
             "-" * 92]
    worst: dict[str, float] = {}
    for name, measured in times.items():
        cells = []
        for kind in kinds:
            median = statistics.median(measured[kind])
            cells += [median, median / base[kind]]
        if name.removesuffix("@before") in PAGES:
            tag = "@before" if name.endswith("@before") else ""
            worst[tag] = max(worst.get(tag, 0.0), cells[1], cells[3])
        elements = statistics.median(measured["elements"])
        lines.append(f"{name:<22} {cells[0]:>9.0f} {cells[1]:>6.2f} {cells[2]:>10.0f} "
                     f"{cells[3]:>6.2f} {cells[4]:>12.0f} {cells[5]:>6.2f} {elements:>8.0f}"
                     f"  {len(measured['first'])}")
    lines.append("-" * 92)
    lines += [f"max ratio{' (before)' if tag else ''} {ratio:.2f} (goal: at most {GOAL}; first "
              "and second render)" for tag, ratio in sorted(worst.items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"comma-separated, from: {', '.join(PAGES)}")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the app tree to measure")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="also measure this tree of the app (e.g. `git archive` of an "
                             "earlier commit), interleaved, as <page>@before")
    args = parser.parse_args()
    names = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = sorted(set(names) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    baseline = args.baseline.resolve() if args.baseline else None
    print(table(run(args.rounds, names, args.app_dir.resolve(), baseline)))


if __name__ == "__main__":
    main()
