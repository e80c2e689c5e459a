"""Hostile workshop files: every malformed one gets one clear message naming the place in the
file, nothing already stored changes, and an import killed half-way leaves no half workshop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from loyalty_model.model import Model
from loyalty_model.workshop import sample, storage
from loyalty_model.workshop.workshop_json import WorkshopFileError, export_workshop, import_workshop

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def exported(engine: Engine, model: Model) -> dict:
    workshop, _ = sample.create_sample_workshop(engine, model, "en")
    return export_workshop(engine, workshop)


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar()
                for table in (storage.workshops, storage.participants, storage.ratings,
                              storage.kpi_values, storage.actions, storage.kpi_targets)}


def nested(depth: int) -> bytes:
    return b'{"format": "skab-promoters-workshop", "version": 1, "workshop": ' + (
        b"[" * depth) + (b"]" * depth) + b"}"


def changed(data: dict, change) -> bytes:  # noqa: ANN001
    copy = json.loads(json.dumps(data))
    change(copy)
    return json.dumps(copy).encode()


CASES = [
    # (name, how the file is broken, words the message must contain)
    ("deep nesting", lambda d: nested(60_000), "nested"),
    ("very deep nesting", lambda d: nested(100_000), "nested"),
    ("list as participant number",
     lambda d: changed(d, lambda x: x["participants"][0].update(number=[1])),
     "participants[1].number"),
    ("object as participant id in a rating",
     lambda d: changed(d, lambda x: x["ratings"][0].update(participant={"a": 1})),
     "ratings[1].participant"),
    ("object as statement id",
     lambda d: changed(d, lambda x: x["ratings"][0].update(statement_id={"x": 1})),
     "ratings[1].statement_id"),
    ("list as kpi id", lambda d: changed(d, lambda x: x["kpis"][0].update(kpi=["nps"])),
     "kpis[1].kpi"),
    ("lone surrogate in a name",
     lambda d: json.dumps(d).replace('"name": null', '"name": "A\\ud800"', 1).encode()
     if '"name": null' in json.dumps(d) else changed(
         d, lambda x: x["participants"][0].update(name="\ud800")),
     "participants[1].name"),
    ("lone surrogate in the workshop name",
     lambda d: json.dumps(d).replace(json.dumps(d["workshop"]["name"]), '"Q\\udfff"', 1).encode(),
     "workshop.name"),
    ("5,000-digit integer as a KPI value",
     lambda d: json.dumps(d).replace(f'"value": {json.dumps(d["kpis"][0]["value"])}',
                                     '"value": ' + "9" * 5000, 1).encode(),
     "kpis[1].value"),
    ("share of 99",
     lambda d: changed(d, lambda x: next(k for k in x["kpis"] if k["kpi"] ==
                                         "on_time_delivery_rate").update(value=99)),
     "between 0 and 1"),
    ("NPS of 1e308",
     lambda d: changed(d, lambda x: next(k for k in x["kpis"] if k["kpi"] == "nps")
                       .update(value=1e308)),
     "between -100 and 100"),
    ("participant number true",
     lambda d: changed(d, lambda x: x["participants"][0].update(number=True)),
     "participants[1].number"),
    ("rating true", lambda d: changed(d, lambda x: x["ratings"][0].update(rating=True)),
     "ratings[1].rating"),
    ("target of a share above 1",
     lambda d: changed(d, lambda x: x.update(targets={"on_time_delivery_rate": 95})),
     "targets.on_time_delivery_rate"),
    ("name of 10,000 characters",
     lambda d: changed(d, lambda x: x["workshop"].update(name="x" * 10_000)),
     "workshop.name"),
    ("NaN as a value", lambda d: json.dumps(d).replace(
        f'"value": {json.dumps(d["kpis"][0]["value"])}', '"value": NaN', 1).encode(),
     "kpis[1].value"),
    ("duplicate keys hiding a second workshop",
     lambda d: json.dumps(d).replace('"format"', '"workshop": 1, "format"', 1).encode(),
     "workshop"),
    ("not UTF-8", lambda d: b"\xff\xfe{" + json.dumps(d).encode("utf-16-le"), "UTF-8"),
    ("ratings as an object", lambda d: changed(d, lambda x: x.update(ratings={"a": 1})),
     "ratings"),
    ("evidence shares as text", lambda d: changed(
        d, lambda x: x.setdefault("evidence", {}).update(
            loyalty_matrix={"shares": "lots", "joined": 3})), "evidence.loyalty_matrix"),
]


@pytest.mark.parametrize(("name", "build", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_file_gets_one_clear_message_and_changes_nothing(
        engine: Engine, model: Model, exported: dict, name: str, build, words: str  # noqa: ANN001
        ) -> None:
    content = build(exported)
    before = counts(engine)
    with pytest.raises(WorkshopFileError) as caught:
        import_workshop(engine, content, model)
    message = str(caught.value)
    assert words.lower() in message.lower(), message
    assert "\n" not in message and len(message) < 300
    assert counts(engine) == before


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from loyalty_model.model import load_model
from loyalty_model.workshop import storage
from loyalty_model.workshop.workshop_json import import_workshop
engine = storage.make_engine(sys.argv[1])
print("ready", flush=True)
import_workshop(engine, Path(sys.argv[2]).read_bytes(), load_model())
print("done", flush=True)
"""


