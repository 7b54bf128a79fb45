"""The whole schema on one metadata, for Alembic's ``env.py`` and anyone who needs every
table (STYLE rule 9: every schema change is a migration).

The tables live in several modules (``tables`` and a ``tables_*`` per part, and stores
that keep their one table beside their queries); a table joins the metadata only when its
module is imported. Importing ``tables`` alone therefore showed autogenerate 27 of its 45
tables, and it proposed to drop the rest. Import this module instead; a test compares
it with the migrated database, so a new table module not listed here is noticed.
"""

from __future__ import annotations

from vaxel.store import (  # noqa: F401  (imported for their tables)
    audio_devices,
    console_units,
    flow_switches,
    pbx_conference,
    person_messages,
    tables_pbx_forwarding,
    tables_pbx_numbering,
    tables_pbx_trunks,
    tables_voicemail,
    webrtc_ice,
)
from vaxel.store.tables import metadata

__all__ = ["metadata"]
