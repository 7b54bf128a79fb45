"""The RTP port pool and the per-source call rate come from the settings (issue 10 §8)."""

from __future__ import annotations

import argparse

import pytest

from vaxel.demo import DemoSettings
from vaxel.settings import ServeSettings, SettingsError, load_settings


def test_the_pool_and_the_call_rate_are_read_and_checked() -> None:
    assert load_settings(None, {}) == ServeSettings()
    settings = load_settings(
        None,
        {
            "VAXEL_RTP_PORT_LOW": "40000",
            "VAXEL_RTP_PORT_HIGH": "40100",
            "VAXEL_SIP_INVITE_RATE": "2.5",
        },
    )
    assert (settings.rtp_port_low, settings.rtp_port_high) == (40000, 40100)
    assert settings.sip_invite_rate == 2.5
    with pytest.raises(SettingsError, match=r"VAXEL_RTP_PORT_LOW .* must not be above"):
        load_settings(None, {"VAXEL_RTP_PORT_LOW": "30000", "VAXEL_RTP_PORT_HIGH": "20000"})
    with pytest.raises(SettingsError, match="VAXEL_SIP_INVITE_RATE must be a number"):
        load_settings(None, {"VAXEL_SIP_INVITE_RATE": "lots"})
    with pytest.raises(SettingsError, match="VAXEL_RTP_PORT_HIGH must be a port number"):
        load_settings(None, {"VAXEL_RTP_PORT_HIGH": "70000"})


def test_the_demo_takes_the_call_rate_from_its_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vaxel.cli import demo

    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    assert parser.parse_args([]).sip_invite_rate == 20.0
    started: list[DemoSettings] = []

    async def run_demo(settings: DemoSettings) -> None:
        started.append(settings)

    monkeypatch.setattr(demo, "run_demo", run_demo)
    assert demo.run(parser.parse_args(["--sip-invite-rate", "500"])) == 0
    assert started[0].sip_invite_rate == 500.0
    assert demo.run(parser.parse_args(["--sip-invite-rate", "0"])) == 2


def test_the_media_timeout_is_read_and_checked() -> None:
    # Issue 11 §3: a phone silent this long is hung up; 0 turns the check off.
    assert ServeSettings().media_timeout_s == 30.0
    assert load_settings(None, {"VAXEL_MEDIA_TIMEOUT_S": "12.5"}).media_timeout_s == 12.5
    assert load_settings(None, {"VAXEL_MEDIA_TIMEOUT_S": "0"}).media_timeout_s == 0.0
    for wrong in ("0.5", "-3", "soon", "7200"):
        with pytest.raises(SettingsError, match="VAXEL_MEDIA_TIMEOUT_S must be a number of sec"):
            load_settings(None, {"VAXEL_MEDIA_TIMEOUT_S": wrong})
