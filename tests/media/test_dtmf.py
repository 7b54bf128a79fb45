"""RFC 4733 telephone events (payload format §2.3, sender §2.5.1, receiver §2.5.2) and the
in-band Goertzel check the interop tests use: every key press is reported exactly once,
whatever the network loses or repeats."""

from __future__ import annotations

import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.media.dtmf import (
    DIGITS,
    DtmfReceiver,
    TelephoneEvent,
    detect_dtmf_digit,
    dtmf_payloads,
    goertzel_power,
)
from vaxel.media.g711 import ulaw_decode, ulaw_encode
from vaxel.media.tones import tone_pcm

EVENT_CASES = [
    (TelephoneEvent("5", False, 10, 160), bytes.fromhex("05 0a 00a0")),
    (TelephoneEvent("#", True, 10, 800), bytes.fromhex("0b 8a 0320")),
    (TelephoneEvent("*", False, 0, 0), bytes.fromhex("0a 00 0000")),
    (TelephoneEvent("0", False, 63, 0xFFFF), bytes.fromhex("00 3f ffff")),
    (TelephoneEvent("D", True, 36, 1280), bytes.fromhex("0f a4 0500")),
]


@pytest.mark.parametrize(("event", "wire"), EVENT_CASES)
def test_events_serialize_and_parse_from_one_table(event: TelephoneEvent, wire: bytes) -> None:
    assert event.to_bytes() == wire
    assert TelephoneEvent.parse(wire) == event


def test_event_codes_follow_the_rfc_4733_table() -> None:
    # §3.2, Table 7: 0–9, then * = 10, # = 11, A–D = 12–15.
    assert [TelephoneEvent.parse(bytes([code, 0, 0, 0])).digit for code in range(16)] == list(
        "0123456789*#ABCD"
    )


def test_the_reserved_bit_is_ignored() -> None:
    # §2.3: R "MUST be ignored by the receiver".
    assert TelephoneEvent.parse(bytes.fromhex("01 ca 0000")) == TelephoneEvent("1", True, 10, 0)


@pytest.mark.parametrize(
    "wire",
    [b"", b"\x05\x0a\x00", bytes.fromhex("10 0a 00a0"), bytes.fromhex("ff 8a 00a0")],
)
def test_short_payloads_and_non_dtmf_events_are_refused(wire: bytes) -> None:
    # Event 16 is hook flash, others are tones/line events: not a key press.
    with pytest.raises(ValueError):
        TelephoneEvent.parse(wire)


@given(
    st.sampled_from(DIGITS),
    st.booleans(),
    st.integers(0, 63),
    st.integers(0, 0xFFFF),
    st.binary(max_size=8),
)
def test_any_event_survives_the_wire_even_with_trailing_bytes(
    digit: str, end: bool, volume: int, duration: int, extra: bytes
) -> None:
    event = TelephoneEvent(digit, end, volume, duration)
    assert TelephoneEvent.parse(event.to_bytes() + extra) == event


@given(st.binary(max_size=12))
def test_arbitrary_payloads_parse_or_raise_value_error(data: bytes) -> None:
    try:
        event = TelephoneEvent.parse(data)
    except ValueError:
        return
    assert event.digit in DIGITS and 0 <= event.volume <= 63


# -- sending ---------------------------------------------------------------------------------


def test_a_100_ms_press_is_a_marked_start_updates_and_three_ends() -> None:
    packets = [(TelephoneEvent.parse(p), marker) for p, marker in dtmf_payloads("7")]
    assert [marker for _, marker in packets] == [True] + [False] * 7
    assert [e.duration for e, _ in packets] == [160, 320, 480, 640, 800, 800, 800, 800]
    assert [e.end for e, _ in packets] == [False] * 5 + [True] * 3
    assert {e.digit for e, _ in packets} == {"7"} and {e.volume for e, _ in packets} == {10}


@pytest.mark.parametrize(("duration_ms", "steps"), [(0, 1), (20, 1), (39, 1), (40, 2), (250, 12)])
def test_duration_rounds_down_to_20_ms_packets_with_at_least_one(
    duration_ms: int, steps: int
) -> None:
    packets = [TelephoneEvent.parse(p) for p, _ in dtmf_payloads("1", duration_ms)]
    assert len(packets) == steps + 3
    assert packets[-1].duration == steps * 160


def test_volume_is_carried() -> None:
    assert {TelephoneEvent.parse(p).volume for p, _ in dtmf_payloads("1", volume=25)} == {25}


@pytest.mark.parametrize("digit", ["E", "55", "x", "#0"])
def test_sending_a_non_key_is_refused(digit: str) -> None:
    with pytest.raises(ValueError, match="DTMF"):
        list(dtmf_payloads(digit))


@pytest.mark.parametrize("digit", ["", "12", "0123456789"])
def test_an_empty_or_multi_key_string_is_refused_not_sent_as_another_key(digit: str) -> None:
    with pytest.raises(ValueError, match="DTMF"):
        list(dtmf_payloads(digit))


# -- receiving -------------------------------------------------------------------------------


def press(digit: str, timestamp: int) -> list[tuple[bytes, int]]:
    return [(payload, timestamp) for payload, _ in dtmf_payloads(digit)]


def received(receiver: DtmfReceiver, packets: list[tuple[bytes, int]]) -> list[str]:
    return [d for p, ts in packets if (d := receiver.handle(p, ts)) is not None]


