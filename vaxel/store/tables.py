"""The tables (STYLE rule 9: tables, domain objects and API schemas stay separate).

Every row belongs to a tenant. Configuration objects (queues, agents, schedules, flows) are
stored as JSON documents beside their searchable columns; the journal holds every input
event; ``contacts`` and ``callbacks`` are read models kept in step with the journal.
The schema changes only through Alembic migrations (``vaxel/store/migrations``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

__all__ = [
    "agents",
    "api_keys",
    "audit_log",
    "callback_attempts",
    "callbacks",
    "contacts",
    "directory_fields",
    "directory_people",
    "directory_presence",
    "directory_reasons",
    "directory_units",
    "engine_snapshots",
    "extensions",
    "flows",
    "journal",
    "metadata",
    "prompts",
    "queues",
    "schedules",
    "service_numbers",
    "skills",
    "tenant_fk",
    "tenant_lists",
    "tenants",
    "users",
    "web_sessions",
]

metadata = MetaData()

tenants = Table(
    "tenants",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("main_number", String(32), nullable=False, server_default=""),
    Column("international_calls", Boolean, nullable=False, server_default=false()),
)


def tenant_fk(primary_key: bool = False) -> Column[str]:
    """The ``tenant_id`` every tenant's row starts with: removing a tenant removes its rows."""
    return Column(
        "tenant_id",
        String(64),
        ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    tenant_fk(),
    Column("username", String(100), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("agent_id", String(64), nullable=True),
    Column("password_hash", String(255), nullable=True),
    UniqueConstraint("tenant_id", "username"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    tenant_fk(),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("ix_web_sessions_user", "user_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    tenant_fk(),
    Column("name", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    # The first 16 hex digits of key_hash: how pages and the CLI name a key (issue 10 §12).
    Column("key_id", String(16), nullable=False, server_default=""),
    # Space-separated scopes (vaxel.store.api_keys.SCOPES); none unless written.
    Column("scopes", String(200), nullable=False, server_default=""),
    Column("expires_at", Float, nullable=True),
    Column("revoked_at", Float, nullable=True),
    Column("last_used_at", Float, nullable=True),
    Index("ix_api_keys_key_id", "key_id", unique=True),
)

skills = Table(
    "skills",
    metadata,
    tenant_fk(),
    Column("skill_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    UniqueConstraint("tenant_id", "skill_id"),
)


def _document(name: str, key: str) -> Table:
    return Table(
        name,
        metadata,
        tenant_fk(),
        Column(key, String(64), nullable=False),
        Column("name", String(200), nullable=False),
        Column("document", JSON, nullable=False),
        UniqueConstraint("tenant_id", key),
    )


queues = _document("queues", "queue_id")
agents = _document("agents", "agent_id")
schedules = _document("schedules", "schedule_id")
flows = _document("flows", "flow_id")
extensions = _document("extensions", "extension_id")
tenant_lists = _document("tenant_lists", "list_id")
"""Short per-tenant lists the agents pick from: pause reasons, classification codes."""

service_numbers = Table(
    "service_numbers",
    metadata,
    # E.164 ("+46101234500"), the key on its own: a number callers dial reaches one tenant
    # only, so the database refuses a second owner even when two admins save at once.
    Column("number", String(32), primary_key=True),
    tenant_fk(),
    Column("flow_id", String(64), nullable=False),
    Index("ix_service_numbers_tenant", "tenant_id", "flow_id"),
)
"""Which of the tenant's flows answers each number it is called on (issue 12 §6)."""

prompts = Table(
    "prompts",
    metadata,
    tenant_fk(),
    Column("prompt_id", String(128), nullable=False),
    Column("name", String(200), nullable=False),
    # Uploaded prompts as 8 kHz µ-law, the format the media engine plays.
    Column("audio", LargeBinary, nullable=False),
    Column("uploaded_at", Float, nullable=False),
    # The recording it replaced by phone, kept for undo (issue 14 §7; migration 0020).
    Column("previous_audio", LargeBinary, nullable=True),
    # What staff key on a phone to record it (``*95*<nr>#``): given once (migration 0022).
    Column("number", Integer, nullable=True),
    UniqueConstraint("tenant_id", "prompt_id"),
    UniqueConstraint("tenant_id", "number", name="uq_prompts_tenant_number"),
)

journal = Table(
    "journal",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("applied_at", Float, nullable=False),
    Column("schema_version", Integer, nullable=False, server_default="1"),
    Column("correlation_id", String(64), nullable=False, server_default=""),
    Column("causation_id", String(64), nullable=False, server_default=""),
    Column("actor", String(128), nullable=False, server_default=""),
    Index("ix_journal_tenant", "tenant_id", "seq"),
    Index("ix_journal_story", "tenant_id", "correlation_id", "seq"),
)

engine_snapshots = Table(
    "engine_snapshots",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("version", String(64), nullable=False),
    Column("taken_at", Float, nullable=False),
    Column("payload", LargeBinary, nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    tenant_fk(),
    Column("contact_id", String(64), nullable=False),
    Column("queue_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("caller_number", String(32), nullable=False, server_default=""),
    Column("caller_data", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("arrived_at", Float, nullable=False),
    Column("answered_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Column("agent_id", String(64), nullable=True),
    Column("classification", String(64), nullable=True),
    Column("note", Text, nullable=True),
    UniqueConstraint("tenant_id", "contact_id"),
    Index("ix_contacts_arrived", "tenant_id", "arrived_at"),
)

callbacks = Table(
    "callbacks",
    metadata,
    tenant_fk(),
    Column("contact_id", String(64), nullable=False),
    Column("queue_id", String(64), nullable=False),
    Column("number", String(32), nullable=False),
    Column("interval_id", String(64), nullable=False, server_default=""),
    Column("caller_data", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("requested_at", Float, nullable=False),
    Column("eligible_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("agents_tried", JSON, nullable=False),
    Column("last_note", Text, nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "contact_id"),
)

callback_attempts = Table(
    "callback_attempts",
    metadata,
    tenant_fk(),
    Column("contact_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("agent_id", String(64), nullable=False),
    Column("started_at", Float, nullable=False),
    # how the dial-out went when telephony dialled it: answered / no_answer
    Column("call_result", String(16), nullable=False, server_default=""),
    # the agent's close: done / unanswered (CB10)
    Column("outcome", String(16), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
    Column("closed_at", Float, nullable=True),
    # when an unanswered callback may be tried again (CB11); None once done or failed
    Column("next_at", Float, nullable=True),
    Column("requeued_by", String(100), nullable=False, server_default=""),
    Column("requeued_at", Float, nullable=True),
    UniqueConstraint("tenant_id", "contact_id", "attempt"),
)
"""The read model of every callback attempt (CB10, CB11), kept in step with the journal."""

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("detail", Text, nullable=False, server_default="{}"),
    Index("ix_audit_log_tenant", "tenant_id", "id"),
)
"""Account and permission changes (issue 12 §6), written with the change itself."""

directory_units = Table(
    "directory_units",
    metadata,
    tenant_fk(),
    Column("unit_id", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("parent_id", String(64), nullable=True),
    UniqueConstraint("tenant_id", "unit_id"),
)
"""The tenant's organisational units as a tree (DIR1): each names its parent."""

directory_people = Table(
    "directory_people",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    # The id in the source the person came from (HR file, AD): imports upsert by it (DIR5).
    Column("external_id", String(200), nullable=True),  # NULL: entered by hand (not unique)
    Column("given_name", String(200), nullable=False),
    Column("family_name", String(200), nullable=False),
    # The first extension of ``numbers``, for "who answers 2041" without reading the JSON.
    Column("extension", String(40), nullable=False, server_default=""),
    Column("email", String(320), nullable=False, server_default=""),
    Column("room", String(200), nullable=False, server_default=""),
    Column("location", String(200), nullable=False, server_default=""),
    # People removed from the source are deactivated, not lost (issue 13 §3).
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("numbers", JSON, nullable=False),  # [[kind, value], …]
    Column("unit_ids", JSON, nullable=False),
    Column("groups", JSON, nullable=False),
    Column("titles", JSON, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("custom", JSON, nullable=False),  # {field name: value}
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("tenant_id", "person_id"),
    UniqueConstraint("tenant_id", "external_id"),
    Index("ix_directory_people_extension", "tenant_id", "extension"),
)
"""The directory's people (DIR1); the search index is built from these rows."""

directory_fields = Table(
    "directory_fields",
    metadata,
    tenant_fk(),
    Column("name", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("tenant_id", "name"),
)
"""The custom fields a tenant's directory admin defines (DIR1, DIR6), in display order."""

directory_presence = Table(
    "directory_presence",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    # One presence per person and setter: by hand, per group, calendar, schedule (DIR3).
    Column("source", String(16), nullable=False),
    Column("group_name", String(100), nullable=False, server_default=""),
    Column("reason_id", String(64), nullable=False),
    Column("text", String(200), nullable=False, server_default=""),
    Column("since", Float, nullable=False),
    Column("until", Float, nullable=True),  # None: until further notice ("tills vidare")
    Column("set_by", String(100), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "person_id", "source", "group_name"),
)
"""The presences set for each person (hänvisning, DIR3); none: the person is in."""

directory_reasons = Table(
    "directory_reasons",
    metadata,
    tenant_fk(),
    Column("reason_id", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    UniqueConstraint("tenant_id", "reason_id"),
)
"""The tenant's own absence reasons beside the Swedish defaults, in the order given."""

directory_sources = Table(
    "directory_sources",
    metadata,
    tenant_fk(),
    Column("source", String(16), nullable=False),  # "ldap" or "calendar"
    Column("settings", JSON, nullable=False),
    Column("report", JSON, nullable=True),  # the last run's SyncReport
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("tenant_id", "source"),
)
"""Each tenant's outside sources of the directory (DIR5, spec §41) and how they last ran."""

directory_calendars = Table(
    "directory_calendars",
    metadata,
    tenant_fk(),
    Column("person_id", String(64), nullable=False),
    Column("url", String(500), nullable=False),
    Column("kind", String(8), nullable=False),  # "caldav" or "ics"
    Column("username", String(200), nullable=False, server_default=""),
    Column("password", String(500), nullable=False, server_default=""),
    Column("opted_out", Boolean, nullable=False, server_default=false()),
    Column("checked_at", Float, nullable=True),
    Column("error", String(300), nullable=False, server_default=""),
    UniqueConstraint("tenant_id", "person_id"),
)
"""A person's calendar, read for presence unless they opted out (spec §41)."""
