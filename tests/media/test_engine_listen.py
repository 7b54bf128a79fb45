"""The listening legs' drain keeps to its phase (issue 11: talking queued callers, p99).

With 2,000 talking callers whose phones' packets pass the kernel filter in the same period,
a phase's drain read 200 sockets (1 ms) on top of its 1.3 ms of frames, and a period of such
phases made the last frames 6–13 ms late. A drain past the next phase's due time now stops
after a quarter of the ready sockets; the rest are read at the phase's next drain, first.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import cast

import pytest

from vaxel.media.engine_leg import Leg
from vaxel.media.engine_listen import Listeners

PHONES = 8


class _Leg:
    """What a drain needs of a leg: its socket and whether it is locked."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.locked = True


@pytest.fixture
def legs() -> Iterator[list[_Leg]]:
    legs = [_Leg() for _ in range(PHONES)]
    yield legs
    for leg in legs:
        leg.sock.close()


def test_a_drain_past_its_time_reads_a_quarter_and_the_rest_come_first_next_time(
    legs: list[_Leg],
) -> None:
    read: list[_Leg] = []

    def drain(leg: Leg, budget: int) -> int:
        read.append(cast(_Leg, leg))
        leg.sock.recv(2048)
        return 1

    now = 10.0
    listeners = Listeners(1, drain, clock=lambda: now)
    for leg in legs:
        listeners.add(cast(Leg, leg), 0)
    phone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for leg in legs:  # loopback: queued on the leg's socket before sendto returns
        phone.sendto(b"\x80" + bytes(171), leg.sock.getsockname())
    phone.close()

    listeners.drain(0, until=now - 0.001)  # the next phase is due: 2 of the 8
    assert len(read) == 2
    listeners.drain(0, until=now - 0.001)  # of the 6 not read yet, a quarter (rounded up)
    assert len(read) == 2 + 2
    assert len(set(map(id, read))) == len(read)
    listeners.drain(0, until=now + 0.002)  # in time: every phone left
    assert sorted(map(id, read)) == sorted(map(id, legs))
