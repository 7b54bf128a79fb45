"""Message-waiting indication to the phones (PBX4, RFC 3842 over RFC 6665): the SIP side.

Rules kept here:
- A phone SUBSCRIBEs to ``message-summary`` for its own extension's mailbox only, with its
  digest credentials (401 challenge as for REGISTER); another mailbox is 403, another event
  package 489, an Expires below :data:`~vaxel.pbx.mwi.MIN_EXPIRES` 423 (RFC 6665 §4.2.1.1).
- The 200 carries the granted Expires; a NOTIFY with the mailbox's summary follows at once,
  and again on every change of the mailbox (:meth:`MessageWaiting.changed`, told by the
  runtime) when the summary differs from what that phone was last told.
- A refresh (in-dialog SUBSCRIBE) extends it; ``Expires: 0`` ends it with a last NOTIFY
  (``terminated``); a NOTIFY answered 481 or any other error ends it too. Expired ones are
  dropped as new subscriptions come (their number is bounded).
NOTIFYs go to where the SUBSCRIBE came from (behind NAT the Contact may be unreachable).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.pbx.mwi import (
    CONTENT_TYPE,
    MIN_EXPIRES,
    MessageSummary,
    Subscription,
    Subscriptions,
    granted_expires,
    serialize_message_summary,
)
from vaxel.sip.dialog import Dialog, angle_uri, header_tag, uri_user
from vaxel.sip.errors import SipError
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.endpoint import SipEndpoint
from vaxel.telephony.registration import Registration

__all__ = ["MessageWaiting", "SummaryLookup"]

log = logging.getLogger(__name__)

SummaryLookup = Callable[[str, str], "tuple[int, int] | None"]
"""(tenant, mailbox number) → (new, old), or None when the extension has no mailbox."""

Address = tuple[str, int]


@dataclass(slots=True)
class _Peer:
    dialog: Dialog
    destination: Address
    transport: str


class MessageWaiting:
    def __init__(
        self,
        sip: SipEndpoint,
        registration: Registration,
        directory: TelephonyDirectory,
        summary: SummaryLookup = lambda tenant, number: None,
    ) -> None:
        self.sip = sip
        self.registration = registration
        self.directory = directory
        self.summary = summary
        """Read on a new subscription when the mailbox's summary is not known yet."""
        self.table = Subscriptions()
        self._peers: dict[tuple[str, str, str], _Peer] = {}
        self._known: dict[tuple[str, str], MessageSummary] = {}
        self._by_notify: dict[tuple[str, str], tuple[str, str, str]] = {}

    def subscribe(self, event: RequestReceived) -> None:
        """A SUBSCRIBE, new or within a subscription's dialog (see the module's rules)."""
        request = event.request
        package = (request.headers.get("Event") or "").split(";")[0].strip().lower()
        if package != "message-summary":
            raise SipError("Bad Event: only message-summary", 489)
        expires_header = request.headers.get("Expires")
        try:
            asked = int(expires_header) if expires_header is not None else None
        except ValueError:
            raise SipError("Bad Request: Expires", 400) from None
        expires = granted_expires(asked)
        if 0 < expires < MIN_EXPIRES:
            self.sip.respond(
                event.server_key,
                request,
                423,
                "Interval Too Brief",
                extra=(("Min-Expires", str(MIN_EXPIRES)),),
            )
            return
        now = self.sip.now
        to_tag = header_tag(request.headers.get("To") or "")
        if to_tag:
            self._refresh(event, to_tag, expires, now)
            return
        username = self.registration.authenticate(event, proxy=False)
        if username is None:
            return  # challenged or refused
        extension = self.directory.extensions.get(username)
        # the resource is the Request-URI's user; a URI without one (the registrar's, as
        # some phones send) names it in To
        mailbox = uri_user(request.uri) or uri_user(angle_uri(request.headers.get("To") or ""))
        if extension is None or mailbox != username:
            raise SipError("Forbidden: only your own mailbox", 403)
        for gone in self.table.expired(now):
            self._peers.pop(gone.key, None)
        tag = self.sip.token()
        dialog = Dialog.as_uas(request, tag, self.sip.contact)
        subscription = Subscription(dialog.key, extension.tenant_id, mailbox, now + expires)
        try:
            for replaced in self.table.put(subscription):  # the mailbox's oldest (bounded)
                self._peers.pop(replaced.key, None)
        except OverflowError:
            raise SipError("Service Unavailable: too many subscriptions", 503) from None
        self._peers[dialog.key] = _Peer(dialog, event.source, event.transport)
        self.sip.respond(
            event.server_key, request, 200, "OK", to_tag=tag, extra=(("Expires", str(expires)),)
        )
        summary = self._summary(extension.tenant_id, mailbox)
        if expires == 0:  # a one-off fetch: the state once, then the end (RFC 6665 §4.2.1.4)
            subscription.sent = summary
            self._end(subscription, "terminated;reason=timeout")
        else:
            self._notify(subscription, summary, now, force=True)

    def _refresh(self, event: RequestReceived, to_tag: str, expires: int, now: float) -> None:
        request = event.request
        key = (request.call_id, to_tag, header_tag(request.headers.get("From") or ""))
        subscription = self.table.by_key.get(key)
        peer = self._peers.get(key)
        if subscription is None or peer is None:
            self.sip.respond(event.server_key, request, 481, "Subscription Does Not Exist")
            return
        peer.dialog.receive(request)
        subscription.expires_at = now + expires
        self.sip.respond(event.server_key, request, 200, "OK", extra=(("Expires", str(expires)),))
        if expires == 0:
            self._end(subscription, "terminated;reason=timeout")
        else:
            summary = self._summary(subscription.tenant_id, subscription.mailbox)
            self._notify(subscription, summary, now, force=True)

    def changed(self, tenant_id: str, mailbox: str, new: int, old: int) -> None:
        """The mailbox's messages changed (told by the runtime, on the loop)."""
        summary = MessageSummary(new, old)
        self._known[(tenant_id, mailbox)] = summary
        now = self.sip.now
        for subscription in self.table.of_mailbox(tenant_id, mailbox):
            if subscription.expires_at > now:
                self._notify(subscription, summary, now)

    def response(self, client_key: tuple[str, str], status: int) -> bool:
        """A phone answered one of our NOTIFYs; True when it was one. An error ends the
        subscription (RFC 6665 §4.1.3)."""
        key = self._by_notify.get(client_key) if status >= 200 else None
        if key is None:
            return client_key in self._by_notify  # a provisional answer to a NOTIFY
        del self._by_notify[client_key]
        if status >= 300:
            subscription = self.table.remove(key)
            self._peers.pop(key, None)
            if subscription is not None:
                log.info("MWI of %s ended by the phone (%d)", subscription.mailbox, status)
        return True

    def _summary(self, tenant_id: str, mailbox: str) -> MessageSummary:
        known = self._known.get((tenant_id, mailbox))
        if known is None:
            counts = self.summary(tenant_id, mailbox) or (0, 0)
            known = MessageSummary(*counts)
            self._known[(tenant_id, mailbox)] = known
        return known

    def _notify(
        self,
        subscription: Subscription,
        summary: MessageSummary,
        now: float,
        *,
        force: bool = False,
        state: str = "",
    ) -> None:
        peer = self._peers.get(subscription.key)
        if peer is None:
            return
        if not self.table.changed(subscription, summary) and not force:
            return
        remaining = max(0, int(subscription.expires_at - now))
        request = peer.dialog.request(
            "NOTIFY",
            self.sip.via(peer.transport),
            body=serialize_message_summary(summary).encode(),
            content_type=CONTENT_TYPE,
            extra=(
                ("Event", "message-summary"),
                ("Subscription-State", state or f"active;expires={remaining}"),
            ),
        )
        client_key = self.sip.request(request, peer.destination, peer.transport)
        self._by_notify[client_key] = subscription.key
        if len(self._by_notify) > 4 * len(self._peers) + 100:  # answers that never came
            for stale in list(self._by_notify)[: len(self._by_notify) // 2]:
                del self._by_notify[stale]

    def _end(self, subscription: Subscription, state: str) -> None:
        summary = subscription.sent or MessageSummary(0, 0)
        self._notify(subscription, summary, self.sip.now, force=True, state=state)
        self.table.remove(subscription.key)
        self._peers.pop(subscription.key, None)
