"""The SIP UDP socket's buffers are sized by setting (issue 11, Benchmarks).

A pause of the loop at 1,000 calls/s overflowed the kernel's default 212 KB receive buffer
and the dropped INVITEs came back as retransmissions; the setting asks for 4 MiB.
"""

from __future__ import annotations

import socket

import pytest

from vaxel.settings import ServeSettings, SettingsError, load_settings
from vaxel.sip.transport import DEFAULT_UDP_BUFFER, SipTransport, size_socket_buffers


def _kernel_default() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


def test_the_setting_is_read_with_units_and_checked() -> None:
    assert ServeSettings().sip_udp_buffer == DEFAULT_UDP_BUFFER == 4 * 1024 * 1024
    assert load_settings(None, {"VAXEL_SIP_UDP_BUFFER": "8M"}).sip_udp_buffer == 8 * 2**20
    assert load_settings(None, {"VAXEL_SIP_UDP_BUFFER": "512KiB"}).sip_udp_buffer == 512 * 1024
    assert load_settings(None, {"VAXEL_SIP_UDP_BUFFER": "0"}).sip_udp_buffer == 0
    for bad in ("lots", "-1", "1G"):
        with pytest.raises(SettingsError, match="VAXEL_SIP_UDP_BUFFER must be a size"):
            load_settings(None, {"VAXEL_SIP_UDP_BUFFER": bad})


def test_a_buffer_is_asked_for_and_what_the_kernel_granted_is_reported() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        received, sent = size_socket_buffers(sock, 1024 * 1024)
        assert received == sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
        assert sent == sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    with open("/proc/sys/net/core/rmem_max") as handle:
        cap = int(handle.read())
    # Linux doubles the size for bookkeeping; without CAP_NET_ADMIN rmem_max caps it.
    assert received >= 2 * min(1024 * 1024, cap)


async def test_the_listener_gets_the_bigger_buffer_and_zero_keeps_the_default() -> None:
    sized = SipTransport(lambda *_: None, udp_buffer=1024 * 1024)
    default = SipTransport(lambda *_: None, udp_buffer=0)
    await sized.start("127.0.0.1", 0, tcp=False)
    await default.start("127.0.0.1", 0, tcp=False)
    try:
        assert sized.udp_buffers is not None and default.udp_buffers is not None
        assert default.udp_buffers[0] == _kernel_default()
        assert sized.udp_buffers[0] > default.udp_buffers[0]
    finally:
        await sized.close()
        await default.close()
