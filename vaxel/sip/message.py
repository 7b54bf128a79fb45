"""SIP message model: requests, responses and their headers (RFC 3261 §7, §20).

Headers keep their order and repetition as received; names are matched case-insensitively
and compact forms (``v``, ``f``, ``t``, ``i`` …) are expanded to their full names on the way
in (§7.3.3), so the rest of the stack only ever asks for ``Via`` or ``Call-ID``. A header
field holding a comma-separated list keeps one entry per received line; ``values()`` splits
lists where the grammar allows it. Bodies are bytes; Content-Length is set on serialization.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = [
    "COMPACT_FORMS",
    "Headers",
    "Message",
    "Request",
    "Response",
    "canonical_name",
    "response_to",
    "split_list",
    "via_param",
]

# RFC 3261 §7.3.3 and the extensions that define compact forms (RFC 3515, 3841, 4028, 3891).
COMPACT_FORMS = {
    "a": "Accept-Contact",
    "b": "Referred-By",
    "c": "Content-Type",
    "d": "Request-Disposition",
    "e": "Content-Encoding",
    "f": "From",
    "i": "Call-ID",
    "j": "Reject-Contact",
    "k": "Supported",
    "l": "Content-Length",
    "m": "Contact",
    "o": "Event",
    "r": "Refer-To",
    "s": "Subject",
    "t": "To",
    "u": "Allow-Events",
    "v": "Via",
    "x": "Session-Expires",
    "y": "Identity",
}

_SPECIAL_CASE = {
    "call-id": "Call-ID",
    "cseq": "CSeq",
    "www-authenticate": "WWW-Authenticate",
    "mime-version": "MIME-Version",
    "rack": "RAck",
    "rseq": "RSeq",
    "sip-etag": "SIP-ETag",
    "sip-if-match": "SIP-If-Match",
}

# Headers whose values may not be split at commas (they contain unquoted commas, §7.3.1).
_UNSPLITTABLE = frozenset(
    {
        "www-authenticate",
        "authorization",
        "proxy-authenticate",
        "proxy-authorization",
        "date",
        "subject",
        "user-agent",
        "server",
        "retry-after",
        "warning",
    }
)


_COMMON_NAMES = (
    "Via",
    "From",
    "To",
    "Call-ID",
    "CSeq",
    "Contact",
    "Max-Forwards",
    "Content-Type",
    "Content-Length",
    "Route",
    "Record-Route",
    "Require",
    "Proxy-Require",
    "Supported",
    "Allow",
    "Subject",
    "User-Agent",
    "Server",
    "Expires",
    "Authorization",
    "WWW-Authenticate",
    "Proxy-Authorization",
    "Proxy-Authenticate",
    "Accept",
    "Unsupported",
    "Event",
    "Reason",
)
_KNOWN_SPELLINGS = (
    {spelling: name for name in _COMMON_NAMES for spelling in (name, name.lower(), name.upper())}
    | {short: name for short, name in COMPACT_FORMS.items()}
    | {short.upper(): name for short, name in COMPACT_FORMS.items()}
)
"""Canonical names of the headers every call carries, by the spellings peers use: a lookup
instead of lowering and capitalising on each of the ~30 header reads of a call (issue 11)."""


def canonical_name(name: str) -> str:
    """The canonical spelling of a header name, compact forms expanded (§7.3.3)."""
    known = _KNOWN_SPELLINGS.get(name)
    return known if known is not None else _spelled_out(name)


@lru_cache(maxsize=2048)
def _spelled_out(name: str) -> str:
    lowered = name.strip().lower()
    if len(lowered) == 1 and lowered in COMPACT_FORMS:
        return COMPACT_FORMS[lowered]
    special = _SPECIAL_CASE.get(lowered)
    if special is not None:
        return special
    return "-".join(part.capitalize() for part in lowered.split("-"))


def split_list(value: str) -> list[str]:
    """Split a header value at top-level commas: not inside quotes or angle brackets."""
    if "," not in value:  # the common case, on every Via lookup
        stripped = value.strip()
        return [stripped] if stripped else []
    if '"' not in value and "<" not in value:
        return [part.strip() for part in value.split(",") if part.strip()]
    parts: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    start = 0
    for index, char in enumerate(value):
        if escaped:
            escaped = False
        elif quoted:
            if char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(value[start:index].strip())
            start = index + 1
    parts.append(value[start:].strip())
    return [part for part in parts if part]


class Headers:
    """An ordered multi-map of header fields with case-insensitive, compact-aware names."""

    __slots__ = ("_first", "_items")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = [(canonical_name(n), v) for n, v in items]
        self._first: dict[str, str] | None = None
        """Each name's first value, built on the first ``get`` and dropped on any change: a
        request's headers are read a dozen times between parsing and the answer."""

    @classmethod
    def of_canonical(cls, items: list[tuple[str, str]]) -> Headers:
        """Headers over ``items`` whose names are already canonical (the parser's): no
        second list, no second pass."""
        headers = cls.__new__(cls)
        headers._items = items
        headers._first = None
        return headers

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._items == other._items

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"

    def copy(self) -> Headers:
        return Headers.of_canonical(list(self._items))

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first field's value as received, or ``default``."""
        first = self._first
        if first is None:
            first = {}
            for key, value in self._items:
                if key not in first:
                    first[key] = value
            self._first = first
        return first.get(canonical_name(name), default)

    def get_all(self, name: str) -> list[str]:
        """Every field line of ``name``, in order, as received."""
        wanted = canonical_name(name)
        return [value for key, value in self._items if key == wanted]

    def values(self, name: str) -> list[str]:
        """Every value of ``name``, comma-separated lists split (§7.3.1)."""
        wanted = canonical_name(name)
        if wanted.lower() in _UNSPLITTABLE:
            return self.get_all(wanted)
        result: list[str] = []
        for line in self.get_all(wanted):
            result.extend(split_list(line))
        return result

    def add(self, name: str, value: str) -> None:
        """Append a field after any existing ones."""
        self._items.append((canonical_name(name), value))
        self._first = None

    def prepend(self, name: str, value: str) -> None:
        """Insert a field at the top (a proxy's or B2BUA's own Via goes first, §16.6)."""
        self._items.insert(0, (canonical_name(name), value))
        self._first = None

    def set(self, name: str, value: str) -> None:
        """Replace every field of ``name`` with one, kept at the first one's position."""
        wanted = canonical_name(name)
        self._first = None
        for index, (key, _) in enumerate(self._items):
            if key == wanted:
                self._items[index] = (wanted, value)
                self._items = [
                    item for i, item in enumerate(self._items) if i <= index or item[0] != wanted
                ]
                return
        self._items.append((wanted, value))

    def remove(self, name: str) -> None:
        wanted = canonical_name(name)
        self._items = [item for item in self._items if item[0] != wanted]
        self._first = None

    def pop_first(self, name: str) -> str | None:
        """Remove and return the first value of ``name`` (a list header's first element)."""
        wanted = canonical_name(name)
        self._first = None
        for index, (key, value) in enumerate(self._items):
            if key == wanted:
                parts = split_list(value) if wanted.lower() not in _UNSPLITTABLE else [value]
                if len(parts) > 1:
                    self._items[index] = (key, ", ".join(parts[1:]))
                else:
                    del self._items[index]
                return parts[0] if parts else value
        return None


