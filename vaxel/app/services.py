"""The runtime's services the root builds for the web, the API and telephony: the directory
and its outside sources (issue 13), voicemail (PBX4) and conference rooms (PBX6).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from vaxel.app.platform import Platform
from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import UnknownTenant
from vaxel.runtime.directory_sync import DirectorySync
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.pbx_reach import PbxReach
from vaxel.runtime.pbx_trunks import policy_of_person
from vaxel.store import Tenants
from vaxel.store.pbx_forwarding import ForwardingStore

if TYPE_CHECKING:
    from vaxel.runtime.conferences import ConferenceService
    from vaxel.runtime.voicemail import VoicemailService

__all__ = ["build_conferences", "build_directory", "build_voicemail", "dial_policy_of"]


def build_directory(platform: Platform) -> DirectorySync:
    """The directory's views (searches, cards, presence) and its outside sources (LDAP/AD,
    calendars), each one more scheduler machine; a sync or poll reloads the tenant's views."""
    from vaxel.directory_sync.service import DirectoryService
    from vaxel.store.directory import DirectoryStore
    from vaxel.store.directory_sources import DirectorySources

    database = platform.database
    store, sources = DirectoryStore(database), DirectorySources(database)
    views = DirectoryViews(
        store, sources, platform.clock, lambda: platform.scheduler.rearm(DirectoryViews.name)
    )
    platform.directory_views = views
    platform.scheduler.add(views)
    platform.forwarding = ForwardingService(
        ForwardingStore(database),
        views,
        lambda tenant_id, person: policy_of_person(  # their class of service (PBX8)
            database,
            dial_policy_of(database, tenant_id),
            tenant_id,
            person,
            views.extension_of(tenant_id, person) or "",
        ),
        platform.clock,
    )
    if platform.numbering is not None:  # a direct number reaches its person (PBX5)
        platform.forwarding.plan_of = platform.numbering.plan
    platform.pbx = PbxReach(views, platform.forwarding, sources, platform.clock)
    platform.pbx.numbering = platform.numbering
    views.lines = platform.pbx
    service = DirectoryService(store, sources, clock=platform.clock)
    machine = DirectorySync(
        service,
        rearm=lambda: platform.scheduler.rearm(DirectorySync.name),
        after=lambda tenant_id: views.changed(tenant_id),
    )
    platform.scheduler.add(machine)
    return machine


def build_voicemail(platform: Platform) -> VoicemailService:
    """Voicemail's store, files and service; its e-mails one more scheduler machine."""
    from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
    from vaxel.runtime.person_mailer import PersonMailer
    from vaxel.runtime.voicemail import VoicemailService
    from vaxel.runtime.voicemail_files import VoicemailFiles
    from vaxel.runtime.voicemail_mailer import VoicemailMailer
    from vaxel.store.directory import DirectoryStore
    from vaxel.store.pbx_voicemail import VoicemailStore
    from vaxel.store.person_messages import PersonMessageStore

    settings = platform.settings
    store, files = VoicemailStore(platform.database), VoicemailFiles(settings.voicemail_dir)
    server = None
    if settings.smtp_host:
        server = MailServer(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_sender or f"vaxel@{settings.smtp_host}",
            settings.smtp_username,
            settings.smtp_password,
            MailSecurity(settings.smtp_security),
        )
    mailer = VoicemailMailer(
        store, files, server, platform.clock, lambda: platform.scheduler.rearm(mailer.name)
    )
    mailer.internal_hosts = settings.smtp_tenant_internal_hosts
    platform.scheduler.add(mailer)
    # messages to a person by e-mail (OP7): the same servers, their own outbox
    people = PersonMailer(
        PersonMessageStore(platform.database), store, server, platform.clock,
        lambda: platform.scheduler.rearm(people.name),
    )  # fmt: skip
    people.internal_hosts = settings.smtp_tenant_internal_hosts
    platform.scheduler.add(people)
    views = platform.directory_views

    def absent(tenant_id: str, person_id: str) -> bool:
        return views is not None and views.absence(tenant_id, person_id) is not None

    service = VoicemailService(
        store,
        files,
        platform.clock,
        queued=mailer.queued,
        directory=DirectoryStore(platform.database),
        absent=absent,
    )
    service.platform_mail_server = server  # the admin page's fallback and test mail
    service.tenant_mail_internal_hosts = settings.smtp_tenant_internal_hosts
    return service


def build_conferences(platform: Platform) -> ConferenceService:
    from vaxel.runtime.conferences import ConferenceService
    from vaxel.store.pbx_conference import ConferenceStore

    service = ConferenceService(ConferenceStore(platform.database))
    service.on_loop = platform.on_loop_waited  # the host's actions, on the calls' loop
    return service


def dial_policy_of(database: Engine, tenant_id: str) -> DialPolicy:
    """The tenant's dial policy as stored (PBX8): what its people may forward to."""
    try:
        tenant = Tenants(database).get(tenant_id)
    except UnknownTenant:
        return DialPolicy()
    return DialPolicy(international_allowed=tenant.international_calls)
