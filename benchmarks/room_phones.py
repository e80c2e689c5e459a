"""The core of benchmarks/twenty_phones.py: N phones in one Chromium join and rate, and every
tap is matched with the moment the database stored it.

Also run by tests/test_room_load_browser.py (8 phones) and tests/test_two_servers_browser.py
(20 participants over two app servers), so a stuck phone is a result here, never an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from sqlalchemy import Engine, select

from loyalty_model.model import Model, load_model
from loyalty_model.workshop import storage

CHROMIUM = os.environ.get("SKAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1440, "height": 900}
WAIT_MS = 120_000  # how long a phone waits for anything before it counts as stuck
REFUSAL = re.compile(r"Not saved yet|was not saved|cannot be reached")


@dataclass
class Tap:
    phone: int
    statement_id: str
    value: int
    at: float  # wall-clock seconds when the tap was made (its last try)
    shown: bool  # the radio showed the answer as chosen afterwards
    tries: int = 1
    stored_at: float | None = None


@dataclass
class Phone:
    number: int
    participant_id: int | None = None
    link: str | None = None  # the participant's own link (?join=CODE&p=TOKEN)
    buttons_after: float | None = None  # seconds from opening the link to the first radios
    next_waits: list[float] = field(default_factory=list)  # "Next" to the next layer's radios
    taps: list[Tap] = field(default_factory=list)
    socket_bytes: int = 0  # received over the WebSocket (the app's messages) after joining
    http_bytes: int = 0  # received over plain HTTP (the page, Streamlit's JavaScript, images)
    refusal: str | None = None  # what the phone says about an answer it could not save
    failure: str | None = None  # a phone that could not finish (stuck, exception on screen)


@dataclass
class RoomResult:
    phones: list[Phone]
    seconds: float
    browser_cpu: float = 0.0  # CPU seconds Chromium and Playwright used for the whole room

    @property
    def taps(self) -> list[Tap]:
        return [tap for phone in self.phones for tap in phone.taps]

    def stored(self) -> list[Tap]:
        return [tap for tap in self.taps if tap.stored_at is not None]

    def refused(self) -> list[Tap]:
        return [tap for phone in self.phones for tap in phone.taps
                if tap.stored_at is None and phone.refusal]

    def lost(self) -> list[Tap]:
        """Shown as answered on the phone, never stored, and nothing on screen said so."""
        return [tap for phone in self.phones for tap in phone.taps
                if tap.stored_at is None and tap.shown and not phone.refusal]

    def not_taken(self) -> list[Tap]:
        """Taps the phone never showed as chosen (three tries): the person sees it, not lost."""
        return [tap for tap in self.taps if tap.stored_at is None and not tap.shown]

    def failures(self) -> list[str]:
        return [f"phone {p.number}: {p.failure}" for p in self.phones if p.failure]


def answer(phone: int, layer: int, index: int) -> int:
    """Differs per phone and layer, so a tap landing on another layer's radio is a wrong answer."""
    return (phone + layer + index) % 5 + 1


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def phone_session(browser, url: str, code: str, number: int, model: Model,  # noqa: ANN001
                        rhythm: float, start: asyncio.Event, engine: Engine,
                        workshop_id: int, layers: int | None = None,
                        shared=None) -> Phone:  # noqa: ANN001 (playwright BrowserContext)
    """One participant: join by code, rate every layer (or the first `layers`), "Next" after
    each. Never raises: a phone that gets stuck is a result.

    :param shared: a browser context to open the page in (its cache and cookies shared with the
        other phones in it; still a session and participant of its own), else a new one.
    """
    from playwright.async_api import expect

    me = Phone(number)
    context = shared or await browser.new_context(viewport=PHONE, is_mobile=True,
                                                  has_touch=True)
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    troubles: list[str] = []
    counting = {"on": False}

    def on_frame(payload: str | bytes) -> None:
        if counting["on"]:
            me.socket_bytes += len(payload)

    def on_response(response) -> None:  # noqa: ANN001 (playwright Response)
        me.http_bytes += int(response.headers.get("content-length") or 0)

    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    page.on("response", on_response)
    page.on("requestfailed", lambda r: troubles.append(f"failed {r.url} {r.failure}"))
    page.on("console", lambda m: troubles.append(f"console {m.type}: {m.text[:200]}")
            if m.type in ("error", "warning") else None)
    try:
        await start.wait()
        await asyncio.sleep(random.uniform(0, rhythm))  # people do not open links in lockstep
        opened = time.monotonic()
        await page.goto(f"{url}/?join={code}")
        await page.get_by_role("button", name="Join").click()
        radios = page.locator("[data-testid='stRadio']")
        await page.get_by_role("heading", name=re.compile(r"^Layer 1 of")).wait_for()
        await radios.first.wait_for()
        me.buttons_after = time.monotonic() - opened
        await page.wait_for_url(re.compile(r"[?&]p="))
        token = re.search(r"[?&]p=([^&]+)", page.url).group(1)
        me.link = page.url
        person = await asyncio.to_thread(storage.participant_by_token, engine, workshop_id,
                                         token)
        me.participant_id = person.id if person else None
        counting["on"] = True
        rated = model.layers[:layers]
        for number_, layer in enumerate(rated):
            for index, statement in enumerate(layer.statements):
                value = answer(number, number_, index)
                group = radios.nth(index)
                await expect(group.locator("[data-testid='stWidgetLabel']")).to_have_text(
                    statement.text("en"), timeout=WAIT_MS)
                option = group.get_by_role("radio", name=str(value), exact=True)
                tap = Tap(number, statement.id, value, time.time(), shown=False)
                me.taps.append(tap)
                for tries in range(1, 4):  # a person taps again when the tap did not take
                    tap.at, tap.tries = time.time(), tries
                    await group.get_by_text(str(value), exact=True).tap()
                    try:
                        await expect(option).to_be_checked(timeout=5_000)
                        tap.shown = True
                        break
                    except AssertionError:
                        continue
                await asyncio.sleep(rhythm * random.uniform(0.6, 1.4))
            if number_ + 1 == len(rated) < len(model.layers):
                break  # rated what it was asked to: no "Next"
            last = number_ + 1 == len(model.layers)
            label = "Finish" if last else f"Next: {model.layers[number_ + 1].name('en')} →"
            tapped = time.monotonic()
            await page.get_by_role("button", name=label).tap()
            if last:
                await page.get_by_text("all your answers are in").wait_for()
            else:
                heading = f"Layer {number_ + 2} of {len(model.layers)}"
                await page.get_by_role("heading", name=re.compile(heading)).wait_for()
                first = model.layers[number_ + 1].statements[0].text("en")
                await expect(radios.first.locator("[data-testid='stWidgetLabel']")).to_have_text(
                    first, timeout=WAIT_MS)
            me.next_waits.append(time.monotonic() - tapped)
    except Exception as error:  # noqa: BLE001 (a stuck phone is a result, not a crash)
        me.failure = f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"
        if os.environ.get("SKAB_BENCH_SHOTS"):  # what a stuck phone shows, for a human
            with contextlib.suppress(Exception):
                await page.screenshot(path=f"{os.environ['SKAB_BENCH_SHOTS']}/phone-{number}.png")
                Path(f"{os.environ['SKAB_BENCH_SHOTS']}/phone-{number}.html").write_text(
                    await page.content())
                Path(f"{os.environ['SKAB_BENCH_SHOTS']}/phone-{number}.txt").write_text(
                    "\n".join(troubles))
    try:
        text = await page.locator("[data-testid='stApp']").inner_text(timeout=10_000)
        found = REFUSAL.search(text)
        me.refusal = found.group(0) if found else None
        if await page.locator("[data-testid='stException']").count():
            me.failure = (me.failure or "") + " exception on screen"
    except Exception:  # noqa: BLE001
        pass
    await (page.close() if shared else context.close())
    return me