def big_file(model: Model, people: int = 1000) -> bytes:
    statements = [s.id for s in model.statements]
    return json.dumps({
        "format": "skab-promoters-workshop", "version": 1,
        "workshop": {"name": "Big room", "team": "Everyone", "language": "en",
                     "created_at": "2026-11-01T10:00:00+00:00"},
        "participants": [{"number": n, "name": f"Person {n}"} for n in range(1, people + 1)],
        "ratings": [{"participant": n, "statement_id": s, "rating": 1 + (n + i) % 5}
                    for n in range(1, people + 1) for i, s in enumerate(statements)],
        "kpis": [{"kpi": "nps", "period": "2026-Q3", "value": 20.0, "target": None}],
        "actions": [], "targets": {"nps": 30.0},
    }).encode()


def test_an_import_killed_half_way_leaves_nothing_half_written(tmp_path: Path,
                                                               model: Model) -> None:
    """Kill the importing process at different moments: a workshop is all there or absent."""
    db = tmp_path / "kill.db"
    url = f"sqlite:///{db}"
    storage.make_engine(url).dispose()
    path = tmp_path / "big.json"
    path.write_bytes(big_file(model))
    script = tmp_path / "run_import.py"
    script.write_text(IMPORT_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script), url, str(path)], env=env,
                          capture_output=True, text=True, check=True)
    full = time.monotonic() - started
    assert "done" in done.stdout
    killed, scale = 0, 1.0
    for attempt, fraction in enumerate((0.35, 0.5, 0.6, 0.7, 0.8, 0.9) * 2):
        if attempt >= 6 and killed >= 3:
            break
        process = subprocess.Popen([sys.executable, str(script), url, str(path)], env=env,
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(max(0.0, full * fraction * scale - 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        if process.returncode == -signal.SIGKILL:
            killed += 1
        else:  # the import finished first (a busy machine timed the first run slowly): aim earlier
            scale *= 0.6
    engine = storage.make_engine(url)
    people = len(model.statements) * 1000
    with engine.connect() as conn:
        for workshop_id, in conn.execute(select(storage.workshops.c.id)).all():
            participants = conn.execute(select(func.count()).select_from(storage.participants)
                                        .where(storage.participants.c.workshop_id
                                               == workshop_id)).scalar()
            ratings = conn.execute(select(func.count()).select_from(storage.ratings)
                                   .where(storage.ratings.c.workshop_id == workshop_id)).scalar()
            assert (participants, ratings) == (1000, people), "a half-written workshop"
            assert storage.targets(engine, workshop_id) == {"nps": 30.0}
    assert killed >= 3  # most kills landed while the import was still running
    engine.dispose()
