"""The tables, their version and the steps that upgrade an older database to it.

Every other module of the package reads and writes these tables; `make_engine` (engine.py) is the
way in, as it brings the schema up to date before anything else touches the database (see
docs/storage.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    inspect,
    select,
    text,
    update,
)

from .database import writing

SCHEMA_VERSION = 6

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("facilitator_key_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("team", String(200), nullable=False),
    Column("language", String(2), nullable=False, default="en"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revealed", Boolean, nullable=False, default=False),
    Column("is_sample", Boolean, nullable=False, default=False),
    # A team's repeated workshops share a series (the first workshop's code). Only someone holding
    # a facilitator key can extend one, so typing another client's team name shows nothing.
    Column("series", String(64), nullable=True, index=True),
    # Closed by the facilitator: the code admits no new participants; those who joined go on.
    Column("joining_open", Boolean, nullable=False, default=True, server_default=text("TRUE")),
    # The client (organisation) a consultant groups this team's workshops under; none by default.
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="SET NULL"), nullable=True,
           index=True),
    # Chosen by the facilitator at creation: "names_shown", "names_hidden" or "aggregates_only"
    # (no name kept, nothing shown until `smallest_group` people answered it).
    Column("anonymity", String(20), nullable=False, default="names_hidden",
           server_default=text("'names_hidden'")),
    Column("smallest_group", Integer, nullable=False, default=3, server_default=text("3")),
)

# A consultant's client: several teams' workshops side by side. Its own key (hashed like the
# facilitator key) opens the client view; a team's facilitator key never does.
clients = Table(
    "clients", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    # SHA-256 of the participant's token, like the facilitator key: the token itself is only
    # ever in the participant's link, so a copy of the database opens nobody's answers.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"),
           nullable=False),
    Column("statement_id", String(80), nullable=False),
    Column("rating", Integer, nullable=True),  # NULL = "don't know"
    Column("answered_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "statement_id", name="uq_rating_once"),
    Index("ix_ratings_workshop_statement", "workshop_id", "statement_id"),
)

kpi_values = Table(
    "kpi_values", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kpi", String(80), nullable=False),
    Column("period", String(16), nullable=False),
    Column("value", Float, nullable=False),
    Column("target", Float, nullable=True),
    UniqueConstraint("workshop_id", "kpi", "period", name="uq_kpi_period"),
)

actions = Table(
    "actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("action", Text, nullable=False),
    Column("layer", String(40), nullable=True),
    Column("owner", String(200), nullable=True),
    Column("due_date", String(10), nullable=True),  # ISO date
)

column_mappings = Table(
    "column_mappings", metadata,
    Column("signature", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("mapping", Text, nullable=False),  # JSON {source column: canonical column}
)

# The team's own KPI targets, set in the targets step; they override a file's target column and
# the catalogue's starting targets. A KPI without a row here uses those.
kpi_targets = Table(
    "kpi_targets", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("kpi", String(80), primary_key=True),
    Column("target", Float, nullable=False),
)

# Results computed from raw exports that are not KPI rows, e.g. the loyalty matrix shares. The
# raw files themselves are never stored: only what the workshop needs to show and report.
evidence = Table(
    "evidence", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("payload", Text, nullable=False),  # JSON
)

# What a participant says a customer would say about a layer; the facilitator marks some for
# discussion. Kept with the participant, shown according to the workshop's anonymity level.
comments = Table(
    "comments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"),
           nullable=False),
    Column("layer", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("marked", Boolean, nullable=False, default=False, server_default=text("FALSE")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "layer", name="uq_comment_participant_layer"),
)

# Failed join-code look-ups, for the limits in loyalty_model.workshop.access. Kept in the database
# so they hold across server processes and a new browser session cannot reset them. `scope` is
# "server" or a hash of a client address (never the address itself); rows older than the
# window are deleted as new ones arrive.
join_failures = Table(
    "join_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(64), nullable=False),
    Column("failed_at", Float, nullable=False),  # seconds since the epoch (UTC)
    Index("ix_join_failures_scope_at", "scope", "failed_at"),
)


def token_hash(token: str) -> str:
    """How a participant token is stored (and looked up)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_tokens(conn: Connection) -> None:
    """v4 -> v5 data step: replace every stored token by its hash; existing links keep working
    because a link's token is hashed the same way when it is looked up."""
    rows = conn.execute(text("SELECT id, token_hash FROM participants")).all()
    for row in rows:
        conn.execute(text("UPDATE participants SET token_hash = :hash WHERE id = :id"),
                     {"hash": token_hash(row.token_hash), "id": row.id})


