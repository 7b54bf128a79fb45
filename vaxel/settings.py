"""Settings of ``vaxel serve``: a TOML or YAML file and/or ``VAXEL_*`` environment variables.

The environment wins over the file, so a container can override one value of a shared file.
Every value is checked before anything starts, and a wrong one is refused with its name and
what it should be ("VAXEL_HTTP_PORT must be a port number 1–65535, got 'abc'") — a
production server must not come up half-configured or with unsafe defaults (STYLE: settings
refuse unsafe defaults). Secure cookies are on unless switched off explicitly. Each value's
own check is in :mod:`vaxel.settings_values`; the rules between settings are here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vaxel.settings_values import PARSERS, SettingsError
from vaxel.store import DEFAULT_URL

__all__ = ["ServeSettings", "SettingsError", "load_settings"]

ENV_PREFIX = "VAXEL_"


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
    smtp_tenant_internal_hosts: bool = False
    """Allow a tenant's own mail server on this machine or its link (127.0.0.1, localhost,
    169.254.x.x): only where one organisation has the host. Off, such a host is refused
    (a tenant admin could reach the node's own services, issue 14; task R2)."""
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
        values[key] = PARSERS[key](name, value)
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
