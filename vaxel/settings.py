"""Settings of ``vaxel serve``: a TOML or YAML file and/or ``VAXEL_*`` environment variables.

The environment wins over the file, so a container can override one value of a shared file.
Every value is checked before anything starts, and a wrong one is refused with its name and
what it should be ("VAXEL_HTTP_PORT must be a port number 1–65535, got 'abc'") — a
production server must not come up half-configured or with unsafe defaults (STYLE: settings
refuse unsafe defaults). Secure cookies are on unless switched off explicitly.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vaxel.store import DEFAULT_URL

__all__ = ["ServeSettings", "SettingsError", "load_settings"]

ENV_PREFIX = "VAXEL_"


class SettingsError(ValueError):
    """A setting is missing, unknown or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class ServeSettings:
    database_url: str = DEFAULT_URL
    http_host: str = "127.0.0.1"
    """Where the web app listens; production puts a TLS-terminating proxy in front."""
    http_port: int | None = 8080
    """None only for the demo without web (``vaxel demo --no-web``); serve always has it."""
    sip_host: str = "127.0.0.1"
    sip_port: int | None = None
    """None: no telephony (the web app and the REST API only)."""
    sip_trusted: tuple[str, ...] = ()
    """Peer addresses trusted without digest authentication (a carrier's SBC)."""
    sip_invite_rate: float = 20.0
    """New calls per second one source may start on average (twice as many at once); more
    are answered 503, so a flood cannot take every RTP port (issue 10 §8)."""
    sip_udp_buffer: int = 4 * 1024 * 1024
    """Bytes for the SIP UDP socket's receive and send buffers (0: the kernel's default);
    a burst during a pause of the loop then waits in the socket instead of being dropped
    (issue 11, Benchmarks). Above net.core.rmem_max only with CAP_NET_ADMIN."""
    rtp_port_low: int = 20000
    rtp_port_high: int = 29998
    """The RTP port pool: one even port per call leg; when all are in use a call gets 503."""
    media_timeout_s: float = 30.0
    """A phone that sends no RTP for this long (not on hold) is taken as gone and its call is
    hung up (issue 11 §3); 0 turns the check off."""
    sip_tls_port: int | None = None
    """SIP over TLS (phones outside the office, issue 10 §5); needs the two files below."""
    sip_tls_cert: str = ""
    """PEM certificate chain for SIP over TLS."""
    sip_tls_key: str = ""
    """PEM private key of that certificate."""
    secure_cookies: bool = True
    public_url: str = ""
    """How users reach the site (https://vaxel.example.se), shown at start."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies whose X-Forwarded-For/-Proto headers are believed (uvicorn)."""
    session_hours: float = 12.0
    snapshot_every_entries: int = 10_000
    """Snapshot the engine's state after this many journal entries, so a restart replays at
    most about this many (issue 10 §13); 0 turns snapshots off."""
    snapshot_every_s: float = 600.0
    """…or after this many seconds, if anything was journaled since the last snapshot."""
    database_connect_timeout_s: float = 5.0
    """PostgreSQL: how long opening a connection may take before the store counts as away
    (503 with Retry-After, issue 10 §1)."""
    database_lock_timeout_s: float = 0.2
    """PostgreSQL: how long a statement waits for a lock another session holds."""
    database_statement_timeout_s: float = 10.0
    """PostgreSQL: how long any one statement may run."""
    smtp_host: str = ""
    """The platform's mail server for voicemail e-mails (PBX4); "" none (a tenant may have
    its own). Mails wait in the outbox until a server takes them."""
    smtp_port: int = 587
    smtp_sender: str = ""
    """The From address of voicemail e-mails (vaxel@kommun.se)."""
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: str = "starttls"
    """starttls, tls (implicit, port 465) or none (a relay on the same host only)."""
    voicemail_dir: str = "var/voicemail"
    """Where voicemail messages and greetings are kept (WAV files)."""
    clock_start: float | None = None
    """The platform's clock starts at this instant instead of now and runs at wall speed
    (a test or a rehearsal of opening hours, issue 12 §1); never set in production."""


