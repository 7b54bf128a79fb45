"""SIP message parsing: bytes → Request/Response (RFC 3261 §7, §18.3, §20; RFC 4475).

Rules kept here:
- A datagram holds one message; leading CRLFs (keep-alives) are skipped (§7.5).
- Header lines may be folded (a line starting with SP/HTAB continues the previous, §7.3.1);
  names are case-insensitive and compact forms are expanded (message.Headers does that).
- The body is what follows the empty line. Over UDP Content-Length may be missing (the rest
  of the datagram) or shorter (the rest is ignored, §18.3); longer is an error. Over a stream
  it is mandatory and frames the message.
- Every request needs Via, From, To, Call-ID, CSeq (and a numeric Max-Forwards if present),
  with the CSeq method equal to the request method (§8.1.1, §8.2). A request that breaks a
  rule but can still be addressed raises :class:`BadRequest` carrying it, so the transport can
  answer 400 with the reason; anything else raises ParseError and is dropped.
- The Request-URI, From, To and Contact are parsed with :mod:`vaxel.sip.uri`, so what the
  rest of Växel reads from them is well formed; a malformed one is a 400 whose reason names
  the header (RFC 4475 §3.1.2.6-8, §3.1.2.13-15). A Request-URI scheme other than sip, sips
  or tel is 416 (§8.2.2.1, RFC 4475 §3.3.2); a SIP version other than 2.0 in an otherwise
  addressable request is 505 (§8.1.1.1, RFC 4475 §3.1.2.16).
- Call-ID, CSeq, From, To, Max-Forwards and Content-Length appear once (§20; RFC 4475
  §3.3.8-9).
- Limits bound every part so a hostile peer cannot make us buffer without end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaxel.sip.errors import MessageTooLarge, ParseError
from vaxel.sip.message import Headers, Request, Response, canonical_name
from vaxel.sip.uri import is_contact_wildcard, parse_name_addr, parse_name_addr_list, parse_uri
from vaxel.sip.uri_syntax import TOKEN

__all__ = ["DEFAULT_LIMITS", "BadRequest", "Limits", "StreamParser", "parse_message"]

_REQUEST_URI = re.compile(r"^(sips?|tel):\S+$", re.IGNORECASE)
_MANDATORY = ("Via", "From", "To", "Call-ID", "CSeq")
_SINGLE = frozenset(
    canonical_name(name)
    for name in ("From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Length")
)
_SUPPORTED_VERSION = "SIP/2.0"
_DIGITS = re.compile(r"[0-9]+")
_VIA_PROTOCOL = re.compile(
    r"SIP\s*/\s*2\.0\s*/\s*[A-Za-z0-9\-.!%*_+`'~]+\s", re.IGNORECASE
)  # §20.42 LWS

# The shapes phones send nearly always, checked by one regex so a call's messages do not pay
# for full URI parsing (issue 11 §3 vs the rate goal of §Benchmarks). Only strings that
# vaxel.sip.uri accepts match (tests/sip/test_parser_uris.py checks it); anything else takes
# the full parse.
_F_TOKEN = r"[A-Za-z0-9\-.!%*_+`'~]+"
_F_NAME = r"[A-Za-z0-9\-.!*_+`'~]+"  # a URI parameter: a token without escapes
_F_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?"
_F_ADDR = rf"sips?:(?:[A-Za-z0-9\-_.!~*'()+]+@)?{_F_HOST}(?::(?P<port>[0-9]{{1,5}}))?"
_F_PARAMS = rf"(?:;{_F_NAME}(?:={_F_NAME})?)*"
_F_HEADER_PARAMS = rf"(?:;{_F_TOKEN}(?:=(?:{_F_TOKEN}|\"[^\"\\\x00-\x1f]*\"))?)*"
_F_DISPLAY = rf"(?:\"[^\"\\\x00-\x1f]*\"|{_F_TOKEN}(?: {_F_TOKEN})*)"
_PLAIN_URI = re.compile(rf"{_F_ADDR}{_F_PARAMS}")
_PLAIN_NAME_ADDR = re.compile(rf"(?:{_F_DISPLAY} ?)?<{_F_ADDR}{_F_PARAMS}>{_F_HEADER_PARAMS}")
_PLAIN_ADDR_SPEC = re.compile(rf"{_F_ADDR}{_F_HEADER_PARAMS}")


def _plain(text: str, *patterns: re.Pattern[str]) -> bool:
    """``text`` is in a common shape one of ``patterns`` describes, with a port in range."""
    for pattern in patterns:
        match = pattern.fullmatch(text)
        if match is not None:
            port = match.group("port")
            return port is None or int(port) <= 65535
    return False


def _number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²" and "٧", which ``int`` refuses."""
    return _DIGITS.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class Limits:
    max_message_bytes: int = 65535
    max_header_lines: int = 200
    max_line_bytes: int = 8192
    max_body_bytes: int = 32768