def stored_answers(engine: Engine, workshop_id: int) -> dict[tuple[int, str], tuple[int, float]]:
    """(participant, statement) -> (rating, when stored) for every answer of the workshop."""
    t = storage.ratings
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.participant_id, t.c.statement_id, t.c.rating,
                                   t.c.answered_at).where(t.c.workshop_id == workshop_id)).all()
    out = {}
    for row in rows:
        when = row.answered_at
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        out[(row.participant_id, row.statement_id)] = (row.rating, when.timestamp())
    return out


def settle(engine: Engine, workshop_id: int, phones: list[Phone], seconds: float) -> None:
    """Match taps with stored answers; give late writes `seconds` to arrive."""
    deadline = time.monotonic() + seconds
    while True:
        found = stored_answers(engine, workshop_id)
        for phone in phones:
            for tap in phone.taps:
                row = found.get((phone.participant_id, tap.statement_id))
                tap.stored_at = row[1] if row and row[0] == tap.value else None
        if all(tap.stored_at is not None for p in phones for tap in p.taps):
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.5)


async def run_room_async(urls: list[str], engine: Engine, code: str, key: str, phones: int,
                         rhythm: float, projector: str | None, server_pid: int,
                         layers: int | None, contexts: int | None) -> RoomResult:
    from playwright.async_api import async_playwright

    model = load_model()
    workshop = storage.workshop_by_code(engine, code)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        screen = None
        if projector:  # the facilitator's live panel polls the database while the room rates
            screen = await browser.new_page(viewport=PROJECTOR)
            await screen.goto(f"{projector}/facilitate?w={code}&k={key}")
            await screen.get_by_text(code).first.wait_for(timeout=WAIT_MS)
        start = asyncio.Event()
        shared = [await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                  for _ in range(contexts or 0)]
        tasks = [asyncio.create_task(phone_session(
            browser, urls[n % len(urls)], code, n, model, rhythm, start, engine, workshop.id,
            layers, shared[n % len(shared)] if shared else None)) for n in range(phones)]
        began, browser_cpu = time.monotonic(), tree_cpu(os.getpid(), server_pid)
        start.set()
        done = await asyncio.gather(*tasks)
        seconds = time.monotonic() - began
        browser_cpu = tree_cpu(os.getpid(), server_pid) - browser_cpu
        if screen is not None:
            await screen.close()
        await browser.close()
    settle(engine, workshop.id, list(done), seconds=30)
    return RoomResult(list(done), seconds, browser_cpu)