FIELDS = tuple(ServeSettings.__dataclass_fields__)


def load_settings(file: str | Path | None, environ: Mapping[str, str]) -> ServeSettings:
    """Settings from ``file`` (``.toml``, ``.yaml`` or ``.yml``; optional), then the
    environment. Raises :class:`SettingsError` naming the first bad value."""
    raw: dict[str, tuple[str, Any]] = {}  # field -> (name to show in errors, value)
    if file:
        path = Path(file)
        for key, value in _read_file(path).items():
            if key not in FIELDS:
                raise SettingsError(
                    f"unknown setting {key!r} in {path}; known settings: {', '.join(FIELDS)}"
                )
            raw[key] = (f"{key} (in {path})", value)
    for key in FIELDS:
        name = ENV_PREFIX + key.upper()
        if name in environ:
            raw[key] = (name, environ[name])
    values: dict[str, Any] = {}
    for key, (name, value) in raw.items():
        values[key] = _PARSERS[key](name, value)
    settings = ServeSettings(**values)
    _check_together(settings, raw)
    return settings


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"cannot read the settings file {path}: {error.strerror}") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            raise SettingsError(f"the settings file {path} must end in .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, ValueError) as error:
        if isinstance(error, SettingsError):
            raise
        raise SettingsError(f"the settings file {path} is not valid: {error}") from None
    except Exception as error:  # yaml.YAMLError without importing yaml for TOML users
        raise SettingsError(f"the settings file {path} is not valid: {error}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"the settings file {path} must hold key = value settings")
    return data


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


_PARSERS: dict[str, Any] = {
    "smtp_host": _text,
    "smtp_port": _port,
    "smtp_sender": _text,
    "smtp_username": _text,
    "smtp_password": _text,
    "smtp_security": _security,
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


def _check_together(settings: ServeSettings, raw: Mapping[str, tuple[str, Any]]) -> None:
    """Rules between settings: Secure cookies never reach a plain-HTTP site; the RTP pool
    holds at least one port; SIP over TLS has a certificate and key that load."""
    _check_tls(settings, raw)
    if settings.rtp_port_low > settings.rtp_port_high:
        name = raw.get("rtp_port_low", ("rtp_port_low", None))[0]
        raise SettingsError(
            f"{name} ({settings.rtp_port_low}) must not be above rtp_port_high "
            f"({settings.rtp_port_high}): the RTP port pool would be empty"
        )
    if settings.secure_cookies and settings.public_url.startswith("http://"):
        url_name = raw["public_url"][0]
        raise SettingsError(
            f"{url_name} is plain http:// but secure cookies are on: browsers would drop the "
            "session cookie. Serve over https:// (a TLS proxy) or set "
            "VAXEL_SECURE_COOKIES=false for a closed test network."
        )


def _check_tls(settings: ServeSettings, raw: Mapping[str, tuple[str, Any]]) -> None:
    if settings.sip_tls_port is None:
        return
    port_name = raw["sip_tls_port"][0]
    if settings.sip_port is None:
        raise SettingsError(f"{port_name} needs SIP on: set VAXEL_SIP_PORT as well")
    for key in ("sip_tls_cert", "sip_tls_key"):
        if not getattr(settings, key):
            raise SettingsError(
                f"{port_name} is set, so {ENV_PREFIX}{key.upper()} must name a PEM file"
            )
    import ssl

    from vaxel.sip.transport import tls_server_context

    try:
        tls_server_context(settings.sip_tls_cert, settings.sip_tls_key)
    except (OSError, ssl.SSLError) as error:
        names = " and ".join(
            raw[key][0] if key in raw else ENV_PREFIX + key.upper()
            for key in ("sip_tls_cert", "sip_tls_key")
        )
        raise SettingsError(f"{names}: cannot load the certificate and key: {error}") from None
