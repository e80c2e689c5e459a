"""The bundled sample company, so a first-time user sees the whole journey without any file.

Each call creates a fresh copy of the sample workshop: a visitor who rates along or edits the
action plan changes their own copy, never the next visitor's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, insert

from loyalty_model.intake.kpi_file import KpiFileResult, read_kpi_file
from loyalty_model.model import DATA_DIR, Model, Text
from loyalty_model.workshop import storage

SAMPLE_DIR = DATA_DIR / "sample"


@dataclass(frozen=True)
class SampleCompany:
    name: str
    team: str
    description: Text
    workshop_name: Text


def company(sample_dir: Path = SAMPLE_DIR) -> SampleCompany:
    with open(sample_dir / "company.toml", "rb") as f:
        raw = tomllib.load(f)
    return SampleCompany(
        name=raw["name"], team=raw["team"],
        description=Text.parse(raw["description"], "sample company description"),
        workshop_name=Text.parse(raw["workshop_name"], "sample workshop name"),
    )


def sample_ratings(sample_dir: Path = SAMPLE_DIR) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "ratings.csv", dtype={"participant": str,
                                                           "statement_id": str})


@dataclass(frozen=True)
class SampleComment:
    participant: str
    layer: str
    text: Text
    marked: bool


def sample_comments(model: Model, sample_dir: Path = SAMPLE_DIR) -> list[SampleComment]:
    """The sample team's comments (comments.toml); a layer the model lacks fails loading."""
    with open(sample_dir / "comments.toml", "rb") as f:
        raw = tomllib.load(f)
    found = [SampleComment(c["participant"], c["layer"],
                           Text.parse(c["text"], f"sample comment of {c['participant']}"),
                           bool(c.get("marked", False)))
             for c in raw.get("comment", [])]
    unknown = sorted({c.layer for c in found} - {layer.id for layer in model.layers})
    if unknown:
        raise ValueError(f"sample comments name unknown layers: {', '.join(unknown)}")
    return found


def sample_kpis(model: Model, sample_dir: Path = SAMPLE_DIR) -> KpiFileResult:
    path = sample_dir / "kpis.csv"
    return read_kpi_file(path.read_bytes(), path.name, model)


EXPORT_FILES = {"orders": "ordrer.csv", "surveys": "kundemaaling.csv", "tickets": "sager.xlsx",
                "customers": "customers.csv"}


@cache
def sample_matrix(sample_dir: Path = SAMPLE_DIR) -> dict | None:
    """The loyalty matrix of the sample's raw exports (computed once per process)."""
    from loyalty_model.intake.loading import load_kind
    from loyalty_model.intake.matrix import loyalty_matrix
    from loyalty_model.intake.readers import read_table

    exports = sample_dir / "exports"
    loaded = {kind: load_kind(read_table((exports / name).read_bytes(), name), kind)
              for kind, name in EXPORT_FILES.items()}
    return loyalty_matrix(loaded)


def create_sample_workshop(engine: Engine, model: Model, lang: str = "en"
                           ) -> tuple[storage.Workshop, str]:
    """A new workshop holding the sample company's ratings, comments and KPIs; returns it and
    its key."""
    info = company()
    workshop, key = storage.create_workshop(
        engine, name=info.workshop_name(lang), team=info.team, language=lang, is_sample=True)
    ratings = sample_ratings()
    people = {name: storage.add_participant(engine, workshop.id, name)
              for name in ratings["participant"].unique()}
    rows = [
        {"workshop_id": workshop.id, "participant_id": people[r.participant].id,
         "statement_id": r.statement_id,
         "rating": None if pd.isna(r.rating) else int(r.rating),
         "answered_at": workshop.created_at}
        for r in ratings.itertuples(index=False)
    ]
    with engine.begin() as conn:
        conn.execute(insert(storage.ratings), rows)
    for comment in sample_comments(model):  # in the workshop's language, as typed on phones
        storage.save_comment(engine, people[comment.participant], comment.layer,
                             comment.text(lang))
    marked = {(people[c.participant].id, c.layer) for c in sample_comments(model) if c.marked}
    for stored in storage.workshop_comments(engine, workshop.id):
        if (stored.participant_id, stored.layer) in marked:
            storage.set_marked(engine, workshop.id, stored.id, True)
    storage.save_kpis(engine, workshop.id, sample_kpis(model).frame)
    matrix = sample_matrix()
    if matrix:
        storage.save_evidence(engine, workshop.id, "loyalty_matrix", matrix)
    return workshop, key
