"""Everything the product keeps, split by kind of record: SQLite by default, PostgreSQL by URL.

Part of the workshop layer: may import loyalty_model.intake, loyalty_model.assessment, messages,
i18n and model; never takeaways, cli or streamlit. Callers use `storage.<name>` from here.
"""

from .clients import (
    CLIENT_NAME_CHARS,
    Client,
    attach_workshop,
    client_by_key,
    client_data_version,
    client_workshops,
    create_client,
    detach_workshop,
    is_client_key,
    latest_per_team,
    remove_team,
    workshop_client,
)
from .comments import (
    COMMENT_CHARS,
    Comment,
    clean_comment,
    participant_comments,
    save_comment,
    set_marked,
    shown_comments,
    workshop_comments,
    write_comments,
)
from .database import (
    DEFAULT_SQLITE_PATH,
    FairLock,
    StorageUnavailable,
    database_url,
    url_from_settings,
    writing,
)
from .engine import STORAGE_ERRORS, describe, health, make_engine, ping, safe_url
from .kpi_sets import (
    ACTION_CHARS,
    ACTION_COLUMNS,
    OWNER_CHARS,
    actions_frame,
    kpis_frame,
    load_evidence,
    save_actions,
    save_evidence,
    save_kpis,
    save_targets,
    targets,
    write_actions,
    write_evidence,
    write_kpis,
    write_targets,
)
from .mappings import load_mapping, save_mapping
from .rating import (
    count_ratings,
    participant_answers,
    progress,
    ratings_frame,
    save_rating,
    shown_ratings,
)
from .schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    actions,
    column_mappings,
    comments,
    evidence,
    init_db,
    join_failures,
    kpi_targets,
    kpi_values,
    meta,
    metadata,
    participants,
    ratings,
    schema_version,
    token_hash,
    workshops,
)
from .versions import workshop_data_version
from .workshop import (
    CODE_ALPHABET,
    CODE_LENGTH,
    NAME_CHARS,
    WORKSHOP_NAME_CHARS,
    JoiningClosed,
    Participant,
    Workshop,
    _hash_key,
    add_participant,
    create_follow_up,
    create_workshop,
    get_workshop,
    insert_participant,
    insert_workshop,
    is_facilitator,
    join_workshop,
    link_to_earlier,
    list_participants,
    new_code,
    participant_by_token,
    series_workshops,
    set_joining_open,
    set_revealed,
    workshop_by_code,
)

__all__ = [
    # tables and their version (schema)
    "MIGRATIONS", "SCHEMA_VERSION", "actions", "column_mappings", "comments", "evidence",
    "init_db",
    "join_failures", "kpi_targets", "kpi_values", "meta", "metadata", "participants", "ratings",
    "schema_version", "token_hash", "workshops",
    # where the database is and how writers take turns (database)
    "DEFAULT_SQLITE_PATH", "FairLock", "StorageUnavailable", "database_url", "url_from_settings",
    "writing",
    # opening it, and noticing when it is gone (engine)
    "STORAGE_ERRORS", "describe", "health", "make_engine", "ping", "safe_url",
    # workshops, codes, keys and participants (workshop)
    "CODE_ALPHABET", "CODE_LENGTH", "NAME_CHARS", "WORKSHOP_NAME_CHARS", "JoiningClosed",
    "Participant", "Workshop", "_hash_key", "add_participant", "create_follow_up",
    "create_workshop", "get_workshop", "insert_participant", "insert_workshop", "is_facilitator",
    "join_workshop", "link_to_earlier", "list_participants", "new_code", "participant_by_token",
    "series_workshops", "set_joining_open", "set_revealed", "workshop_by_code",
    # answers (rating)
    "count_ratings", "participant_answers", "progress", "ratings_frame", "save_rating",
    "shown_ratings",
    # what participants say a customer would say, per layer (comments)
    "COMMENT_CHARS", "Comment", "clean_comment", "participant_comments", "save_comment",
    "set_marked", "shown_comments", "workshop_comments", "write_comments",
    # KPI sets, action plans and evidence (kpi_sets)
    "ACTION_CHARS", "ACTION_COLUMNS", "OWNER_CHARS", "actions_frame", "kpis_frame",
    "load_evidence", "save_actions", "save_evidence", "save_kpis", "save_targets", "targets",
    "write_actions", "write_evidence", "write_kpis", "write_targets",
    # clients and the teams grouped under them (clients)
    "CLIENT_NAME_CHARS", "Client", "attach_workshop", "client_by_key", "client_data_version",
    "detach_workshop", "remove_team",
    "client_workshops", "create_client", "is_client_key", "latest_per_team", "workshop_client",
    # remembered column mappings (mappings)
    "load_mapping", "save_mapping",
    # a fingerprint pages cache under (versions)
    "workshop_data_version",
]
