"""SDP for G.711 calls (RFC 4566 SDP, RFC 3264 offer/answer, RFC 4733 telephone-event).

Rules kept here:
- We speak PCMU (payload type 0) and PCMA (8) at 8000 Hz, plus telephone-event (dynamic) for
  DTMF at the same 8000 Hz clock (RFC 4733 §2.3); a static number an rtpmap moves to another
  clock rate is not G.711 (RFC 3551 §6) and is not taken.
- Only RTP/AVP and RTP/AVPF streams are taken, and the answer keeps the offered transport
  (RFC 3264 §6); anything else, encrypted profiles included, is declined.
- An answer may only use a payload type the offer gave, with the encoding the offer gave it
  (RFC 3264 §6.1); otherwise 488.
- Addresses keep their type (IN IP4 / IN IP6, RFC 4566 §5.7) and formats that are not
  numbers (``m=image 4000 udptl t38``) survive parsing and writing.
- The answerer picks the first codec in the offer's order that it supports and keeps the
  offerer's telephone-event payload type; other m= lines (video…) are answered with port 0.
- Direction is mirrored (sendonly ↔ recvonly, inactive stays inactive). A peer is on hold
  when it is sendonly/inactive or announces c=0.0.0.0 (RFC 3264 §8.4; the RFC 2543 form).
- No common codec → 488 Not Acceptable Here.
- The connection address (c=, or o= when there is no c=) must be an IP literal: a host name
  would make every 20 ms send resolve it, blocking the event loop (issue 10 §2) → 488.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace

from vaxel.sip.errors import ParseError, SipError

__all__ = [
    "AddressNotLiteral",
    "MediaDescription",
    "NegotiatedMedia",
    "SessionDescription",
    "answer_offer",
    "literal_address",
    "make_offer",
    "parse_sdp",
    "read_answer",
    "serialize_sdp",
]

STATIC = {0: "PCMU", 8: "PCMA"}
PAYLOAD_OF = {"PCMU": 0, "PCMA": 8}
CLOCK_RATE = 8000
RTP_PROFILES = ("RTP/AVP", "RTP/AVPF")
DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
MIRROR = {
    "sendrecv": "sendrecv",
    "sendonly": "recvonly",
    "recvonly": "sendonly",
    "inactive": "inactive",
}
MAX_SDP_BYTES = 16384


@dataclass(frozen=True, slots=True)
class MediaDescription:
    media: str
    port: int
    proto: str
    formats: tuple[int, ...]
    rtpmap: tuple[tuple[int, str], ...] = ()
    fmtp: tuple[tuple[int, str], ...] = ()
    direction: str = "sendrecv"
    connection: str | None = None
    ptime: int | None = None
    format_names: tuple[str, ...] = ()
    """The m= line's formats as written, kept for non-RTP media (``t38``) that have no
    payload type numbers; empty for streams we build."""

    def codec_of(self, payload_type: int) -> str | None:
        for number, encoding in self.rtpmap:
            if number == payload_type:
                return encoding.split("/")[0].upper()
        return STATIC.get(payload_type)

    def clock_rate_of(self, payload_type: int) -> int | None:
        """The rtpmap's clock rate, 8000 for a static G.711 number without one (RFC 3551)."""
        for number, encoding in self.rtpmap:
            if number == payload_type:
                rate = encoding.split("/")[1] if encoding.count("/") >= 1 else ""
                return int(rate) if _number(rate) else None
        return CLOCK_RATE if payload_type in STATIC else None

    def usable(self, payload_type: int, codecs: tuple[str, ...]) -> bool:
        """One of ``codecs`` at our 8000 Hz clock under this payload type."""
        return (
            self.codec_of(payload_type) in codecs and self.clock_rate_of(payload_type) == CLOCK_RATE
        )

    def telephone_event(self) -> int | None:
        """The telephone-event type at the codec's 8000 Hz clock (RFC 4733 §2.3)."""
        return next(
            (pt for pt in self.formats if self.usable(pt, ("TELEPHONE-EVENT",))),
            None,
        )


@dataclass(frozen=True, slots=True)
class SessionDescription:
    session_id: int
    version: int
    address: str
    media: tuple[MediaDescription, ...]
    session_name: str = "Vaxel"
    username: str = "vaxel"
    direction: str = "sendrecv"
    extra: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class NegotiatedMedia:
    remote_address: str
    remote_port: int
    payload_type: int
    codec: str
    telephone_event_pt: int | None
    direction: str

    @property
    def on_hold(self) -> bool:
        return self.direction in ("sendonly", "inactive") or self.remote_address == "0.0.0.0"