def run_room(urls: str | list[str], engine: Engine, code: str, key: str, phones: int,
             rhythm: float = 0.8, projector: str | None = None, server_pid: int = -1,
             layers: int | None = None, contexts: int | None = None) -> RoomResult:
    """The benchmark's core, also run by tests/test_room_load_browser.py and
    tests/test_two_servers_browser.py.

    :param urls: app servers; phone n uses urls[n % len(urls)].
    :param projector: the server the facilitator's live view is opened on (None: none).
    :param layers: rate only the first `layers` layers (None: all, then "Finish").
    :param contexts: phones share this many browser contexts (None: one each, like phones).
    """
    work = run_room_async([urls] if isinstance(urls, str) else list(urls), engine, code, key,
                          phones, rhythm, projector, server_pid, layers, contexts)
    # In its own thread: a caller may already run an event loop (Playwright's sync API does, in
    # a test session that opened a browser before), and asyncio.run refuses to nest in one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its finished children so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int, skip: int) -> float:
    """CPU seconds of every process below `root` except `skip` and its own children: the
    browser (Chromium and Playwright's driver) when `root` is this script and `skip` the app."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    below, todo = [], [root]
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid != skip:
                below.append(pid)
                todo.append(pid)
    return sum(cpu_seconds(pid) for pid in below)
