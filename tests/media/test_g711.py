"""G.711 against the reference behaviour (ITU-T G.711, as in the well-known Sun reference
implementation): codes for zero and full scale, monotonic decoding, bounded quantisation
error, and PCMU↔PCMA transcoding that agrees with decode-then-encode."""

from __future__ import annotations

import array
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.media.g711 import (
    ALAW_SILENCE,
    ULAW_SILENCE,
    alaw_decode,
    alaw_encode,
    alaw_to_ulaw,
    ulaw_decode,
    ulaw_encode,
    ulaw_to_alaw,
)


def pcm(*samples: int) -> bytes:
    return array.array("h", samples).tobytes()


def values(pcm16: bytes) -> list[int]:
    return list(array.array("h", pcm16))


ALL_CODES = bytes(range(256))


@pytest.mark.parametrize(
    ("sample", "ulaw", "alaw"),
    [
        (0, 0xFF, 0xD5),
        (-1, 0x7F, 0x55),
        (32767, 0x80, 0xAA),
        (-32768, 0x00, 0x2A),
        (1000, 0xCE, 0xFA),
        (-1000, 0x4E, 0x7A),
    ],
)
def test_reference_codes(sample: int, ulaw: int, alaw: int) -> None:
    assert ulaw_encode(pcm(sample)) == bytes([ulaw])
    assert alaw_encode(pcm(sample)) == bytes([alaw])


def test_silence_constants_are_the_codes_for_zero() -> None:
    assert ulaw_encode(pcm(0)) == bytes([ULAW_SILENCE])
    assert alaw_encode(pcm(0)) == bytes([ALAW_SILENCE])
    assert values(ulaw_decode(bytes([ULAW_SILENCE]))) == [0]
    assert abs(values(alaw_decode(bytes([ALAW_SILENCE])))[0]) <= 8


def test_decoded_full_scale_matches_the_reference() -> None:
    assert values(ulaw_decode(b"\x80\x00")) == [32124, -32124]
    assert values(alaw_decode(b"\xaa\x2a")) == [32256, -32256]


@pytest.mark.parametrize(
    ("encode", "decode"), [(ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)]
)
def test_decoding_every_code_gives_256_distinct_values_symmetric_about_zero(
    encode: object, decode: object
) -> None:
    decoded = values(decode(ALL_CODES))  # type: ignore[operator]
    # µ-law has +0 and −0 (0xFF, 0x7F); A-law has no zero code, so all 256 differ.
    assert len(set(decoded)) >= 255
    assert sorted(decoded) == sorted(-v for v in decoded)


@pytest.mark.parametrize("encode", [ulaw_encode, alaw_encode])
def test_encoding_is_monotonic_over_the_whole_16_bit_range(encode: object) -> None:
    # Decode the codes back to magnitudes: a louder input never gives a quieter code.
    decode = ulaw_decode if encode is ulaw_encode else alaw_decode
    everything = pcm(*range(-32768, 32768))
    levels = values(decode(encode(everything)))  # type: ignore[operator]
    assert all(a <= b for a, b in itertools.pairwise(levels))


@pytest.mark.parametrize(
    ("encode", "decode"), [(ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)]
)
def test_quantisation_error_is_within_half_a_step_of_the_segment(
    encode: object, decode: object
) -> None:
    everything = list(range(-32768, 32768))
    back = values(decode(encode(pcm(*everything))))  # type: ignore[operator]
    for sample, value in zip(everything, back, strict=True):
        # A segment's step is at most 1/16 of its smallest magnitude, so the error (half a
        # step, reconstruction mid-interval) is at most |x|/32 plus a few units near zero —
        # and above the top decision level the clipping (µ-law decodes at most 32124).
        limit = abs(sample) // 32 + 10 + max(0, abs(sample) - 32124)
        assert abs(sample - value) <= limit, (sample, value)


@given(st.lists(st.integers(-32768, 32767), max_size=64))
def test_decode_encode_decode_is_stable(samples: list[int]) -> None:
    for encode, decode in ((ulaw_encode, ulaw_decode), (alaw_encode, alaw_decode)):
        codes = encode(pcm(*samples))
        assert len(codes) == len(samples)
        # A decoded level is a reconstruction point: encoding it again lands on it exactly.
        assert decode(encode(decode(codes))) == decode(codes)


def test_every_code_is_a_fixed_point_of_decode_then_encode() -> None:
    # µ-law −0 (0x7F) decodes to 0, which encodes as +0 (0xFF); every other code returns.
    assert alaw_encode(alaw_decode(ALL_CODES)) == ALL_CODES
    assert ulaw_encode(ulaw_decode(ALL_CODES)) == ALL_CODES.replace(b"\x7f", b"\xff")


def test_an_odd_trailing_byte_is_ignored() -> None:
    assert ulaw_encode(pcm(0, 0) + b"\x01") == b"\xff\xff"


def test_transcoding_tables_agree_with_decode_then_encode() -> None:
    assert ulaw_to_alaw(ALL_CODES) == alaw_encode(ulaw_decode(ALL_CODES))
    assert alaw_to_ulaw(ALL_CODES) == ulaw_encode(alaw_decode(ALL_CODES))


def test_transcoding_keeps_silence_silent_and_loud_loud() -> None:
    assert ulaw_to_alaw(bytes([ULAW_SILENCE])) == bytes([ALAW_SILENCE])
    # A-law has no zero: its "silence" is +8, which µ-law holds exactly as 0xFE (as in the
    # reference A→µ table), one step above µ-law's zero — still silence to the ear.
    assert alaw_to_ulaw(bytes([ALAW_SILENCE])) == b"\xfe"
    assert values(ulaw_decode(alaw_to_ulaw(bytes([ALAW_SILENCE])))) == [8]
    assert ulaw_to_alaw(b"\x80\x00") == b"\xaa\x2a"


def test_transcoding_there_and_back_moves_a_level_by_at_most_one_step() -> None:
    there_and_back = values(ulaw_decode(alaw_to_ulaw(ulaw_to_alaw(ALL_CODES))))
    original = values(ulaw_decode(ALL_CODES))
    for before, after in zip(original, there_and_back, strict=True):
        assert abs(before - after) <= max(8, abs(before) // 16)


def test_transcoding_is_a_bytes_to_bytes_translation() -> None:
    frame = bytes(range(160))
    assert len(ulaw_to_alaw(frame)) == 160 and isinstance(ulaw_to_alaw(frame), bytes)
    assert ulaw_to_alaw(b"") == b""