def test_a_whole_press_is_reported_once() -> None:
    assert received(DtmfReceiver(), press("5", 8000)) == ["5"]


def test_a_press_whose_start_was_lost_is_still_reported_once() -> None:
    assert received(DtmfReceiver(), press("9", 8000)[2:]) == ["9"]


def test_a_press_heard_only_through_its_redundant_ends_is_reported_once() -> None:
    assert received(DtmfReceiver(), press("0", 8000)[-3:]) == ["0"]
    assert received(DtmfReceiver(), press("0", 8000)[-1:]) == ["0"]


def test_the_same_key_pressed_twice_is_two_presses() -> None:
    # Two events are told apart by their RTP timestamp, not by the key (§2.5.2.2).
    packets = press("1", 8000) + press("1", 9600)
    assert received(DtmfReceiver(), packets) == ["1", "1"]


def test_a_number_typed_quickly_arrives_in_order() -> None:
    packets = [p for n, d in enumerate("0812345000") for p in press(d, 1000 + 1600 * n)]
    assert "".join(received(DtmfReceiver(), packets)) == "0812345000"


def test_late_duplicates_of_an_earlier_press_are_not_reported_again() -> None:
    first, second = press("4", 8000), press("6", 9600)
    packets = first[:2] + second[:2] + first[2:] + second[2:]  # reordered on the wire
    assert received(DtmfReceiver(), packets) == ["4", "6"]


def test_garbage_between_presses_is_ignored() -> None:
    receiver = DtmfReceiver()
    assert receiver.handle(b"\x10\x8a\x03\x20", 100) is None  # hook flash
    assert receiver.handle(b"\x05", 200) is None
    assert received(receiver, press("5", 300)) == ["5"]


def test_a_long_press_split_into_segments_is_one_press() -> None:
    receiver = DtmfReceiver()
    first = TelephoneEvent("5", False, 10, 0xFFFF).to_bytes()
    continued = TelephoneEvent("5", False, 10, 160).to_bytes()
    end = TelephoneEvent("5", True, 10, 800).to_bytes()
    digits = [receiver.handle(first, 1000), receiver.handle(continued, 1000 + 0xFFFF)]
    digits.append(receiver.handle(end, 1000 + 0xFFFF))
    assert [d for d in digits if d] == ["5"]


def test_a_segment_continues_only_an_unfinished_long_press_of_the_same_key() -> None:
    # RFC 4733 §2.5.1.5: only a press that reached the 16-bit limit and did not end goes on
    # under a new timestamp; anything else with a new timestamp is a new press.
    long = TelephoneEvent("5", False, 10, 0xFFFF).to_bytes()
    ended = TelephoneEvent("5", True, 10, 0xFFFF).to_bytes()
    short = TelephoneEvent("5", False, 10, 800).to_bytes()
    other_key = TelephoneEvent("6", False, 10, 160).to_bytes()
    receiver = DtmfReceiver()
    assert receiver.handle(long, 0) == "5"
    assert receiver.handle(other_key, 0xFFFF) == "6"  # another key: a new press
    receiver = DtmfReceiver()
    assert receiver.handle(long, 0) == "5"
    assert receiver.handle(ended, 0) is None
    assert receiver.handle(short, 0xFFFF) == "5"  # the long press had ended
    receiver = DtmfReceiver()
    assert receiver.handle(short, 0) == "5"
    assert receiver.handle(short, 800) == "5"  # 100 ms is not a 16-bit segment


# -- in-band detection (Goertzel) ------------------------------------------------------------

KEYPAD = {
    "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
    "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
    "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
    "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
}  # fmt: skip


def samples(pcm16: bytes) -> list[int]:
    return list(array.array("h", pcm16))


@pytest.mark.parametrize("digit", DIGITS)
def test_every_key_is_detected_in_band_after_a_trip_through_mu_law(digit: str) -> None:
    pcm = tone_pcm(KEYPAD[digit], 50)
    assert detect_dtmf_digit(samples(ulaw_decode(ulaw_encode(pcm)))) == digit


@pytest.mark.parametrize(
    "audio",
    [
        tone_pcm((1000.0,), 50),
        tone_pcm((425.0,), 50),
        tone_pcm((697.0,), 50),  # a row tone alone is not a key
        bytes(800),
    ],
    ids=["1 kHz", "ringback", "row only", "silence"],
)
def test_no_key_is_heard_in_other_sounds(audio: bytes) -> None:
    assert detect_dtmf_digit(samples(audio)) is None


def test_goertzel_power_is_the_share_of_energy_at_the_frequency() -> None:
    tone = samples(tone_pcm((1000.0,), 100))
    assert goertzel_power(tone, 1000) > 0.95
    assert goertzel_power(tone, 1500) < 0.02
    both = samples(tone_pcm((1000.0, 2000.0), 100))
    assert 0.4 < goertzel_power(both, 1000) < 0.6
    assert goertzel_power([], 1000) == 0.0
    assert goertzel_power([0] * 160, 1000) == 0.0


def test_goertzel_power_does_not_depend_on_loudness() -> None:
    quiet, loud = (samples(tone_pcm((852.0,), 60, amplitude)) for amplitude in (300, 20000))
    assert goertzel_power(quiet, 852) == pytest.approx(goertzel_power(loud, 852), abs=0.02)