DEFAULT_LIMITS = Limits()


class BadRequest(ParseError):
    """A malformed request that can still be answered: ``request`` holds what was read."""

    def __init__(self, reason: str, request: Request, status: int | None = None) -> None:
        super().__init__(reason, status)
        self.request = request


def parse_message(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, stream: bool = False
) -> Request | Response:
    """Parse one complete message (a datagram, or a frame cut by :class:`StreamParser`)."""
    if len(data) > limits.max_message_bytes:
        raise MessageTooLarge(f"Message too large ({len(data)} bytes)")
    data = data.lstrip(b"\r\n")
    end = data.find(b"\r\n\r\n")
    if end < 0:
        end = data.find(b"\n\n")  # bare-LF peers (tolerated, RFC 4475 §3.1.1.13 spirit)
        if end < 0:
            raise ParseError("Incomplete message: no empty line after the headers")
        head, body = data[:end], data[end + 2 :]
    else:
        head, body = data[:end], data[end + 4 :]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError("Headers are not valid UTF-8") from None
    lines = text.replace("\r\n", "\n").split("\n")
    start_line, header_lines = lines[0], lines[1:]
    if len(start_line) > limits.max_line_bytes:
        raise MessageTooLarge("Start line too long")
    message, version = _start(start_line)
    message.headers = _headers(header_lines, limits)
    body = _body(message, body, limits, stream)
    message.body = body
    if isinstance(message, Request):
        _check_request(message, version)
    else:
        _check_response(message)
    return message


def _start(line: str) -> tuple[Request | Response, str]:
    """The message the start line begins, and the SIP version it names (checked later for a
    request, so a 505 can be addressed from its headers)."""
    if line.startswith("SIP/"):
        version, _, rest = line.partition(" ")
        if version.upper() != _SUPPORTED_VERSION:
            raise ParseError(f"Unsupported SIP version {version[:16]}")
        code, _, reason = rest.partition(" ")
        if len(code) != 3 or not _number(code) or not 100 <= int(code) <= 699:
            raise ParseError("Malformed status line: bad status code")
        return Response(status=int(code), reason=reason.strip()), version
    parts = line.split(" ")
    if len(parts) != 3:
        # Extra spaces around or inside the Request-URI (RFC 4475 §3.1.2.8-10): when the
        # method and version still stand at the ends, the request is answered 400 once its
        # headers are read; the empty version marks it for _check_request.
        words = line.split(" ")
        words = [word for word in words if word]
        if len(words) >= 3 and TOKEN.match(words[0]) and words[-1].upper() == _SUPPORTED_VERSION:
            return Request(method=words[0], uri=" ".join(words[1:-1])), ""
        raise ParseError("Malformed request line")
    method, uri, version = parts
    if not TOKEN.match(method):
        raise ParseError("Malformed request line: bad method")
    if not version.upper().startswith("SIP/"):
        raise ParseError("Malformed request line: no SIP version")
    return Request(method=method, uri=uri), version


def _headers(lines: list[str], limits: Limits) -> Headers:
    if len(lines) > limits.max_header_lines:
        raise MessageTooLarge(f"Too many header lines ({len(lines)})")
    pairs: list[tuple[str, str]] = []
    for line in lines:
        if len(line) > limits.max_line_bytes:
            raise MessageTooLarge("Header line too long")
        if line[:1] in (" ", "\t"):
            if not pairs:
                raise ParseError("Continuation line before any header")
            name, value = pairs[-1]
            pairs[-1] = (name, f"{value} {line.strip()}".strip())
            continue
        name, colon, value = line.partition(":")
        name = name.rstrip(" \t")
        if not colon or not TOKEN.match(name):  # field-name = token (§25.1)
            raise ParseError(f"Malformed header line: {line[:40]!r}")
        pairs.append((canonical_name(name), value.strip()))
    return Headers.of_canonical(pairs)


def _body(message: Request | Response, body: bytes, limits: Limits, stream: bool) -> bytes:
    raw = message.headers.get("Content-Length")
    if raw is None:
        if stream:
            raise ParseError("Missing Content-Length on a stream transport")
        length = len(body)
    else:
        if not _number(raw.strip()) or len(raw.strip()) > 9:
            raise _bad(message, "Bad Content-Length")
        length = int(raw.strip())
        if length > len(body):
            raise _bad(message, "Content-Length larger than the message body")
    if length > limits.max_body_bytes:
        raise MessageTooLarge(f"Body too large ({length} bytes)")
    return body[:length]