class AddressNotLiteral(SipError):
    """An SDP names its media address by host name; we never resolve one (issue 10 §2).

    Resolving would block: the media engine sends every 20 ms, and each send to a name is a
    DNS lookup on the event loop. RFC 4566 §5.7 allows names, so this is our policy: 488.
    """

    status = 488

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__("Not Acceptable Here: the media address must be an IP address")


def literal_address(address: str) -> str:
    """``address`` when it is an IPv4/IPv6 literal; raises :class:`AddressNotLiteral`."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        raise AddressNotLiteral(address[:64]) from None
    return address


def _number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` then refuses."""
    return text.isascii() and text.isdigit() and len(text) <= 20


@dataclass(slots=True)
class _Media:
    media: str
    port: int
    proto: str
    formats: tuple[int, ...]
    format_names: tuple[str, ...]
    rtpmap: list[tuple[int, str]] = field(default_factory=list)
    fmtp: list[tuple[int, str]] = field(default_factory=list)
    direction: str | None = None
    connection: str | None = None
    ptime: int | None = None


def parse_sdp(body: bytes) -> SessionDescription:
    if len(body) > MAX_SDP_BYTES:
        raise ParseError("SDP too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError("SDP is not UTF-8") from None
    session: dict[str, str] = {}
    session_direction = "sendrecv"
    media: list[_Media] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            continue
        if len(line) < 2 or line[1] != "=":
            raise ParseError(f"Malformed SDP line {number}")
        kind, value = line[0], line[2:].strip()
        current = media[-1] if media else None
        if kind == "m":
            parts = value.split()
            port = parts[1].split("/")[0] if len(parts) >= 2 else ""
            if len(parts) < 4 or not _number(port) or int(port) > 65535:
                raise ParseError(f"Malformed SDP m= line {number}")
            formats = tuple(int(p) for p in parts[3:] if _number(p) and int(p) < 128)
            media.append(_Media(parts[0], int(port), parts[2], formats, tuple(parts[3:])))
        elif kind == "c":
            parts = value.split()
            if len(parts) != 3 or parts[0] != "IN" or parts[1] not in ("IP4", "IP6"):
                raise ParseError(f"Malformed SDP c= line {number}")
            address = literal_address(parts[2].split("/")[0])
            if current is None:
                session["c"] = address
            else:
                current.connection = address
        elif kind == "o":
            parts = value.split()
            if len(parts) != 6 or not _number(parts[1]) or not _number(parts[2]):
                raise ParseError(f"Malformed SDP o= line {number}")
            session.update(o_user=parts[0], o_id=parts[1], o_version=parts[2], o_address=parts[5])
        elif kind == "a":
            name, _, arg = value.partition(":")
            if name in DIRECTIONS:
                if current is None:
                    session_direction = name
                else:
                    current.direction = name
            elif current is not None and name in ("rtpmap", "fmtp"):
                pt, _, rest = arg.partition(" ")
                if not (_number(pt) and int(pt) < 128):
                    raise ParseError(f"Malformed SDP a={name} line {number}: bad payload type")
                target = current.rtpmap if name == "rtpmap" else current.fmtp
                target.append((int(pt), rest.strip()))
            elif current is not None and name == "ptime" and _number(arg.strip()):
                current.ptime = int(arg.strip())
        elif kind == "s":
            session["s"] = value
    if "o_id" not in session:
        raise ParseError("SDP without o= line")
    descriptions = tuple(
        MediaDescription(
            m.media,
            m.port,
            m.proto,
            m.formats,
            tuple(m.rtpmap),
            tuple(m.fmtp),
            m.direction or session_direction,
            m.connection or session.get("c"),
            m.ptime,
            m.format_names,
        )
        for m in media
    )
    return SessionDescription(
        int(session["o_id"]),
        int(session["o_version"]),
        session.get("c", session.get("o_address", "")),
        descriptions,
        session.get("s", "-"),
        session.get("o_user", "-"),
        session_direction,
    )


def _address_type(address: str) -> str:
    """RFC 4566 §5.7: IP6 for an IPv6 literal, IP4 for anything else."""
    return "IP6" if ":" in address else "IP4"


def serialize_sdp(sd: SessionDescription) -> bytes:
    kind = _address_type(sd.address)
    lines = [
        "v=0",
        f"o={sd.username} {sd.session_id} {sd.version} IN {kind} {sd.address}",
        f"s={sd.session_name}",
        f"c=IN {kind} {sd.address}",
        "t=0 0",
    ]
    for m in sd.media:
        formats = m.format_names or tuple(str(f) for f in m.formats)
        lines.append(f"m={m.media} {m.port} {m.proto} {' '.join(formats)}")
        if m.connection and m.connection != sd.address:
            lines.append(f"c=IN {_address_type(m.connection)} {m.connection}")
        lines += [f"a=rtpmap:{pt} {enc}" for pt, enc in m.rtpmap]
        lines += [f"a=fmtp:{pt} {arg}" for pt, arg in m.fmtp]
        if m.ptime:
            lines.append(f"a=ptime:{m.ptime}")
        lines.append(f"a={m.direction}")
    return ("\r\n".join(lines) + "\r\n").encode()


def _audio(
    address: str, port: int, codecs: tuple[str, ...], te: int | None, direction: str
) -> MediaDescription:
    formats = tuple(PAYLOAD_OF[c] for c in codecs) + ((te,) if te is not None else ())
    rtpmap = tuple((PAYLOAD_OF[c], f"{c}/8000") for c in codecs)
    fmtp: tuple[tuple[int, str], ...] = ()
    if te is not None:
        rtpmap += ((te, "telephone-event/8000"),)
        fmtp = ((te, "0-16"),)
    return MediaDescription("audio", port, "RTP/AVP", formats, rtpmap, fmtp, direction, None, 20)


def make_offer(
    address: str,
    port: int,
    *,
    session_id: int,
    version: int,
    codecs: tuple[str, ...] = ("PCMU", "PCMA"),
    telephone_event_pt: int | None = 101,
    direction: str = "sendrecv",
) -> SessionDescription:
    return SessionDescription(
        session_id,
        version,
        address,
        (_audio(address, port, codecs, telephone_event_pt, direction),),
    )


def answer_offer(
    offer: SessionDescription,
    address: str,
    port: int,
    *,
    session_id: int,
    version: int,
    preferred: tuple[str, ...] = ("PCMU", "PCMA"),
    direction: str | None = None,
) -> tuple[SessionDescription, NegotiatedMedia]:
    answers: list[MediaDescription] = []
    chosen: NegotiatedMedia | None = None
    for m in offer.media:
        if chosen is None and m.media == "audio" and m.port != 0 and m.proto in RTP_PROFILES:
            codec_pt = next((pt for pt in m.formats if m.usable(pt, preferred)), None)
            if codec_pt is not None:
                codec = m.codec_of(codec_pt) or ""
                te = m.telephone_event()
                mine = direction or MIRROR.get(m.direction, "sendrecv")
                answer = _audio(address, port, (codec,), te, mine)
                answers.append(
                    replace(
                        answer,
                        proto=m.proto,
                        formats=(codec_pt,) + ((te,) if te is not None else ()),
                    )
                )
                chosen = NegotiatedMedia(
                    literal_address(m.connection or offer.address),
                    m.port,
                    codec_pt,
                    codec,
                    te,
                    m.direction,
                )
                continue
        declined = MediaDescription(m.media, 0, m.proto, m.formats[:1] or (0,))
        if m.format_names and not m.formats:  # keep a format such as t38 (RFC 3264 §6)
            declined = replace(declined, format_names=m.format_names[:1])
        answers.append(declined)
    if chosen is None:
        raise SipError("Not Acceptable Here: no common codec", 488)
    return SessionDescription(session_id, version, address, tuple(answers)), chosen


def read_answer(offer: SessionDescription, answer: SessionDescription) -> NegotiatedMedia:
    """What an answer to our ``offer`` agreed on; 488 when it breaks RFC 3264 §6.1."""
    offered = {pt: m.codec_of(pt) for m in offer.media for pt in m.formats}
    for m in answer.media:
        if m.media == "audio" and m.port != 0:
            for pt in m.formats:
                name = m.codec_of(pt)  # None: no rtpmap repeated, the offer's mapping holds
                if pt in offered and name is not None and name != offered[pt]:
                    raise SipError("Answer renamed an offered payload type", 488)
            codec_pt = next(
                (pt for pt in m.formats if pt in offered and m.usable(pt, tuple(PAYLOAD_OF))),
                None,
            )
            if codec_pt is None:
                raise SipError("Answer chose a codec that was not offered", 488)
            return NegotiatedMedia(
                literal_address(m.connection or answer.address),
                m.port,
                codec_pt,
                m.codec_of(codec_pt) or "",
                m.telephone_event(),
                m.direction,
            )
    raise SipError("Answer without an audio stream", 488)
