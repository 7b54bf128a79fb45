"""SIP and tel URIs and name-addrs: parse and serialize (RFC 3261 §19.1, §20.10, §25.1).

Rules kept here:
- ``sip:``/``sips:`` URIs are ``[user[:password]@]host[:port][;params][?headers]`` (§19.1.1).
  The user part may hold ``;`` and ``?`` (``sip:alice;day=tuesday@atlanta.com``, §19.1.3), so
  the userinfo ends at the ``@``; an ``@`` may not appear anywhere else unescaped.
- User, password, parameters and headers are stored percent-decoded (RFC 3986 §2.1, as UTF-8;
  bytes that are not UTF-8 survive as surrogate escapes) and escaped again on ``str()`` where
  §25.1 does not allow the character, so ``parse_uri(str(uri)) == uri`` always holds. An
  escape that is not ``%`` + two hex digits is a ParseError (§25.1 escaped).
- Hosts are kept as written; IPv6 references keep their brackets (``[2001:db8::1]``, RFC 5118)
  and must hold a valid IPv6 address. Ports are 0–65535.
- ``tel:`` URIs (RFC 3966) have no host: the subscriber number is ``user``, host is ``""``.
- A name-addr is ``["display name"] <uri>;header-params``. Without angle brackets the
  parameters after the URI belong to the header, not the URI (§20.10), and the URI itself
  can have no ``;``, ``?`` or ``,``. Header parameter values are kept as written (a quoted
  ``+sip.instance="<urn:…>"`` keeps its quotes) since token and quoted-string differ (§25.1).
- ``Contact: *`` (§10.2.2) is not a name-addr: :func:`parse_name_addr_list` refuses it with
  a ParseError; ask :func:`is_contact_wildcard` first where a REGISTER may carry it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from vaxel.sip.errors import ParseError
from vaxel.sip.message import split_list
from vaxel.sip.uri_syntax import (
    DEFAULT_PORTS,
    GEN_VALUE,
    HEADER_SAFE,
    HOSTNAME,
    PARAM_SAFE,
    PASSWORD_SAFE,
    PORT,
    QUOTED,
    QUOTED_PAIR,
    SCHEMES,
    TEL_SAFE,
    TOKEN,
    USER_SAFE,
    WHITESPACE,
    Param,
    escape,
    find_param,
    merge_params,
    unescape,
)

__all__ = [
    "NameAddr",
    "Param",
    "SipUri",
    "is_contact_wildcard",
    "parse_name_addr",
    "parse_name_addr_list",
    "parse_uri",
]


@dataclass(frozen=True, slots=True)
class SipUri:
    """A parsed ``sip:``, ``sips:`` or ``tel:`` URI; ``str()`` writes it back (§19.1.1)."""

    scheme: str = "sip"
    user: str | None = None
    password: str | None = None
    host: str = ""
    port: int | None = None
    params: tuple[Param, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if self.scheme == "tel":
            text = "tel:" + escape(self.user or "", TEL_SAFE)
        else:
            text = self.scheme + ":"
            if self.user is not None:
                text += escape(self.user, USER_SAFE)
                if self.password is not None:
                    text += ":" + escape(self.password, PASSWORD_SAFE)
                text += "@"
            text += self.host
            if self.port is not None:
                text += f":{self.port}"
        for name, value in self.params:
            text += ";" + escape(name, PARAM_SAFE)
            if value is not None:
                text += "=" + escape(value, PARAM_SAFE)
        if self.headers:
            text += "?" + "&".join(
                f"{escape(name, HEADER_SAFE)}={escape(value, HEADER_SAFE)}"
                for name, value in self.headers
            )
        return text

    def param(self, name: str) -> str | None:
        """A URI parameter by case-insensitive name; ``""`` for a flag (``;lr``), else None."""
        return find_param(self.params, name)

    def with_params(self, **changes: str | None) -> SipUri:
        """A copy with parameters set (None = flag); same names replaced where they stood."""
        return replace(self, params=merge_params(self.params, changes))

    def without_params(self, *names: str) -> SipUri:
        dropped = {name.lower() for name in names}
        return replace(self, params=tuple(p for p in self.params if p[0].lower() not in dropped))

    @property
    def host_port(self) -> tuple[str, int]:
        """(host, port) with the scheme's default port (5060, or 5061 for sips, §19.1.2)."""
        return self.host, self.port if self.port is not None else DEFAULT_PORTS[self.scheme]

    @property
    def transport(self) -> str:
        """The lowercased ``transport`` parameter, else ``"udp"`` — ``"tls"`` for sips, which
        must be reached over TLS (§19.1.1, RFC 3263 §4.1)."""
        value = self.param("transport")
        if value:
            return value.lower()
        return "tls" if self.scheme == "sips" else "udp"


