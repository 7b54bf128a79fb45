"""``vaxel serve``: run Växel in production (settings from a file and/or ``VAXEL_*``)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from vaxel.settings import ServeSettings, SettingsError, load_settings

__all__ = ["add_arguments", "add_settings_option", "run", "settings_of"]

SETTINGS_HELP = """\
settings (the environment wins over the file):
  VAXEL_DATABASE_URL     sqlite:///var/vaxel.db (default) or postgresql+psycopg://…
  VAXEL_HTTP_HOST/PORT   where the web app listens (default 127.0.0.1:8080)
  VAXEL_SIP_HOST/PORT    SIP telephony; VAXEL_SIP_PORT=off (default) for none
  VAXEL_SIP_TRUSTED      comma-separated trunk addresses trusted without digest
  VAXEL_SIP_TLS_PORT     SIP over TLS (e.g. 5061), with VAXEL_SIP_TLS_CERT/_KEY PEM files
  VAXEL_SECURE_COOKIES   true (default) behind HTTPS; false only on a closed test net
  VAXEL_PUBLIC_URL       https://vaxel.example.se, how users reach the site
  VAXEL_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (default 127.0.0.1)
  VAXEL_SESSION_HOURS    sign-in lifetime (default 12)
  VAXEL_CLOCK_START      start the clock at this time (2026-12-07T07:55), for tests only
a settings file uses the same names in lower case without VAXEL_ (database_url = …)."""


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        default=os.environ.get("VAXEL_CONFIG"),
        help="settings file, .toml or .yaml (default: $VAXEL_CONFIG, else none)",
    )


def settings_of(args: argparse.Namespace, command: str) -> ServeSettings | None:
    """The settings, or None after printing what is wrong (the caller exits with 2)."""
    try:
        return load_settings(args.config, os.environ)
    except SettingsError as error:
        print(f"vaxel {command}: {error}", file=sys.stderr)
        return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = SETTINGS_HELP
    add_settings_option(parser)


def run(args: argparse.Namespace) -> int:
    settings = settings_of(args, "serve")
    if settings is None:
        return 2
    from vaxel.app import serve
    from vaxel.store.availability import DatabaseUnusable

    try:
        import uvloop  # the faster event loop when installed (DESIGN.md)
    except ImportError:
        runner = asyncio.run
    else:
        runner = uvloop.run
    # SIGTERM (systemd, docker stop) ends the server like Ctrl-C: uvicorn finishes open
    # requests, then re-raises the signal, and this handler lets telephony close too.
    signal.signal(signal.SIGTERM, _stop)
    try:
        runner(serve(settings, echo=lambda line: print(line, flush=True)))
    except DatabaseUnusable as error:  # read-only, missing folder: one sentence (issue 10 §1)
        print(f"vaxel serve: {error}.", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Stopped):
        print("Växel stoppad.", flush=True)
    return 0


class Stopped(Exception):
    """SIGTERM arrived."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped
