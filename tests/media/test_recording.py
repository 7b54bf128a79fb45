"""Both channels of a recording on one timeline, with explicit time (REC1, issue 11 §3):
packets placed by arrival of a stream's first packet, then by RTP timestamp."""

from __future__ import annotations

import array

from vaxel.media.g711 import ULAW_SILENCE, ulaw_decode
from vaxel.media.recording import StereoRecording


def frame(value: int) -> bytes:
    return bytes([value]) * 160


def channels(recording: StereoRecording) -> tuple[list[int], list[int]]:
    samples = array.array("h", recording.stereo_pcm())
    return list(samples[0::2]), list(samples[1::2])


def level(value: int) -> int:
    return array.array("h", ulaw_decode(bytes([value])))[0]


SILENCE = level(ULAW_SILENCE)


def test_a_late_talker_starts_where_they_started_not_at_the_beginning() -> None:
    recording = StereoRecording("x.wav", started=10.0)
    for n in range(10):
        recording.heard(frame(0x20), 7, 1000 + 160 * n, now=10.0 + 0.02 * n)
    for n in range(3):
        recording.said(frame(0x40), 9, 50_000 + 160 * n, now=10.1 + 0.02 * n)
    left, right = channels(recording)
    assert len(left) == len(right) == 1600
    assert set(left[:800]) == {SILENCE} and set(left[800:1280]) == {level(0x40)}
    assert set(right) == {level(0x20)}


def test_jitter_moves_nothing_and_reordering_lands_in_place() -> None:
    recording = StereoRecording("x.wav", started=0.0)
    arrivals = [(0, 0.0), (1, 0.035), (3, 0.061), (2, 0.062), (4, 0.081)]  # late, swapped
    for n, now in arrivals:
        recording.said(frame(0x10 + n), 1, 160 * n, now)
    left, _ = channels(recording)
    assert [left[160 * n] for n in range(5)] == [level(0x10 + n) for n in range(5)]


def test_a_lost_packet_leaves_silence_in_its_place() -> None:
    recording = StereoRecording("x.wav", started=0.0)
    for n in (0, 1, 3):
        recording.said(frame(0x30), 1, 160 * n, 0.02 * n)
    left, right = channels(recording)
    assert set(left[320:480]) == {SILENCE} and set(left[480:640]) == {level(0x30)}
    assert set(right) == {SILENCE}


def test_a_new_stream_or_a_timestamp_jump_is_placed_by_its_arrival() -> None:
    recording = StereoRecording("x.wav", started=0.0)
    recording.said(frame(0x50), 1, 0, 0.0)
    recording.said(frame(0x51), 2, 99_999, 0.1)  # another SSRC (a transfer, a new phone)
    recording.said(frame(0x52), 2, 99_999 + 8000 * 3600, 0.2)  # an hour ahead: not believed
    left, _ = channels(recording)
    assert len(left) == 1760
    assert left[800] == level(0x51) and left[1600] == level(0x52)
    assert set(left[160:800]) == {SILENCE}
