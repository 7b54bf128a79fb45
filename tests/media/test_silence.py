"""The media-timeout rule with explicit time (issue 11 §3): a ``sendrecv`` peer silent for the
timeout is reported once; packets, hold and a new SDP start the watch anew."""

from __future__ import annotations

import pytest

from vaxel.media.backend import MediaDirection, RemoteMedia
from vaxel.media.silence import SilenceWatch


def test_a_silent_peer_is_reported_once_when_the_timeout_passes() -> None:
    watch = SilenceWatch(30.0, now=100.0)
    assert watch.next_deadline() == 130.0
    assert watch.check(0, True, 129.9) is None
    assert watch.check(0, True, 130.5) == pytest.approx(30.5)
    assert watch.check(0, True, 131.5) is None  # once per silence
    assert watch.next_deadline() is None


def test_packets_are_a_sign_of_life_and_a_new_silence_is_reported_again() -> None:
    watch = SilenceWatch(10.0, now=0.0)
    assert watch.check(5, True, 9.0) is None  # five packets since the last check
    assert watch.check(5, True, 18.9) is None  # silent since the check at 9.0
    assert watch.check(5, True, 19.0) == pytest.approx(10.0)
    assert watch.check(6, True, 20.0) is None  # it came back …
    assert watch.next_deadline() == 30.0
    assert watch.check(6, True, 30.0) == pytest.approx(10.0)  # … and went again


@pytest.mark.parametrize("direction", ["sendonly", "inactive", "recvonly"])
def test_a_held_or_receive_only_peer_is_not_timed_out(direction: str) -> None:
    remote = RemoteMedia("127.0.0.1", 4000, 0, "PCMU", direction=direction)  # type: ignore[arg-type]
    assert not remote.direction.watched_for_timeout
    watch = SilenceWatch(10.0, now=0.0)
    for now in range(0, 120, 5):
        assert watch.check(0, remote.direction.watched_for_timeout, float(now)) is None
    # Taken off hold: the phone gets the whole timeout again, counted from the change.
    watch.restart(120.0, 0)
    assert watch.check(0, True, 129.0) is None
    assert watch.check(0, True, 130.0) == pytest.approx(10.0)


def test_restart_forgets_a_reported_silence() -> None:
    watch = SilenceWatch(1.0, now=0.0)
    assert watch.check(0, True, 1.0) == pytest.approx(1.0)
    watch.restart(2.0, 0)
    assert watch.next_deadline() == 3.0
    assert watch.check(0, True, 3.0) == pytest.approx(1.0)


@pytest.mark.parametrize("timeout", [0.0, -1.0, float("nan")])
def test_the_timeout_must_be_positive(timeout: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        SilenceWatch(timeout, now=0.0)


def test_the_direction_is_checked_and_read_from_plain_text() -> None:
    remote = RemoteMedia("127.0.0.1", 4000, 0, "PCMU", direction="sendonly")  # type: ignore[arg-type]
    assert remote.direction is MediaDirection.SENDONLY
    assert remote.direction.peer_sends and not remote.direction.peer_receives
    assert RemoteMedia("127.0.0.1", 4000, 0, "PCMU").direction is MediaDirection.SENDRECV
    assert MediaDirection.RECVONLY.peer_receives and not MediaDirection.RECVONLY.peer_sends
    assert not MediaDirection.INACTIVE.peer_sends and not MediaDirection.INACTIVE.peer_receives
    with pytest.raises(ValueError, match="media direction must be one of"):
        RemoteMedia("127.0.0.1", 4000, 0, "PCMU", direction="sideways")  # type: ignore[arg-type]