@dataclass(slots=True)
class Message:
    """What requests and responses share: headers and a body."""

    headers: Headers = field(default_factory=Headers)
    body: bytes = b""

    @property
    def call_id(self) -> str:
        return self.headers.get("Call-ID") or ""

    @property
    def cseq(self) -> tuple[int, str]:
        """(sequence number, method) of the CSeq header; (0, "") when absent or garbled."""
        raw = self.headers.get("CSeq") or ""
        number, _, method = raw.strip().partition(" ")
        try:
            return int(number), method.strip().upper()
        except ValueError:
            return 0, ""

    @property
    def vias(self) -> list[str]:
        return self.headers.values("Via")

    @property
    def top_via(self) -> str:
        first = self.headers.get("Via")
        if first and "," not in first and first.strip():  # one Via per line: the usual case
            return first.strip()
        vias = self.vias
        return vias[0] if vias else ""

    @property
    def branch(self) -> str:
        """The top Via's branch parameter (the transaction key of RFC 3261 §17.2.3)."""
        return via_param(self.top_via, "branch") or ""

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def _serialize_head(self, start_line: str) -> bytes:
        lines = [start_line]
        for name, value in self.headers:
            if name != "Content-Length":
                lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


@dataclass(slots=True)
class Request(Message):
    """A SIP request; ``uri`` is the Request-URI as text (parse it with ``vaxel.sip.uri``)."""

    method: str = "OPTIONS"
    uri: str = "sip:invalid"

    def to_bytes(self) -> bytes:
        return self._serialize_head(f"{self.method} {self.uri} SIP/2.0") + self.body

    def __bytes__(self) -> bytes:
        return self.to_bytes()


@dataclass(slots=True)
class Response(Message):
    """A SIP response."""

    status: int = 200
    reason: str = "OK"

    def to_bytes(self) -> bytes:
        return self._serialize_head(f"SIP/2.0 {self.status} {self.reason}") + self.body

    def __bytes__(self) -> bytes:
        return self.to_bytes()


def via_param(via: str, name: str) -> str | None:
    """A parameter of one Via value (``branch``, ``received``, ``rport`` …), or None.

    A flag parameter without a value (``;rport``) returns the empty string.
    """
    wanted = name.lower()
    for part in via.split(";")[1:]:
        key, sep, value = part.partition("=")
        if key.strip().lower() == wanted:
            return value.strip().strip('"') if sep else ""
    return None


_COPIED_INTO_RESPONSES = ("Via", "From", "To", "Call-ID", "CSeq")
"""In this order, each with every value it has (§8.2.6.2)."""


def response_to(
    request: Request, status: int, reason: str, *, to_tag: str | None = None
) -> Response:
    """A response to ``request`` with the headers §8.2.6.2 copies: Via, From, To, Call-ID, CSeq.

    ``to_tag`` is added to To when given and the To has no tag yet (a UAS adds one to every
    response but 100, §8.2.6.2). Record-Route is copied for dialog-creating responses (§12.1.1).
    """
    copied: dict[str, list[tuple[str, str]]] = {name: [] for name in _COPIED_INTO_RESPONSES}
    for item in request.headers:  # one pass over the request's headers, not five
        group = copied.get(item[0])
        if group is not None:
            group.append(item)
    headers = Headers.of_canonical([item for group in copied.values() for item in group])
    if to_tag is not None and status != 100:
        to = headers.get("To") or ""
        if via_param(to.rsplit(">", 1)[-1], "tag") is None:
            headers.set("To", f"{to};tag={to_tag}")
    if request.method in ("INVITE", "SUBSCRIBE") and 100 < status < 300:
        for value in request.headers.get_all("Record-Route"):
            headers.add("Record-Route", value)
    return Response(headers=headers, status=status, reason=reason)
