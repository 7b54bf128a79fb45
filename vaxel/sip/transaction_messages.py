"""What the SIP transaction layer reads from and writes into messages, apart from its
machines: where responses go (§18.2.2, RFC 3581), the ``received``/``rport`` stamp on a
received request's Via (§18.2.1), the key standing in for an RFC 2543 peer's branch
(§17.2.3) and the ACK for a non-2xx final (§17.1.1.3). Pure functions on messages.
"""

from __future__ import annotations

from vaxel.sip.message import Headers, Request, Response, via_param
from vaxel.sip.transaction_events import Address

__all__ = ["ack_for", "reply_destination", "request_branch", "stamp_via"]


def reply_destination(via: str, source: Address, transport: str) -> Address:
    """Where responses to a request with top ``via`` go (§18.2.2, RFC 3581 §4)."""
    if transport != "udp":
        return source
    sent_by = via.split(";", 1)[0].split()[-1] if via.split() else ""
    host, port = _host_port(sent_by)
    received = via_param(via, "received") or host
    rport = via_param(via, "rport")
    if rport:
        return (received, int(rport)) if rport.isdigit() else source
    return (received, port)


def _host_port(sent_by: str) -> Address:
    if sent_by.startswith("["):
        host, _, rest = sent_by[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = sent_by.partition(":")
    return host, int(port) if port.isdigit() else 5060


def request_branch(request: Request) -> str:
    """The branch, or for an RFC 2543 peer a key standing in for it (§17.2.3)."""
    branch = request.branch
    if branch.startswith("z9hG4bK"):
        return branch
    sender = request.headers.get("From") or ""
    from_tag = via_param(sender.rsplit(">", 1)[-1], "tag") or ""
    return "\n".join(
        ("rfc2543", request.uri, from_tag, request.call_id, str(request.cseq[0]), request.top_via)
    )


def stamp_via(request: Request, source: Address) -> None:
    """Add ``received`` (and fill ``rport``) on the top Via (§18.2.1, RFC 3581 §4)."""
    via = request.top_via
    if not via:
        return
    sent_by = via.split(";", 1)[0].split()[-1] if via.split() else ""
    host, _ = _host_port(sent_by)
    rport = via_param(via, "rport")
    stamped = via
    if rport == "":
        stamped = _set_param(stamped, "rport", str(source[1]))
    if host != source[0] or rport == "":
        stamped = _set_param(stamped, "received", source[0])
    if stamped != via:
        values = request.headers.get_all("Via")
        first = values[0]
        rest = first[len(via) :] if first.startswith(via) else ""
        request.headers.set("Via", stamped + rest)
        for value in values[1:]:
            request.headers.add("Via", value)


def _set_param(via: str, name: str, value: str) -> str:
    parts = via.split(";")
    for index, part in enumerate(parts[1:], start=1):
        if part.split("=", 1)[0].strip().lower() == name:
            parts[index] = f"{name}={value}"
            return ";".join(parts)
    return f"{via};{name}={value}"


def ack_for(invite: Request, response: Response) -> Request:
    """The ACK a client INVITE transaction sends for a non-2xx final (§17.1.1.3)."""
    headers = Headers()
    headers.add("Via", invite.top_via)
    for name in ("Max-Forwards", "From"):
        value = invite.headers.get(name)
        if value is not None:
            headers.add(name, value)
    headers.add("To", response.headers.get("To") or "")
    headers.add("Call-ID", invite.call_id)
    headers.add("CSeq", f"{invite.cseq[0]} ACK")
    for route in invite.headers.get_all("Route"):
        headers.add("Route", route)
    return Request(headers=headers, method="ACK", uri=invite.uri)
