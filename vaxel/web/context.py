"""What every page handler needs: the running platform and the signed-in session.

Each area of the web app (workspace, callbacks, wallboard, admin, the REST API …) is a
module-level router whose handlers get the one :class:`WebContext` as a typed dependency
(``deps.Platform``); handlers stay thin (STYLE rule 8): the signed-in user, the tenant and a
CSRF-checked form arrive as dependencies, the handler calls the platform and renders. Every
query is scoped by the signed-in user's tenant, taken from the session row — never from the
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vaxel.acd.ports import ContactCenterPort
from vaxel.core.dial_policy import DialPolicy
from vaxel.core.errors import DomainError, UnknownTenant, VaxelError
from vaxel.core.message_templates import SmsGateway
from vaxel.pbx.camp_on import Camped
from vaxel.pbx.trunks import TrunkStatus
from vaxel.runtime.conferences import ConferenceService
from vaxel.runtime.configuration import Configuration
from vaxel.runtime.directory_views import DirectoryViews
from vaxel.runtime.forwarding import ForwardingService
from vaxel.runtime.group_diversions import GroupDiversions
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.runtime.pbx_call_settings import PbxCallSettings
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.runtime.pbx_reach import PbxReach
from vaxel.runtime.pbx_trunks import policy_of_person
from vaxel.runtime.person_messages import PersonMessaging
from vaxel.runtime.voicemail import VoicemailService
from vaxel.runtime.voicemail_files import VoicemailFiles
from vaxel.store import Database, ReadModels, Tenants
from vaxel.store.accounts import Accounts
from vaxel.store.api_keys import ApiKeys
from vaxel.store.callback_history import CallbackHistory
from vaxel.store.directory import DirectoryStore
from vaxel.store.directory_sources import DirectorySources
from vaxel.store.pbx_conference import ConferenceStore
from vaxel.store.pbx_forwarding import ForwardingStore
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.store.person_messages import PersonMessageStore
from vaxel.web.break_in_port import BreakInPort
from vaxel.web.callback_changes import CallbackChanges
from vaxel.web.consult_port import ConferenceCalls, ConsultCalls
from vaxel.web.flash import Flashes
from vaxel.web.integrations import EventFanout
from vaxel.web.live import LiveHub
from vaxel.web.message_rate import MessageRate
from vaxel.web.passwords import PasswordHashing
from vaxel.web.rendering import local_midnight, refusal_text
from vaxel.web.session_watch import SessionWatch
from vaxel.web.snapshot import (
    interval_chart,
    with_state_names,
)
from vaxel.web.stream_caps import CAPS, StreamCaps
from vaxel.web.throttle import LoginThrottle

__all__ = ["WebContext", "WebSettings"]

SERVICE_LEVEL_TARGET_S = 20.0
"""Answered within 20 s counts toward the service level unless the queue sets its own."""
INTERVAL_S = 15 * 60.0
"""The wallboard's traffic chart counts today's contacts per quarter hour (ST1)."""


@dataclass(frozen=True, slots=True)
class WebSettings:
    session_lifetime_s: float = 12 * 3600
    secure_cookies: bool = False
    """True behind HTTPS (production); the demo serves plain HTTP on 127.0.0.1."""
    default_tenant: str = ""
    opening_hours: bool = True
    """False when the queues are kept open whatever their schedules say (the demo started
    outside office hours): callbacks booked through the API then ignore opening hours too,
    as the queues do, instead of waiting for an opening the demo never applies."""
    sip_hosts: tuple[str, ...] = ()
    """The switch's own SIP addresses (``sip_host``): never a carrier's trunk host."""
    softphone_media_wait_s: float = 15.0
    """How long the browser phone waits for its media path before it says the sound did not
    get through (ICE on a LAN takes well under a second); the page reads it, and a test of
    the failure sets it short rather than wait the 15 s out."""


@dataclass
class WebContext:
    center: ContactCenterPort
    database: Database
    configuration: Configuration
    settings: WebSettings = field(default_factory=WebSettings)
    clock: Callable[[], float] = time.time
    after_submit: Callable[[], None] = lambda: None
    on_phone: Callable[[str], bool] = lambda contact_id: False
    """True when the contact is a real call the agent handles in the phone."""
    no_phone: Callable[[str, str], str] = lambda tenant_id, agent_id: ""
    audio_devices_changed: Callable[[], None] = lambda: None
    """An agent chose her audio device (PBX9): telephony reads the mobiles again."""
    """(tenant, agent) → the pause reason id when no phone of hers could ring a call (issue
    15), else ""; asked before she logs in or goes ready (``agent_ready``). Set by the
    composition root when the browser phone is linked to a switch."""
    on_sign_in: Callable[[str, str], None] = lambda tenant_id, agent_id: None
    """Told (tenant, agent) when an agent's user signs in: the demo stops simulating them."""
    hub: LiveHub = field(default_factory=LiveHub)
    callback_changes: CallbackChanges = field(default_factory=CallbackChanges)
    """Each tenant's callback list version; a ContactCenter listener (``create_app``)."""
    fanout: EventFanout = field(init=False)
    """The REST API's event stream per tenant; a ContactCenter listener (``create_app``)."""
    accounts: Accounts = field(init=False)
    message_rate: MessageRate = field(default_factory=MessageRate)
    """Messages to a person per sender and per tenant (``message_rate``, OP7)."""
    stream_caps: StreamCaps = field(default_factory=lambda: StreamCaps(dict(CAPS)))
    """Open live streams per session or API key and per tenant (``stream_caps``)."""
    session_watch: SessionWatch = field(init=False)
    """The sessions of the pages' open live streams, re-checked together (issue 10 §9)."""
    api_keys: ApiKeys = field(init=False)
    callback_history: CallbackHistory = field(init=False)
    read_models: ReadModels = field(init=False)
    tenants: Tenants = field(init=False)
    passwords: PasswordHashing = field(default_factory=PasswordHashing)
    flashes: Flashes = field(default_factory=Flashes)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    directory: DirectoryViews | None = None
    """The directory (issue 13); the platform's, or one of the app's own over the database."""
    on_directory_sources: Callable[[], None] = lambda: None
    """Told when an admin changed the directory's sources (the sync machine rereads them)."""
    voicemail: VoicemailService | None = None
    """Mailboxes and messages (PBX4); the platform's, or one over the database and var/."""
    trunk_status: Callable[[str], TrunkStatus | None] = lambda tenant_id: None
    """The tenant's trunk as running telephony sees it (registered, refused, unreachable);
    set by the composition root when SIP runs (issue 14 §2)."""
    forwarding: ForwardingService | None = None
    """People's call forwarding (PBX5); the platform's, or the app's own over the database."""
    conferences: ConferenceService | None = None
    """Conference rooms (PBX6); the platform's, or one over the database (no calls)."""
    numbering: PbxNumberingService | None = None
    """The numbering plan, devices and answer groups (PBX1, PBX3); the platform's, or one
    over the database."""

    dialled_of: Callable[[str], str] = lambda contact_id: ""
    """The number a queue call's caller dialled (OP2); set by the root when SIP runs."""
    recalls_of: Callable[[str, str], list[dict[str, object]]] = lambda tenant, agent: []
    requeued_of: Callable[[str], dict[str, object] | None] = lambda contact_id: None
    """Why a call came back to its queue (issue 16 §3): ``requeue.requeued_note``."""
    console_park: Callable[[str, str, str], str] = field(default=lambda *_: _no_orbit())
    """Park from the console (issue 16 §3): (tenant, agent, contact) → the orbit."""
    console_retrieve: Callable[[str, str, str], None] = field(default=lambda *_: _no_phones())
    """Ring her phone now with the call in an orbit: (tenant, agent, orbit)."""
    parked_of: Callable[[str, str], list[dict[str, object]]] = lambda tenant, agent: []
    """The calls she parked (``console_park.parked_by`` rows); set when SIP runs."""
    """An operator's transfers that came back, for her card (issue 16 §3): (tenant, agent)
    → ``recall_list.recalls_for`` rows; set by the root when SIP runs."""

    sms_gateway: SmsGateway | None = None
    """The SMS gateway port (OP7); None: the default that says SMS is not configured."""
    _person_messaging: PersonMessaging | None = field(default=None, init=False)

    console_transfer: Callable[[str, str, str, str], None] = field(default=lambda *_: _no_phones())
    """Blind transfer from the operator console (issue 16 §3): (tenant, agent, contact,
    number); raises VaxelError when refused. Set by the composition root when SIP runs."""
    console_ring_through: Callable[[str, str, str, str], None] = field(
        default=lambda *_: _no_phones()
    )
    """*Genomringning* (OP5): (tenant, agent, contact, number) rings the person's own phones
    whatever their presence or forwarding; raises VaxelError when refused."""
    console_diversion: Callable[[str, str], dict[str, str] | None] = lambda tenant, number: None
    """The diversion a transfer to an extension follows (OP5): (tenant, number) → {kind, to}."""
    console_voicemail: Callable[[str, str, str, str], None] = field(default=lambda *_: _no_phones())
    """Transfer to a person's voicemail from the console (issue 16 §3, OP3): (tenant, agent,
    contact, person id); raises VaxelError when refused. Set by the root when SIP runs."""
    console_camp: Callable[[str, str, str, str, str], int] = field(default=lambda *_: _no_camp())
    """Camp-on from the console (issue 16 §3, OP4): (tenant, agent, contact, number, name)
    → the call's place in the extension's queue; raises VaxelError when refused."""
    camp_take_back: Callable[[str, str, str], None] = field(default=lambda *_: _no_phones())
    """She takes her camped call back (spec §49): (tenant, agent, call id); its recall rings her."""
    camped_calls: Callable[[], tuple[Camped, ...]] = lambda: ()
    """Every camped call now (telephony's board, replaced whole on each change)."""

    console_consults: ConsultCalls | None = None
    """Announced transfer from the operator console (issue 16 §3); None without SIP."""
    console_conferences: ConferenceCalls | None = None
    """A consultation made a three-party conference (OP3); None without SIP."""
    console_break_in: BreakInPort | None = None
    """Break-in from the operator console (issue 16 §3, spec §48); None without SIP."""

    def __post_init__(self) -> None:
        self.fanout = EventFanout(lambda: self.center.last_seq, clock=self.clock)
        self.accounts = Accounts(self.database)
        self.session_watch = SessionWatch(self.accounts.live_sessions, self.clock)
        self.api_keys = ApiKeys(self.database)
        self.callback_history = CallbackHistory(self.database)
        self.read_models = ReadModels(self.database)
        self.tenants = Tenants(self.database)
        if self.directory is None:
            self.directory = DirectoryViews(
                DirectoryStore(self.database), DirectorySources(self.database), self.clock
            )
        if self.voicemail is None:
            self.voicemail = VoicemailService(
                VoicemailStore(self.database),
                VoicemailFiles("var/voicemail"),
                self.clock,
                directory=DirectoryStore(self.database),
            )
        if self.forwarding is None:  # the app's own: the directory shows who forwards
            self.forwarding = ForwardingService(
                ForwardingStore(self.database),
                self.directory,
                lambda tenant_id, person: policy_of_person(  # class of service (PBX8)
                    self.database,
                    self.dial_policy(tenant_id),
                    tenant_id,
                    person,
                    self.directory_views.extension_of(tenant_id, person) or "",
                ),
                self.clock,
            )
            # a direct number reaches its person (PBX5); the plan is made just below
            self.forwarding.plan_of = lambda tenant_id: self.pbx_numbering.plan(tenant_id)
            sources = DirectorySources(self.database)
            self.directory.lines = PbxReach(self.directory, self.forwarding, sources, self.clock)
        if self.numbering is None:
            self.numbering = PbxNumberingService(
                PbxNumbering(self.database), queue_logins=QueueGroupLogins(self.center, self.clock)
            )

    def directory_changed(self, tenant_id: str) -> None:
        """An admin changed the tenant's directory or its sources: reload and reschedule."""
        self.directory_views.changed(tenant_id)
        self.on_directory_sources()

    @property
    def conference_service(self) -> ConferenceService:
        if self.conferences is None:
            self.conferences = ConferenceService(ConferenceStore(self.database))
        return self.conferences

    @property
    def person_messaging(self) -> PersonMessaging:
        """Messages to a person (OP7): templates, sending, the presence view's messages."""
        if self._person_messaging is None:
            self._person_messaging = PersonMessaging(
                PersonMessageStore(self.database),
                DirectoryStore(self.database),
                self.clock,
                self.sms_gateway,
            )
        return self._person_messaging

    @property
    def voicemail_service(self) -> VoicemailService:
        assert self.voicemail is not None  # set in __post_init__
        return self.voicemail

    @property
    def pbx_numbering(self) -> PbxNumberingService:
        assert self.numbering is not None  # set in __post_init__
        return self.numbering

    @property
    def group_diversions(self) -> GroupDiversions:
        """Whole answer groups diverted (spec §67), in the tenant's settings."""
        return GroupDiversions(self.database, self.pbx_numbering, self.clock)

    @property
    def pbx_call_settings(self) -> PbxCallSettings:
        """The absent person's offer and the transfer recall (issue 14 §4 §6)."""
        return PbxCallSettings(self.database, self.pbx_numbering, self.clock)

    @property
    def directory_views(self) -> DirectoryViews:
        assert self.directory is not None  # set in __post_init__
        return self.directory

    @property
    def forwardings(self) -> ForwardingService:
        assert self.forwarding is not None  # set in __post_init__
        return self.forwarding

    def submit(self, event: Any) -> str:
        """Submit an event; the engine's refusal comes back as a message for the page."""
        try:
            self.center.submit(event, self.clock())
        except VaxelError as error:
            return refusal_text(error)
        self.after_submit()
        return ""

    def dial_policy(self, tenant_id: str) -> DialPolicy:
        """The tenant's dial policy as stored (issue 10 §11, PBX8): what the API accepts as
        a callback number and which numbers the lists offer as ``tel:`` links."""
        try:
            tenant = self.tenants.get(tenant_id)
        except UnknownTenant:
            return DialPolicy()
        return DialPolicy(international_allowed=tenant.international_calls)

    def snapshot_of(self, tenant_id: str, now: float) -> dict[str, Any]:
        """Queues and agents now, with today's answered/abandoned/service level, each queue
        against its own target, and today's traffic per interval (ST1)."""
        midnight = local_midnight(now)
        targets, short_abandons = self.center.service_level_targets(tenant_id)
        today = self.read_models.day_by_queue(
            tenant_id, midnight, SERVICE_LEVEL_TARGET_S, targets, short_abandons
        )
        next_midnight = local_midnight(midnight + 30 * 3600)  # a day has 23 to 25 hours
        rows = self.read_models.day_by_interval(tenant_id, midnight, next_midnight, INTERVAL_S)
        chart = interval_chart(rows, midnight, now, INTERVAL_S)
        board = self.center.tenant_board(tenant_id, now, today, midnight)
        return with_state_names(board) | {"chart": chart}


def _no_phones() -> None:
    raise DomainError("telephony is not running", code="console-no-telephony")


def _no_orbit() -> str:
    raise DomainError("telephony is not running", code="console-no-telephony")


def _no_camp() -> int:
    raise DomainError("telephony is not running", code="console-no-telephony")
