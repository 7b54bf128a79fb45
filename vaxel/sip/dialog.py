"""SIP dialogs (RFC 3261 §12): the state two user agents share for the life of a call.

Rules kept here:
- A dialog is identified by Call-ID, local tag and remote tag (§12).
- The UAS builds it from the INVITE and its own 2xx/1xx (§12.1.1), the UAC from the request it
  sent and the response (§12.1.2); the route set is Record-Route, reversed on the UAC side.
- In-dialog requests go to the remote target (the peer's Contact) through the route set
  (§12.2.1.1, loose routing only); the local CSeq rises by one per request (ACK and CANCEL
  reuse the INVITE's, §13.2.2.4, §9.1).
- A request whose CSeq is lower than the last one seen from the peer is out of order and gets
  500 (§12.2.2); a re-INVITE or target refresh updates the remote target.
Sans-I/O: the caller supplies the Via (with its branch) for every request it builds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.sip.errors import ParseError, SipError
from vaxel.sip.message import Headers, Request, Response, split_list, via_param
from vaxel.sip.uri import parse_name_addr, parse_uri

__all__ = ["Dialog", "angle_uri", "header_tag", "uri_user"]


def angle_uri(value: str) -> str:
    """The URI of a name-addr (``"Name" <sip:a@b>;tag=x`` → ``sip:a@b``); a bare URI as is.

    Read with :mod:`vaxel.sip.uri`, so a ``<`` inside a quoted display name or a header
    parameter is not taken for the URI's start (issue 11 §3). The parser has already refused
    a malformed From, To or Contact of a request; for anything else that does not parse (a
    Refer-To, a response's Contact) the text between the angle brackets is returned as is.
    """
    try:
        return str(parse_name_addr(value).uri)
    except ParseError:
        start = value.find("<")
        if start >= 0:
            end = value.find(">", start)
            return value[start + 1 : end if end > 0 else None].strip()
        return value.split(";", 1)[0].strip()


def uri_user(uri: str) -> str:
    """The user part of a SIP URI, or a tel URI's number (``sip:0101234@host;x`` →
    ``0101234``), percent-decoded and without the telephone-subscriber parameters a user part
    may carry (``+4681234;phone-context=x``, §19.1.6); "" when there is none or the URI does
    not parse."""
    try:
        user = parse_uri(uri).user or ""
    except ParseError:
        return ""
    return user.split(";", 1)[0]


def header_tag(value: str) -> str:
    """The tag parameter of a From/To value, or the empty string (§19.3)."""
    params = value.rsplit(">", 1)[-1] if "<" in value else value
    return via_param(params, "tag") or ""


@dataclass(slots=True)
class Dialog:
    """One confirmed or early dialog, seen from our side."""

    call_id: str
    local_tag: str
    remote_tag: str
    local_uri: str
    """Our From header value without tag (name-addr)."""
    remote_uri: str
    """The peer's header value without tag (name-addr)."""
    remote_target: str
    local_seq: int
    remote_seq: int | None
    route_set: list[str] = field(default_factory=list)
    local_contact: str = ""
    confirmed: bool = False

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.call_id, self.local_tag, self.remote_tag)

    @classmethod
    def as_uas(cls, request: Request, local_tag: str, local_contact: str) -> Dialog:
        """The dialog a UAS creates when it answers ``request`` with a tagged 1xx/2xx."""
        contact = request.headers.get("Contact")
        if not contact:
            raise SipError("Missing Contact header", 400)
        from_value = request.headers.get("From") or ""
        to_value = request.headers.get("To") or ""
        return cls(
            call_id=request.call_id,
            local_tag=local_tag,
            remote_tag=header_tag(from_value),
            local_uri=_without_tag(to_value),
            remote_uri=_without_tag(from_value),
            remote_target=angle_uri(split_list(contact)[0]),
            local_seq=0,
            remote_seq=request.cseq[0],
            route_set=request.headers.values("Record-Route"),
            local_contact=local_contact,
        )

    @classmethod
    def as_uac(cls, request: Request, response: Response) -> Dialog:
        """The dialog a UAC gets from a tagged 1xx/2xx to ``request`` (§12.1.2)."""
        to_value = response.headers.get("To") or ""
        remote_tag = header_tag(to_value)
        if not remote_tag:
            raise SipError("Response without To tag cannot create a dialog", 400)
        contact = response.headers.get("Contact") or ""
        target = angle_uri(split_list(contact)[0]) if contact else request.uri
        from_value = request.headers.get("From") or ""
        return cls(
            call_id=request.call_id,
            local_tag=header_tag(from_value),
            remote_tag=remote_tag,
            local_uri=_without_tag(from_value),
            remote_uri=_without_tag(to_value),
            remote_target=target,
            local_seq=request.cseq[0],
            remote_seq=None,
            route_set=list(reversed(response.headers.values("Record-Route"))),
            local_contact=angle_uri(request.headers.get("Contact") or ""),
            confirmed=200 <= response.status < 300,
        )

    def request(
        self,
        method: str,
        via: str,
        *,
        body: bytes = b"",
        content_type: str = "",
        extra: tuple[tuple[str, str], ...] = (),
        cseq: int | None = None,
    ) -> Request:
        """A new in-dialog request (§12.2.1.1); ``cseq`` given only for ACK (the INVITE's)."""
        if cseq is None:
            self.local_seq += 1
            cseq = self.local_seq
        headers = Headers(
            [
                ("Via", via),
                ("Max-Forwards", "70"),
                ("From", f"{self.local_uri};tag={self.local_tag}"),
                ("To", f"{self.remote_uri};tag={self.remote_tag}"),
                ("Call-ID", self.call_id),
                ("CSeq", f"{cseq} {method}"),
            ]
        )
        for route in self.route_set:
            headers.add("Route", route)
        if self.local_contact and method in ("INVITE", "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER"):
            headers.add("Contact", f"<{self.local_contact}>")
        for name, value in extra:
            headers.add(name, value)
        if body:
            headers.add("Content-Type", content_type or "application/sdp")
        return Request(headers=headers, body=body, method=method, uri=self.remote_target)

    def next_hop(self) -> str:
        """The URI to send to: the first route when there is one, else the remote target."""
        return angle_uri(self.route_set[0]) if self.route_set else self.remote_target

    def receive(self, request: Request) -> None:
        """Check and record an in-dialog request from the peer (§12.2.2)."""
        number = request.cseq[0]
        if request.method not in ("ACK", "CANCEL"):
            if self.remote_seq is not None and number < self.remote_seq:
                raise SipError("CSeq out of order", 500)
            self.remote_seq = number
        if request.method in ("INVITE", "UPDATE"):
            contact = request.headers.get("Contact")
            if contact:
                self.remote_target = angle_uri(split_list(contact)[0])

    def confirm(self) -> None:
        self.confirmed = True


def _without_tag(value: str) -> str:
    if "<" in value:
        head, _, params = value.rpartition(">")
        kept = [p for p in params.split(";") if p and not p.strip().lower().startswith("tag=")]
        return head + ">" + "".join(";" + p for p in kept)
    parts = [p for p in value.split(";") if not p.strip().lower().startswith("tag=")]
    return ";".join(parts)
