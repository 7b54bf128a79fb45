"""Each setting of ``vaxel serve`` checked and converted on its own: a wrong value is refused
with its name and what it should be ("VAXEL_HTTP_PORT must be a port number 1–65535, got
'abc'"). :mod:`vaxel.settings` reads the file and the environment and checks the rules
between settings.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

__all__ = ["PARSERS", "SettingsError"]


class SettingsError(ValueError):
    """A setting is missing, unknown or malformed; the message names it."""


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise SettingsError(f"{name} must be text, got {value!r}")
    return value.strip()


def _port(name: str, value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise SettingsError(f"{name} must be a port number 1–65535, got {value!r}")
    return int(text)


def _port_or_off(name: str, value: Any) -> int | None:
    if value is None or value is False or str(value).strip().lower() in ("", "off", "none"):
        return None
    try:
        return _port(name, value)
    except SettingsError:
        raise SettingsError(
            f"{name} must be a port number 1–65535 or 'off', got {value!r}"
        ) from None


def _flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")


def _host(name: str, value: Any) -> str:
    text = _text(name, value)
    if not text or any(c.isspace() or c in "/@?#" for c in text):
        raise SettingsError(f"{name} must be an IP address or host name, got {value!r}")
    return text


def _address(name: str, value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise SettingsError(f"{name} must list IP addresses, got {value!r}") from None


def _addresses(name: str, value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise SettingsError(f"{name} must be a list of IP addresses, got {value!r}")
    return tuple(_address(name, str(item)) for item in items if str(item).strip())


def _buffer_bytes(name: str, value: Any) -> int:
    text = str(value).strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 1024, "M": 1024 * 1024}.get(text[-1:], 1)
    digits = text[:-1] if scale > 1 else text
    if isinstance(value, bool) or not digits.isdigit() or int(digits) * scale > 256 * 2**20:
        raise SettingsError(
            f"{name} must be a size in bytes up to 256M (e.g. 4194304 or 4M; 0: the "
            f"kernel's default), got {value!r}"
        )
    return int(digits) * scale


def _rate(name: str, value: Any) -> float:
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = 0.0
    if isinstance(value, bool) or not 0.1 <= rate <= 10_000:
        raise SettingsError(
            f"{name} must be a number of calls per second (0.1–10000), got {value!r}"
        )
    return rate


def _database_url(name: str, value: Any) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = _text(name, value)
    try:
        backend = make_url(text).get_backend_name()
    except ArgumentError:
        raise SettingsError(
            f"{name} must be a database URL such as sqlite:///var/vaxel.db or "
            f"postgresql+psycopg://vaxel@db/vaxel, got {value!r}"
        ) from None
    if backend not in ("sqlite", "postgresql"):
        raise SettingsError(f"{name} must name SQLite or PostgreSQL, got {backend!r}")
    return text


def _public_url(name: str, value: Any) -> str:
    text = _text(name, value).rstrip("/")
    parts = urlsplit(text)
    if text and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise SettingsError(f"{name} must be an http(s) address, got {value!r}")
    return text


def _media_timeout(name: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(value, bool) or not (seconds == 0 or 1 <= seconds <= 3600):
        raise SettingsError(
            f"{name} must be a number of seconds (1–3600, or 0 for no media timeout), got {value!r}"
        )
    return seconds


def _entries(name: str, value: Any) -> int:
    text = str(value).strip().replace("_", "")
    if isinstance(value, bool) or not text.isdigit() or not int(text) <= 10_000_000:
        raise SettingsError(
            f"{name} must be a number of journal entries (0–10000000, 0 for no snapshots), "
            f"got {value!r}"
        )
    return int(text)


def _snapshot_seconds(name: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if isinstance(value, bool) or not 10 <= seconds <= 86_400:
        raise SettingsError(f"{name} must be a number of seconds (10–86400), got {value!r}")
    return seconds


def _timeout(name: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if isinstance(value, bool) or not 0.01 <= seconds <= 600:
        raise SettingsError(f"{name} must be a number of seconds (0.01–600), got {value!r}")
    return seconds


def _hours(name: str, value: Any) -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        hours = 0.0
    if isinstance(value, bool) or not 0.05 <= hours <= 24 * 30:
        raise SettingsError(f"{name} must be a number of hours (0.05–720), got {value!r}")
    return hours


def _instant(name: str, value: Any) -> float | None:
    """Seconds since the epoch, or an ISO 8601 time (Stockholm's when it names no zone)."""
    from datetime import datetime

    from vaxel.core.clock import from_local

    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SettingsError(
            f"{name} must be a time such as 2026-12-07T07:55 (Stockholm) or seconds since "
            f"1970, got {value!r}"
        ) from None
    return moment.timestamp() if moment.tzinfo else from_local(moment)


def _security(name: str, value: Any) -> str:
    text = _text(name, value).strip().lower()
    if text not in ("starttls", "tls", "none"):
        raise SettingsError(f"{name} must be starttls, tls or none, got {value!r}")
    return text


PARSERS: dict[str, Any] = {
    "smtp_host": _text,
    "smtp_port": _port,
    "smtp_sender": _text,
    "smtp_username": _text,
    "smtp_password": _text,
    "smtp_security": _security,
    "smtp_tenant_internal_hosts": _flag,
    "voicemail_dir": _text,
    "database_url": _database_url,
    "http_host": _host,
    "http_port": _port,
    "sip_host": _host,
    "sip_port": _port_or_off,
    "sip_trusted": _addresses,
    "sip_invite_rate": _rate,
    "sip_udp_buffer": _buffer_bytes,
    "rtp_port_low": _port,
    "rtp_port_high": _port,
    "media_timeout_s": _media_timeout,
    "sip_tls_port": _port_or_off,
    "sip_tls_cert": _text,
    "sip_tls_key": _text,
    "secure_cookies": _flag,
    "public_url": _public_url,
    "forwarded_allow_ips": _text,
    "session_hours": _hours,
    "snapshot_every_entries": _entries,
    "snapshot_every_s": _snapshot_seconds,
    "database_connect_timeout_s": _timeout,
    "database_lock_timeout_s": _timeout,
    "database_statement_timeout_s": _timeout,
    "clock_start": _instant,
}
"""Each setting's check and conversion, by field name."""
