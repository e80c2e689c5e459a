"""Nothing already answered is lost when the server dies hard (SIGKILL) in the middle of a workshop.

Two angles: the real app in a real browser, killed and restarted on the same database; and a
process hammering the very same write path (storage.save_rating), killed at a random moment,
where every answer it had confirmed must be on disk.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from tests.conftest import ROOT, AppServer, assert_no_exception

TIMEOUT = 30_000
PHONE = {"width": 390, "height": 844}


def wait_idle(page) -> None:  # noqa: ANN001 (playwright Page)
    page.wait_for_timeout(200)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=TIMEOUT)


def answer(page, index: int, label: str, done: int) -> None:  # noqa: ANN001
    """Click `label` in the index-th statement and wait until the page confirms it is saved."""
    page.locator("[data-testid='stRadio']").nth(index).get_by_text(label, exact=True).click()
    page.get_by_text(f"{done} of {len(load_model().statements)} statements answered").wait_for()


def checked(page, index: int) -> str | None:  # noqa: ANN001
    radio = page.locator("[data-testid='stRadio']").nth(index)
    radio.wait_for()
    box = radio.locator("input[type='radio']:checked")
    return box.evaluate("el => el.closest('label').innerText").strip() if box.count() else None


@pytest.mark.browser
def test_a_killed_server_comes_back_with_every_answer(tmp_path: Path, browser) -> None:  # noqa: ANN001
    server = AppServer(tmp_path / "app.db", tmp_path / "streamlit.log").start()
    try:
        engine = storage.make_engine(f"sqlite:///{server.db_path}")
        workshop, _ = storage.create_workshop(engine, "Durable", "Team")
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/?join={workshop.code}")
        page.get_by_role("textbox", name="Your name (optional)").fill("Kim")
        page.get_by_role("button", name="Join").click()
        page.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
        page.wait_for_url(re.compile(r"[?&]p="))
        link = page.url
        model = load_model()
        product = [s.id for s in model.layer("product").statements]
        communication = [s.id for s in model.layer("communication").statements]
        given = ["1", "2", "3", "4", "Don't know", "5"][:len(product)]
        done = f"{len(product) + 2} of {len(model.statements)} statements answered"
        for index, label in enumerate(given):
            answer(page, index, label, done=index + 1)
        page.get_by_role("button", name="Next: Communication").click()
        page.get_by_role("heading", name="Layer 2 of 5: Communication").wait_for()
        answer(page, 0, "5", done=len(product) + 1)
        answer(page, 1, "4", done=len(product) + 2)

        server.kill()  # in the middle of the workshop, without any chance to clean up
        assert server.process.returncode == -signal.SIGKILL

        me = storage.list_participants(engine, workshop.id)[0]
        stored = storage.participant_answers(engine, me.id)
        ratings = [None if label == "Don't know" else int(label) for label in given]
        expected = {**dict(zip(product, ratings, strict=True)),
                    communication[0]: 5, communication[1]: 4}
        assert stored == expected

        server.start()  # same port, same database
        # the open page reconnects by itself and shows where Kim was
        page.get_by_text(done).wait_for(timeout=60_000)
        # and the link, reopened later, resumes at the first open layer with the answers in place
        again = context.new_page()
        again.set_default_timeout(TIMEOUT)
        again.goto(link)
        again.get_by_role("heading", name="Layer 2 of 5: Communication").wait_for()
        again.get_by_text(done).wait_for()
        assert [checked(again, i) for i in range(3)] == ["5", "4", None]
        again.get_by_role("button", name="← Back").click()
        again.get_by_role("heading", name="Layer 1 of 5: Product").wait_for()
        wait_idle(again)
        assert [checked(again, i) for i in range(len(given))] == given
        assert_no_exception(again)
        context.close()
        engine.dispose()
    finally:
        server.stop()


WRITER = textwrap.dedent("""
    import sys
    from loyalty_model.workshop import storage
    engine = storage.make_engine(sys.argv[1])
    workshop = storage.workshop_by_code(engine, sys.argv[2])
    people = storage.list_participants(engine, workshop.id)
    for round_ in range(1000):
        for person in people:
            for number in range(25):
                statement = f"s{number}"
                rating = 1 + (round_ + number + person.id) % 5
                storage.save_rating(engine, person, statement, rating)
                print(person.id, statement, rating, flush=True)  # confirmed, i.e. committed
""")


def test_every_confirmed_answer_survives_sigkill_of_the_writer(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'room.db'}"
    engine = storage.make_engine(db)
    workshop, _ = storage.create_workshop(engine, "Kill me", "Team")
    for i in range(5):
        storage.add_participant(engine, workshop.id, f"P{i}")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, db, workshop.code], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    confirmed: dict[tuple[int, str], int] = {}
    deadline = None
    for line in writer.stdout:
        deadline = deadline or time.monotonic() + random.uniform(0.5, 1.5)  # from the first write
        person, statement, rating = line.split()
        confirmed[(int(person), statement)] = int(rating)
        if time.monotonic() > deadline:
            break
    writer.send_signal(signal.SIGKILL)
    rest = writer.stdout.read()  # confirmations already in the pipe count too
    writer.wait(10)
    for line in rest.splitlines():
        if len(line.split()) != 3:
            continue  # the kill cut this confirmation short: it was never fully given
        person, statement, rating = line.split()
        confirmed[(int(person), statement)] = int(rating)
    assert len(confirmed) > 50, "the writer barely started; the test proves nothing"
    engine.dispose()

    reopened = storage.make_engine(db)  # recovery from the WAL happens here
    with reopened.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    people = storage.list_participants(reopened, workshop.id)
    stored = {(p.id, statement): rating for p in people
              for statement, rating in storage.participant_answers(reopened, p.id).items()}
    lost = [key for key in confirmed if key not in stored]
    assert lost == [], f"confirmed answers lost: {lost}"
    # the writer is one thread: at most its last answer was committed but not yet confirmed,
    # and that one may have replaced an earlier confirmed answer to the same statement
    changed = [key for key, rating in confirmed.items() if stored[key] != rating]
    assert len(changed) <= 1, changed
    reopened.dispose()
