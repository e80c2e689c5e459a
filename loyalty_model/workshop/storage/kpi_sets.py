"""What a workshop holds besides answers: its KPI set and targets, its action plan, evidence."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select

from .database import _upsert, writing
from .schema import actions, evidence, kpi_targets, kpi_values


def save_kpis(engine: Engine, workshop_id: int, frame: pd.DataFrame) -> None:
    """Replace the workshop's KPI set with `frame` (kpi, value, period, target) in one step."""
    with writing(engine) as conn:
        write_kpis(conn, workshop_id, frame)


def write_kpis(conn: Connection, workshop_id: int, frame: pd.DataFrame) -> None:
    """`save_kpis` inside the caller's transaction (an import writes everything at once)."""
    rows = [
        {"workshop_id": workshop_id, "kpi": str(r.kpi), "period": str(r.period),
         "value": float(r.value),
         "target": None if pd.isna(getattr(r, "target", None)) else float(r.target)}
        for r in frame.itertuples(index=False)
    ]
    conn.execute(delete(kpi_values).where(kpi_values.c.workshop_id == workshop_id))
    if rows:
        conn.execute(insert(kpi_values), rows)


def kpis_frame(engine: Engine, workshop_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_values.c.kpi, kpi_values.c.value, kpi_values.c.period,
                                   kpi_values.c.target)
                            .where(kpi_values.c.workshop_id == workshop_id)
                            .order_by(kpi_values.c.id)).all()
    frame = pd.DataFrame(rows, columns=["kpi", "value", "period", "target"])
    return frame.astype({"kpi": "string", "value": float, "period": "string", "target": float})


def save_targets(engine: Engine, workshop_id: int, targets: dict[str, float]) -> None:
    """Replace the team's KPI targets; a KPI left out falls back to its file or starting target."""
    with writing(engine) as conn:
        write_targets(conn, workshop_id, targets)


def write_targets(conn: Connection, workshop_id: int, targets: dict[str, float]) -> None:
    rows = [{"workshop_id": workshop_id, "kpi": str(kpi), "target": float(target)}
            for kpi, target in targets.items() if target is not None and not pd.isna(target)]
    conn.execute(delete(kpi_targets).where(kpi_targets.c.workshop_id == workshop_id))
    if rows:
        conn.execute(insert(kpi_targets), rows)


def targets(engine: Engine, workshop_id: int) -> dict[str, float]:
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_targets.c.kpi, kpi_targets.c.target)
                            .where(kpi_targets.c.workshop_id == workshop_id)
                            .order_by(kpi_targets.c.kpi)).all()
    return {kpi: float(target) for kpi, target in rows}


ACTION_COLUMNS = ["action", "layer", "owner", "due_date"]
ACTION_CHARS = 2000  # longest action text kept; the editor stops there and says so
OWNER_CHARS = 200


def save_actions(engine: Engine, workshop_id: int, frame: pd.DataFrame) -> None:
    """Replace the action plan; rows without action text are dropped (an empty editor row)."""
    with writing(engine) as conn:
        write_actions(conn, workshop_id, frame)


def write_actions(conn: Connection, workshop_id: int, frame: pd.DataFrame) -> None:
    rows = []
    for position, r in enumerate(frame.to_dict("records")):
        text = str(r.get("action") or "").strip()
        if not text or text == "nan":
            continue
        due = r.get("due_date")
        due_text = None if due is None or pd.isna(due) or due == "" else str(due)[:10]
        rows.append({
            "workshop_id": workshop_id, "position": position, "action": text[:ACTION_CHARS],
            "layer": (str(r.get("layer")) if r.get("layer") and not pd.isna(r.get("layer"))
                      else None),
            "owner": (str(r.get("owner")).strip()[:OWNER_CHARS]
                      if r.get("owner") and not pd.isna(r.get("owner")) else None),
            "due_date": due_text,
        })
    conn.execute(delete(actions).where(actions.c.workshop_id == workshop_id))
    if rows:
        conn.execute(insert(actions), rows)


def actions_frame(engine: Engine, workshop_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(actions.c.action, actions.c.layer, actions.c.owner,
                                   actions.c.due_date)
                            .where(actions.c.workshop_id == workshop_id)
                            .order_by(actions.c.position)).all()
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def save_evidence(engine: Engine, workshop_id: int, name: str, payload: dict) -> None:
    """Keep a computed result (e.g. name="loyalty_matrix") with the workshop, replacing any."""
    with writing(engine) as conn:
        write_evidence(conn, workshop_id, name, payload)


def write_evidence(conn: Connection, workshop_id: int, name: str, payload: dict) -> None:
    stmt = _upsert(conn.engine, evidence).values(workshop_id=workshop_id, name=name,
                                                 payload=json.dumps(payload, ensure_ascii=False))
    stmt = stmt.on_conflict_do_update(index_elements=["workshop_id", "name"],
                                      set_={"payload": stmt.excluded.payload})
    conn.execute(stmt)


def load_evidence(engine: Engine, workshop_id: int, name: str) -> dict | None:
    with engine.connect() as conn:
        raw = conn.execute(select(evidence.c.payload).where(
            evidence.c.workshop_id == workshop_id, evidence.c.name == name)).scalar()
    return json.loads(raw) if raw else None