def _bad(message: Request | Response, reason: str) -> ParseError:
    if isinstance(message, Request) and all(message.headers.get(h) for h in _MANDATORY):
        return BadRequest(reason, message)
    return ParseError(reason)


def _check_request(request: Request, version: str) -> None:
    for name in _MANDATORY:
        if not request.headers.get(name):
            raise ParseError(f"Missing {name} header")
    if not version:
        raise BadRequest("Malformed request line: extra spaces", request)
    if version.upper() != _SUPPORTED_VERSION:
        raise BadRequest(f"Unsupported SIP version {version[:16]}", request, 505)
    seen: set[str] = set()
    for name, _ in request.headers:  # one pass: this runs for every request
        if name in _SINGLE:
            if name in seen:
                raise BadRequest(f"Bad {name}: more than one value", request)
            seen.add(name)
    _check_uris(request)
    number, _, method = (request.headers.get("CSeq") or "").strip().partition(" ")
    if not _number(number) or len(number) > 10 or int(number) >= 2**31:
        raise BadRequest("Bad CSeq: sequence number", request)
    if method.strip() != request.method:
        raise BadRequest("Bad CSeq: method does not match request", request)
    max_forwards = request.headers.get("Max-Forwards")
    if max_forwards is not None and not _number(max_forwards.strip()):
        raise BadRequest("Bad Max-Forwards", request)
    if not _VIA_PROTOCOL.match(request.top_via):
        raise BadRequest("Malformed Via header", request)


def _check_uris(request: Request) -> None:
    """Request-URI, From, To and Contact parsed as :mod:`vaxel.sip.uri` reads them."""
    scheme = request.uri.partition(":")[0].lower()
    if not _REQUEST_URI.match(request.uri):
        if scheme.isascii() and scheme.replace("+", "").replace(".", "").isalnum():
            raise BadRequest("Unsupported URI Scheme", request, 416)
        raise BadRequest("Malformed Request-URI", request)
    try:
        if not _plain(request.uri, _PLAIN_URI):
            # Escaped headers in it are read and ignored, as RFC 4475 §3.1.2.11 allows.
            parse_uri(request.uri)
    except ParseError as error:
        raise BadRequest(f"Malformed Request-URI: {error.reason}", request) from None
    for name in ("From", "To"):
        value = (request.headers.get(name) or "").strip()
        if _plain(value, _PLAIN_NAME_ADDR, _PLAIN_ADDR_SPEC):
            continue
        try:
            parse_name_addr(value)
        except ParseError as error:
            raise BadRequest(f"Malformed {name}: {error.reason}", request) from None
    for value in request.headers.get_all("Contact"):
        if _plain(value.strip(), _PLAIN_NAME_ADDR, _PLAIN_ADDR_SPEC):
            continue
        if is_contact_wildcard(value) and request.method == "REGISTER":
            continue
        try:
            parse_name_addr_list(value)
        except ParseError as error:
            raise BadRequest(f"Malformed Contact: {error.reason}", request) from None


def _check_response(response: Response) -> None:
    for name in _MANDATORY:
        if not response.headers.get(name):
            raise ParseError(f"Missing {name} header in response")
    number, _, method = (response.headers.get("CSeq") or "").strip().partition(" ")
    if not _number(number) or len(number) > 10 or not method.strip():
        raise ParseError("Bad CSeq in response")


class StreamParser:
    """Frames messages out of a TCP byte stream by Content-Length (§18.3)."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Request | Response]:
        """Add received bytes; returns every message now complete. Raises on garbage."""
        self._buffer += data
        messages: list[Request | Response] = []
        while True:
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > self.limits.max_message_bytes:
                    raise MessageTooLarge("Headers too large on stream")
                return messages
            match = re.search(
                rb"\r\n(?:content-length|l)[ \t]*:[ \t]*(\d+)",
                bytes(self._buffer[: end + 2]),
                re.IGNORECASE,
            )
            if match is None:
                raise ParseError("Missing Content-Length on a stream transport")
            length = int(match.group(1))
            if length > self.limits.max_body_bytes:
                raise MessageTooLarge(f"Body too large ({length} bytes)")
            total = end + 4 + length
            if len(self._buffer) < total:
                return messages
            frame = bytes(self._buffer[:total])
            del self._buffer[:total]
            messages.append(parse_message(frame, self.limits, stream=True))
