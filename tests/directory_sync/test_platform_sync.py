"""The running platform keeps the directory in step by itself (DIR5): a tenant's stored LDAP
settings are synced as soon as the scheduler runs, with no command and no polling loop."""

from __future__ import annotations

import asyncio

from tests.directory_sync.slapd import ROOT_DN, ROOT_PASSWORD, SUFFIX, Slapd, people
from vaxel.app import build_platform
from vaxel.directory_sync.service import LDAP
from vaxel.settings import ServeSettings
from vaxel.store import Tenant, Tenants
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources


async def test_the_platform_syncs_stored_ldap_settings_by_itself(tmp_path) -> None:  # type: ignore[no-untyped-def]
    slapd = Slapd(people(25))
    try:
        settings = ServeSettings(
            database_url=f"sqlite:///{tmp_path}/v.db", http_port=None, sip_port=None
        )
        platform = build_platform(settings)
        Tenants(platform.database).add(Tenant("exempelby", "Exempelby kommun"))
        DirectorySources(platform.database).put_settings(
            "exempelby",
            LDAP,
            {"url": slapd.url, "base_dn": SUFFIX, "bind_dn": ROOT_DN, "password": ROOT_PASSWORD},
            0.0,
        )
        assert platform.directory_sync is not None
        platform.directory_sync.refresh()
        store = DirectoryStore(platform.database)
        async with platform.lifespan():
            for _ in range(1200):  # at most 60 s: a loaded CI machine is slow to start
                if len(store.people("exempelby")) == 25:
                    break
                await asyncio.sleep(0.05)
        assert len(store.people("exempelby")) == 25
        report = DirectorySources(platform.database).report("exempelby", LDAP)
        assert report is not None and report["ok"] and report["counts"]["added"] == 25
    finally:
        slapd.stop()
