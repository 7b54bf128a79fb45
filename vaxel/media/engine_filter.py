"""A kernel filter that drops most of a queued caller's audio before the engine reads it
(issue 11: ≥ 2,000 queued callers per core with their phones talking).

A caller waiting in a queue hears the engine's frames; what its phone sends matters only for
its DTMF (RFC 4733 telephone-events), for latching onto the phone and for the media timeout
(a phone whose RTP stops is hung up). Reading its 50 audio packets a second cost the engine
as much as sending the caller's music (BENCHMARKS.md: p99 9–11 ms with talking phones in 2 of
3 runs). So once such a leg is locked, a classic BPF program (``SO_ATTACH_FILTER``, Linux)
on its socket drops, in the kernel, the packets of the negotiated audio payload type except
one in ``SAMPLE`` by RTP sequence number — enough for the media timeout to see the phone
alive — and passes everything else: telephone-events, comfort noise, other payload types,
RTP with CSRCs, an extension or padding, anything too short to be RTP. The filter comes off
whenever the leg's audio matters: bridged, in a conference room, being recorded (voicemail,
a prompt recorded by phone) — ``engine_quiet`` decides, on every such change.

What the program sees: on a UDP socket the kernel runs it on the datagram from its UDP
header on (8 bytes), so the RTP header starts at offset 8 (proved on 127.0.0.1 by
``tests/media/test_engine_filter.py``). A dropped datagram is counted by the kernel as a
receive error of the socket (``/proc/net/udp`` drops, ``Udp: InErrors`` in
``/proc/net/snmp``), as any datagram a socket filter refuses. Elsewhere than on Linux no
filter is attached and every packet is read, as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import socket
import struct
import sys

__all__ = ["SAMPLE", "SUPPORTED", "UDP_HEADER", "attach", "detach", "program", "sample_for"]

SUPPORTED = sys.platform.startswith("linux")
UDP_HEADER = 8
"""Where the UDP payload starts in what a UDP socket's filter sees."""
SAMPLE = 16
"""One audio packet in ``SAMPLE`` passes (by sequence number): about 3 a second from a phone
sending 20 ms packets, ten or more within any media timeout of 3.2 s or longer."""
_SIGNS_PER_TIMEOUT = 10
"""A shorter media timeout keeps at least this many packets (``sample_for``)."""
_PACKET_S = 0.020
_SO_ATTACH_FILTER = getattr(socket, "SO_ATTACH_FILTER", 26)
_SO_DETACH_FILTER = getattr(socket, "SO_DETACH_FILTER", 27)
_INSTRUCTION = struct.Struct("=HBBI")
"""``struct sock_filter``: code, jump if true, jump if false, constant."""
# Classic BPF opcodes (linux/filter.h)
_LD_LEN = 0x80  # A = the datagram's length
_LDB = 0x30  # A = byte at k
_LDH = 0x28  # A = big-endian half-word at k
_AND = 0x54  # A &= k
_JGT = 0x25  # if A > k
_JEQ = 0x15  # if A == k
_RET = 0x06  # return k (bytes kept; 0 drops)
_KEEP = 0xFFFF_FFFF


def sample_for(media_timeout_s: float | None) -> int:
    """How many audio packets the filter lets one through of (a power of two ≤ ``SAMPLE``):
    a media timeout must still see at least ten of them; 1 means no filter."""
    if media_timeout_s is None:
        return SAMPLE
    sample = 1
    while sample < SAMPLE and 2 * sample * _PACKET_S * _SIGNS_PER_TIMEOUT <= media_timeout_s:
        sample *= 2
    return sample


def program(payload_type: int, sample: int = SAMPLE, offset: int = UDP_HEADER) -> bytes:
    """The filter: drop plain RTP of ``payload_type`` whose sequence number is not a
    multiple of ``sample`` (a power of two); keep everything else."""
    if not 0 <= payload_type <= 127 or sample < 2 or sample & (sample - 1):
        raise ValueError(f"no filter for payload type {payload_type!r}, 1 in {sample!r}")
    keep = 10  # the position of the return that keeps; the one after it drops
    code = [
        (_LD_LEN, 0, 0, 0),
        (_JGT, 0, keep - 2, offset + 12),  # no payload after an RTP header: keep
        (_LDB, 0, 0, offset),
        (_JEQ, 0, keep - 4, 0x80),  # RTP version 2 without padding, extension or CSRC
        (_LDB, 0, 0, offset + 1),
        (_AND, 0, 0, 0x7F),  # the payload type, without the marker bit
        (_JEQ, 0, keep - 7, payload_type),
        (_LDH, 0, 0, offset + 2),  # the sequence number
        (_AND, 0, 0, sample - 1),
        (_JEQ, 0, 1, 0),  # one in ``sample``: keep; the others: drop
        (_RET, 0, 0, _KEEP),
        (_RET, 0, 0, 0),
    ]
    return b"".join(_INSTRUCTION.pack(*instruction) for instruction in code)


def attach(sock: socket.socket, code: bytes) -> None:
    """Put ``code`` (``program``) on ``sock``, replacing any filter it had (raises
    ``OSError``). The kernel copies the program, so the buffer may go afterwards."""
    buffer = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("@HP", len(code) // _INSTRUCTION.size, ctypes.addressof(buffer))
    sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER, fprog)


def detach(sock: socket.socket) -> None:
    """Take the filter off ``sock``: every datagram is queued again."""
    with contextlib.suppress(OSError):  # ENOENT: none was attached
        sock.setsockopt(socket.SOL_SOCKET, _SO_DETACH_FILTER, 0)