def parse_uri(text: str) -> SipUri:
    """Parse a ``sip:``, ``sips:`` or ``tel:`` URI; ParseError says what is wrong with it."""
    text = text.strip()
    scheme, colon, rest = text.partition(":")
    scheme = scheme.lower()
    if not colon or scheme not in SCHEMES:
        raise ParseError(f"Unsupported URI scheme {scheme[:16]!r}")
    if not rest:
        raise ParseError("Malformed URI: nothing after the scheme")
    if WHITESPACE.search(rest):
        raise ParseError("Malformed URI: whitespace inside")
    if scheme == "tel":
        number, params, headers = _split_tail(rest)
        if not number or "@" in number:
            raise ParseError("Malformed tel URI: bad subscriber number")
        return SipUri("tel", unescape(number, "number"), None, "", None, params, headers)
    user: str | None = None
    password: str | None = None
    at = rest.find("@")
    if at >= 0:
        userinfo = rest[:at]
        rest = rest[at + 1 :]
        raw_user, has_password, raw_password = userinfo.partition(":")
        if not raw_user:
            raise ParseError("Malformed URI: empty user part")
        user = unescape(raw_user, "user")
        if has_password:
            password = unescape(raw_password, "password")
        if "@" in rest:
            raise ParseError("Malformed URI: more than one '@'")
    hostport, params, headers = _split_tail(rest)
    host, port = _host_port(hostport)
    return SipUri(scheme, user, password, host, port, params, headers)


def _split_tail(rest: str) -> tuple[str, tuple[Param, ...], tuple[tuple[str, str], ...]]:
    """Cut ``head;params?headers`` into its three parts, decoding params and headers."""
    question = rest.find("?")
    head_and_params, header_text = (rest, "") if question < 0 else rest.split("?", 1)
    head, *param_parts = head_and_params.split(";")
    params: list[Param] = []
    for part in param_parts:
        name, equals, value = part.partition("=")
        if not name:
            raise ParseError("Malformed URI: empty parameter name")
        params.append(
            (unescape(name, "parameter"), unescape(value, "parameter") if equals else None)
        )
    headers: list[tuple[str, str]] = []
    if question >= 0:
        for part in header_text.split("&"):
            name, equals, value = part.partition("=")
            if not name or not equals:
                raise ParseError("Malformed URI: header without name=value")
            headers.append((unescape(name, "header"), unescape(value, "header")))
    return head, tuple(params), tuple(headers)


def _host_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ParseError("Malformed URI: unclosed IPv6 reference")
        host, after = text[: close + 1], text[close + 1 :]
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise ParseError("Malformed URI: bad IPv6 address") from None
        if after and not after.startswith(":"):
            raise ParseError("Malformed URI: junk after the IPv6 reference")
        port_text = after[1:] if after else None
    else:
        host, colon, port_text_or_empty = text.partition(":")
        port_text = port_text_or_empty if colon else None
        if not host:
            raise ParseError("Malformed URI: missing host")
        if not HOSTNAME.match(host):
            raise ParseError("Malformed URI: bad host")
    if port_text is None:
        return host, None
    if not PORT.match(port_text) or int(port_text) > 65535:
        raise ParseError("Malformed URI: bad port")
    return host, int(port_text)


@dataclass(frozen=True, slots=True)
class NameAddr:
    """``"Display" <uri>;params`` of From, To, Contact, Route … (§20.10, §25.1)."""

    display_name: str | None
    uri: SipUri
    params: tuple[Param, ...] = ()

    def __post_init__(self) -> None:
        # A line break cannot be escaped in a quoted-string (§25.1 quoted-pair): it would
        # split the header on the wire.
        if self.display_name is not None and (
            "\r" in self.display_name or "\n" in self.display_name
        ):
            raise ValueError("a display name cannot hold a line break")

    def __str__(self) -> str:
        text = f"<{self.uri}>"
        if self.display_name is not None:
            escaped = self.display_name.replace("\\", "\\\\").replace('"', '\\"')
            text = f'"{escaped}" {text}'
        for name, value in self.params:
            text += f";{name}" if value is None else f";{name}={value}"
        return text

    def param(self, name: str) -> str | None:
        """A header parameter by case-insensitive name, as written; ``""`` for a flag."""
        return find_param(self.params, name)

    def with_params(self, **changes: str | None) -> NameAddr:
        """A copy with header parameters set (values written as given; None = flag).

        Raises ValueError for a value that is neither a token, a host nor a quoted-string.
        """
        for value in changes.values():
            if value is not None and not GEN_VALUE.match(value):
                raise ValueError(f"not a header parameter value: {value!r}")
        return replace(self, params=merge_params(self.params, changes))

    @property
    def tag(self) -> str | None:
        """The ``tag`` parameter that identifies a dialog's side (§19.3), or None."""
        return self.param("tag")

    def with_tag(self, tag: str) -> NameAddr:
        return self.with_params(tag=tag)