Step = str | Callable[[Connection], None]

# Each step upgrades a database from the version before it. Append, never edit. Steps only alter
# tables that already existed at the version before; new tables come from create_all. The SQL
# must run on SQLite and PostgreSQL alike.
MIGRATIONS: dict[int, list[Step]] = {
    # v0 -> v1: the version row in `meta` was introduced; the tables were already as in v1.
    1: [],
    # v1 -> v2: workshop series for the trend; index for the live aggregate per statement.
    2: [
        "ALTER TABLE workshops ADD COLUMN series VARCHAR(64)",
        "UPDATE workshops SET series = code WHERE series IS NULL",
        "CREATE INDEX IF NOT EXISTS ix_workshops_series ON workshops (series)",
        "CREATE INDEX IF NOT EXISTS ix_ratings_workshop_statement"
        " ON ratings (workshop_id, statement_id)",
    ],
    # v2 -> v3: the facilitator can close a workshop to new participants; existing ones are open.
    3: [
        "ALTER TABLE workshops ADD COLUMN joining_open BOOLEAN NOT NULL DEFAULT TRUE",
    ],
    # v3 -> v4: the team's KPI targets (a new table, made by create_all).
    4: [],
    # v4 -> v5: participant tokens stored hashed (a Python step: SQLite has no SHA-256); the
    # join limits' table is new (create_all).
    5: [
        "ALTER TABLE participants RENAME COLUMN token TO token_hash",
        _hash_tokens,
    ],
    # v5 -> v6: clients (new table), a workshop's client and anonymity level, comments per layer
    # (new table). Existing workshops keep today's behaviour: names hidden, no client.
    6: [
        "ALTER TABLE workshops ADD COLUMN client_id INTEGER REFERENCES clients(id)",
        "ALTER TABLE workshops ADD COLUMN anonymity VARCHAR(20) NOT NULL "
        "DEFAULT 'names_hidden'",
        "ALTER TABLE workshops ADD COLUMN smallest_group INTEGER NOT NULL DEFAULT 3",
    ],
}


def _schema_version(conn: Connection, tables_before: set[str]) -> int:
    """The version stored in `meta`; a database from before versioning counts as version 0."""
    if "meta" in tables_before:
        current = conn.execute(select(meta.c.value)
                               .where(meta.c.key == "schema_version")).scalar()
        if current is not None:
            return int(current)
    return 0 if "workshops" in tables_before else SCHEMA_VERSION


def _up_to_date(engine: Engine) -> bool:
    """Every table there and the version current: nothing to write (a read-only database opens)."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not set(metadata.tables) <= tables:
            return False
        stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    return stored == str(SCHEMA_VERSION)


def init_db(engine: Engine) -> int:
    """Create missing tables and run pending migrations in one transaction; returns the version.

    The whole upgrade is one transaction (both databases have transactional DDL), so a server
    killed half-way leaves the old schema, not a mix; two servers starting together take turns.
    A database already up to date is only read, so a read-only one still opens.
    """
    if _up_to_date(engine):
        return SCHEMA_VERSION
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4241)"))  # any fixed number
        tables_before = set(inspect(conn).get_table_names())
        version = _schema_version(conn, tables_before)
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {version} is newer than this app "
                               f"({SCHEMA_VERSION}); upgrade the app")
        metadata.create_all(conn)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS.get(step, []):
                if callable(statement):
                    statement(conn)
                else:
                    conn.exec_driver_sql(statement)
        stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if stored is None:
            conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        elif stored != str(SCHEMA_VERSION):
            conn.execute(update(meta).where(meta.c.key == "schema_version")
                         .values(value=str(SCHEMA_VERSION)))
    return SCHEMA_VERSION


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(meta.c.value)
                                .where(meta.c.key == "schema_version")).scalar_one())


def _now() -> datetime:
    return datetime.now(UTC)
