"""A tenant's uploaded prompts keep the number staff key on a phone to record them
(``*95*<nr>#``, issue 14 §7, IVR5): an upload added later — whatever its name — never moves
another's number, a removed one's number is given again, tenants count apart; existing
uploads are numbered by name when the column arrives (migration 0022). SQLite and
PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.prompts import PromptUploads, upload_id

AUDIO = b"\xff" * 800


def test_a_later_upload_never_moves_another_prompts_number(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    for tenant in ("a", "b"):
        Tenants(engine).add(Tenant(tenant, tenant.upper()))
    uploads = PromptUploads(engine)
    for name in ("valkommen", "stangt"):
        uploads.put("a", upload_id("a", name), name, AUDIO, 1.0)
    uploads.put("a", upload_id("a", "akut"), "akut", AUDIO, 2.0)  # sorts first by name
    numbers = {p.name: p.number for p in uploads.all("a")}
    assert numbers == {"valkommen": 1, "stangt": 2, "akut": 3}
    uploads.put("a", upload_id("a", "stangt"), "stangt", AUDIO * 2, 3.0)  # replaced: kept
    assert uploads.numbered("a", 2).name == "stangt"  # type: ignore[union-attr]
    uploads.remove("a", upload_id("a", "valkommen"))
    uploads.put("a", upload_id("a", "ny"), "ny", AUDIO, 4.0)  # the lowest free number
    assert {p.name: p.number for p in uploads.all("a")} == {"stangt": 2, "akut": 3, "ny": 1}
    uploads.put("b", upload_id("b", "x"), "x", AUDIO, 5.0)
    assert [p.number for p in uploads.all("b")] == [1]  # per tenant
    assert uploads.numbered("b", 2) is None and uploads.numbered("a", 9) is None


def test_uploads_made_before_the_column_are_numbered_by_name(database_url: str) -> None:
    engine = open_database(database_url)
    upgrade(engine, "0021")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO tenants (tenant_id, name) VALUES ('a', 'A')"))
        for name in ("valkommen", "akut"):
            connection.execute(
                sa.text(
                    "INSERT INTO prompts (tenant_id, prompt_id, name, audio, uploaded_at) "
                    "VALUES ('a', :id, :name, :audio, 1.0)"
                ),
                {"id": upload_id("a", name), "name": name, "audio": AUDIO},
            )
    upgrade(engine)
    assert {p.name: p.number for p in PromptUploads(engine).all("a")} == {
        "akut": 1,
        "valkommen": 2,
    }