def parse_name_addr(text: str) -> NameAddr:
    """Parse one name-addr or bare addr-spec with its header parameters (§20.10)."""
    text = text.strip()
    if not text:
        raise ParseError("Malformed name-addr: empty")
    if "\r" in text or "\n" in text:
        raise ParseError("Malformed name-addr: line break inside")
    display: str | None = None
    if text.startswith('"'):
        display, text = _quoted(text)
        text = text.lstrip()
        if not text.startswith("<"):
            raise ParseError("Malformed name-addr: display name without <URI>")
    elif "<" in text and not any(c in text.partition("<")[0] for c in ':;"'):
        # A token display name cannot hold ':', ';' or '"'; with one, the '<' belongs to a
        # header parameter of a bare addr-spec (``sip:a@b;+sip.instance="<urn:…>"``).
        before = text.partition("<")[0]
        words = before.split()
        if not all(TOKEN.match(word) or not word.isascii() for word in words):
            raise ParseError("Malformed name-addr: bad display name")
        display = " ".join(words) or None
        text = text[len(before) :]
    if text.startswith("<"):
        close = text.find(">")
        if close < 0:
            raise ParseError("Malformed name-addr: missing '>'")
        inner = text[1:close]
        if inner != inner.strip():  # §25.1: LAQUOT and RAQUOT take no whitespace inside
            raise ParseError("Malformed name-addr: whitespace inside <>")
        uri = parse_uri(inner)
        rest = text[close + 1 :]
    else:
        # A bare addr-spec: the URI ends at the first ';' (§20.10) and may not hold ? or ,.
        uri_text, semicolon, params_text = text.partition(";")
        if "?" in uri_text or "," in uri_text or ">" in uri_text:
            raise ParseError("Malformed name-addr: bare URI with '?', ',' or '>'")
        uri = parse_uri(uri_text)
        rest = semicolon + params_text
    return NameAddr(display, uri, _header_params(rest))


def _quoted(text: str) -> tuple[str, str]:
    """Split a leading quoted-string (§25.1: ``\\`` escapes one character) from the rest."""
    match = QUOTED.match(text)
    if match is None:
        raise ParseError("Malformed name-addr: unterminated quoted string")
    inner = match.group(1)
    if "\\" in inner:
        inner = QUOTED_PAIR.sub(r"\1", inner)
    return inner, text[match.end() :]


def _header_params(text: str) -> tuple[Param, ...]:
    """``;name[=value]`` pairs after the URI; quoted values may hold ``;`` (§25.1 gen-value)."""
    text = text.strip()
    if not text:
        return ()
    if not text.startswith(";"):
        raise ParseError("Malformed name-addr: junk after the URI")
    if '"' not in text:  # the common case: no quoted value can hide a ';'
        return tuple(_header_param(part) for part in text[1:].split(";"))
    params: list[Param] = []
    index = 1
    while index <= len(text):
        end = index
        quoted = False
        while end < len(text) and (quoted or text[end] != ";"):
            if text[end] == "\\" and quoted:
                end += 1
            elif text[end] == '"':
                quoted = not quoted
            end += 1
        if quoted:
            raise ParseError("Malformed name-addr: unterminated quoted parameter")
        params.append(_header_param(text[index:end]))
        index = end + 1
    return tuple(params)


def _header_param(part: str) -> Param:
    name, equals, value = part.partition("=")
    name, value = name.strip(), value.strip()
    if not TOKEN.match(name) or (equals and not GEN_VALUE.match(value)):
        raise ParseError("Malformed name-addr: bad header parameter")
    return name, value if equals else None


def is_contact_wildcard(value: str) -> bool:
    """True for ``Contact: *``, which only a REGISTER removing all bindings may send (§10.2.2)."""
    return value.strip() == "*"


def parse_name_addr_list(text: str) -> list[NameAddr]:
    """Every name-addr of a Contact/Route/Record-Route value, in order (§7.3.1, §20).

    Raises ParseError for ``*``: check :func:`is_contact_wildcard` before, where allowed.
    """
    if is_contact_wildcard(text):
        raise ParseError("Wildcard Contact '*' is not a name-addr")
    parts = split_list(text)
    if not parts:
        raise ParseError("Malformed name-addr: empty list")
    return [parse_name_addr(part) for part in parts]
