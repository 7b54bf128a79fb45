"""The syntax SIP URIs and name-addrs share (RFC 3261 §25.1, RFC 3986 §2.1): which
characters each part may hold unescaped, the token and gen-value shapes, percent-escaping
both ways, and finding and changing ``;name=value`` parameters. Pure functions and
constants for :mod:`vaxel.sip.uri`.
"""

from __future__ import annotations

import re

from vaxel.sip.errors import ParseError

__all__ = [
    "DEFAULT_PORTS",
    "GEN_VALUE",
    "HEADER_SAFE",
    "HEX",
    "HOSTNAME",
    "PARAM_SAFE",
    "PASSWORD_SAFE",
    "PORT",
    "QUOTED",
    "QUOTED_PAIR",
    "SCHEMES",
    "TEL_SAFE",
    "TOKEN",
    "UNRESERVED",
    "USER_SAFE",
    "WHITESPACE",
    "Param",
    "escape",
    "find_param",
    "merge_params",
    "unescape",
]

Param = tuple[str, str | None]
"""One ``name[=value]`` parameter; a flag such as ``;lr`` has the value None."""

SCHEMES = ("sip", "sips", "tel")
DEFAULT_PORTS = {"sip": 5060, "sips": 5061, "tel": 5060}

# Characters §25.1 allows unescaped in each part (unreserved = alphanum / mark).
UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()"
USER_SAFE = frozenset(UNRESERVED + "&=+$,;?/")
PASSWORD_SAFE = frozenset(UNRESERVED + "&=+$,")
PARAM_SAFE = frozenset(UNRESERVED + "[]/:&+$")
HEADER_SAFE = frozenset(UNRESERVED + "[]/?:+$")
TEL_SAFE = frozenset(UNRESERVED + "&=+$,/")  # ; and ? would start params and headers

HOSTNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$")
PORT = re.compile(r"^[0-9]{1,5}$")
TOKEN = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
HEX = frozenset("0123456789abcdefABCDEF")
WHITESPACE = re.compile(r"\s")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)
# gen-value = token / host / quoted-string (§25.1); anything without separators, leniently.
GEN_VALUE = re.compile(r'^(?:"(?:[^"\\\r\n]|\\[^\r\n])*"|[^\s;,"]+)$')


def unescape(text: str, part: str) -> str:
    """Percent-decode ``text`` (RFC 3986 §2.1); a broken escape names ``part`` in the error."""
    if "%" not in text:
        return text
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%":
            pair = text[index + 1 : index + 3]
            if len(pair) != 2 or pair[0] not in HEX or pair[1] not in HEX:
                raise ParseError(f"Malformed URI: bad escape in {part}")
            out.append(int(pair, 16))
            index += 3
        else:
            out += char.encode("utf-8", "surrogateescape")
            index += 1
    return out.decode("utf-8", "surrogateescape")


def escape(text: str, safe: frozenset[str]) -> str:
    if all(char in safe for char in text):
        return text
    parts: list[str] = []
    for char in text:
        if char in safe:
            parts.append(char)
        else:
            parts.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogateescape"))
    return "".join(parts)


def find_param(params: tuple[Param, ...], name: str) -> str | None:
    wanted = name.lower()
    for key, value in params:
        if key.lower() == wanted:
            return "" if value is None else value
    return None


def merge_params(params: tuple[Param, ...], changes: dict[str, str | None]) -> tuple[Param, ...]:
    """Replace same-named parameters in place, append the new ones (order kept)."""
    lowered = {name.lower(): (name, value) for name, value in changes.items()}
    changed = frozenset(lowered)
    merged: list[Param] = []
    for key, value in params:
        change = lowered.pop(key.lower(), None)
        if change is not None:
            merged.append((key, change[1]))
        elif key.lower() not in changed:  # a repeated name collapses into the one set
            merged.append((key, value))
    merged.extend(lowered.values())
    return tuple(merged)
