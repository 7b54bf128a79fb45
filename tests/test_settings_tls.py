"""The SIP-over-TLS settings (issue 10 §5): refused with their names unless the certificate
and key load, so a server never comes up offering TLS it cannot serve."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.telephony.test_transports import self_signed
from vaxel.settings import SettingsError, load_settings


def test_a_tls_port_with_a_certificate_and_key_that_load_is_taken(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    environ = {
        "VAXEL_SIP_PORT": "5060",
        "VAXEL_SIP_TLS_PORT": "5061",
        "VAXEL_SIP_TLS_CERT": str(cert),
        "VAXEL_SIP_TLS_KEY": str(key),
    }
    settings = load_settings(None, environ)
    assert (settings.sip_tls_port, settings.sip_tls_cert) == (5061, str(cert))


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"VAXEL_SIP_TLS_PORT": "5061"}, "VAXEL_SIP_TLS_PORT needs SIP on"),
        (
            {"VAXEL_SIP_PORT": "5060", "VAXEL_SIP_TLS_PORT": "5061"},
            "VAXEL_SIP_TLS_CERT must name a PEM file",
        ),
        (
            {
                "VAXEL_SIP_PORT": "5060",
                "VAXEL_SIP_TLS_PORT": "5061",
                "VAXEL_SIP_TLS_CERT": "/finns/inte.crt",
                "VAXEL_SIP_TLS_KEY": "/finns/inte.key",
            },
            "VAXEL_SIP_TLS_CERT and VAXEL_SIP_TLS_KEY: cannot load the certificate and key",
        ),
        ({"VAXEL_SIP_TLS_PORT": "tls"}, "VAXEL_SIP_TLS_PORT must be a port number"),
    ],
)
def test_incomplete_tls_settings_are_refused_by_name(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(None, environ)
