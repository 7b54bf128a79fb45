"""A slow tenant mail server delays nobody else (security review of issue 16, OP7, PBX4):
tenant t1's server (aiosmtpd on 127.0.0.1) takes the mail's data and then says nothing;
t2's answers at once. t2's message arrives while t1's is still hanging, t1's mail fails
after its deadline with the reason kept for the next try, and t1's other mails wait for
that try instead of each costing another deadline."""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.runtime.test_voicemail_service import _free_port, _Inbox
from vaxel.pbx.voicemail_mail import MailSecurity, MailServer
from vaxel.runtime.outbox_mailer import send_mail
from vaxel.runtime.person_mailer import PersonMailer
from vaxel.store import Tenant, Tenants, open_database, upgrade
from vaxel.store.pbx_voicemail import VoicemailStore
from vaxel.store.person_messages import OutgoingMail, PersonMessageStore

DEADLINE_S = 3.0


class _Stalls:
    """Reads the mail, then keeps the client waiting for its answer."""

    def __init__(self) -> None:
        self.reached = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.reached += 1
        await asyncio.sleep(30)
        return "250 OK"


def _wait(condition: object, seconds: float) -> float:
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - started < seconds, "not in time"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_stalled_tenant_server_delays_no_other_tenant(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    for tenant in ("t1", "t2"):
        Tenants(engine).add(Tenant(tenant, tenant))
    store, servers = PersonMessageStore(engine), VoicemailStore(engine)
    stalls, inbox = _Stalls(), _Inbox()
    slow_port, fast_port = _free_port(), _free_port()
    slow = Controller(stalls, hostname="127.0.0.1", port=slow_port)
    fast = Controller(inbox, hostname="127.0.0.1", port=fast_port)
    for tenant, port in (("t1", slow_port), ("t2", fast_port)):
        server = MailServer("127.0.0.1", port, f"vaxel@{tenant}.se", security=MailSecurity.NONE)
        servers.put_mail_server(tenant, server)
    now = time.time()
    for n in range(3):  # t1's first, so a single worker would be stuck on it
        store.queue_mail(OutgoingMail("t1", f"slow{n}", "a@t1.se", "Meddelande", "Ring", 0, now))
    store.queue_mail(OutgoingMail("t2", "fast", "b@t2.se", "Meddelande", "Ring Sven", 0, now + 1))
    mailer = PersonMailer(
        store, servers, None, time.time, send=functools.partial(send_mail, deadline_s=DEADLINE_S)
    )
    mailer.internal_hosts = True  # both servers are on 127.0.0.1 here
    slow.start()
    fast.start()
    try:
        mailer.on_deadline(now + 2)
        _wait(lambda: stalls.reached == 1, 10)  # t1's mail is hanging now
        waited = _wait(lambda: len(inbox.mails) == 1, DEADLINE_S - 0.5)
        assert waited < DEADLINE_S - 0.5 and stalls.reached == 1  # t2's arrived meanwhile
        assert inbox.mails[0]["To"] == "b@t2.se"
        _wait(lambda: any(m.attempts for m in store.due_mail(now + 3600)), DEADLINE_S + 10)
        mailer.on_deadline(time.time() + 1.5)  # another round: t1 cools, nothing more to it
        time.sleep(1.0)
        left = {m.mail_id: m for m in store.due_mail(now + 3600)}
        assert set(left) == {"slow0", "slow1", "slow2"}  # kept, never lost
        assert left["slow0"].attempts == 1 and "3 s in all" in left["slow0"].last_error
        assert left["slow1"].attempts == 0 and left["slow2"].attempts == 0
        assert stalls.reached == 1  # one deadline spent on the stalled server, not three
        assert store.due_mail(time.time()) != []  # t1's others are due, for the next try
    finally:
        mailer.close()
        slow.stop()
        fast.stop()
