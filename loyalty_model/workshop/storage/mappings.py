"""Column mappings remembered by file signature, so an export seen before maps itself again."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select

from .database import _upsert, writing
from .schema import column_mappings


def save_mapping(engine: Engine, signature: str, kind: str, mapping: dict[str, str]) -> None:
    stmt = _upsert(engine, column_mappings).values(
        signature=signature, kind=kind, mapping=json.dumps(mapping, ensure_ascii=False))
    stmt = stmt.on_conflict_do_update(index_elements=["signature"],
                                      set_={"mapping": stmt.excluded.mapping})
    with writing(engine) as conn:
        conn.execute(stmt)


def load_mapping(engine: Engine, signature: str) -> dict[str, str] | None:
    with engine.connect() as conn:
        raw = conn.execute(select(column_mappings.c.mapping)
                           .where(column_mappings.c.signature == signature)).scalar()
    return json.loads(raw) if raw else None
