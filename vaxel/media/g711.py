"""G.711 µ-law and A-law (ITU-T G.711) between 16-bit PCM and 8-bit codes.

Decoding is a 256-entry table; encoding a 65,536-entry table built on first use. PCMU↔PCMA
transcoding is a ``bytes.translate`` table, so a bridge between legs that chose different
codecs costs one C call per packet.
"""

from __future__ import annotations

import array
from functools import cache

__all__ = [
    "ALAW_SILENCE",
    "ULAW_SILENCE",
    "alaw_decode",
    "alaw_encode",
    "alaw_to_ulaw",
    "ulaw_decode",
    "ulaw_encode",
    "ulaw_to_alaw",
]

ULAW_SILENCE = 0xFF
ALAW_SILENCE = 0xD5


def _ulaw_code(sample: int) -> int:
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    magnitude = min(-sample if sample < 0 else sample, clip) + bias
    exponent = max(0, magnitude.bit_length() - 8)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def _ulaw_value(code: int) -> int:
    code = ~code & 0xFF
    sign, exponent, mantissa = code & 0x80, (code >> 4) & 0x07, code & 0x0F
    magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -magnitude if sign else magnitude


def _alaw_code(sample: int) -> int:
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(sample if sample >= 0 else -sample - 1, 32767) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55


def _alaw_value(code: int) -> int:
    code ^= 0x55
    exponent, mantissa = (code >> 4) & 0x07, code & 0x0F
    magnitude = (
        ((mantissa << 4) + 8) if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    )
    return magnitude if code & 0x80 else -magnitude


@cache
def _decode_table(law: str) -> tuple[int, ...]:
    value = _ulaw_value if law == "u" else _alaw_value
    return tuple(value(code) for code in range(256))


@cache
def _encode_table(law: str) -> bytes:
    code = _ulaw_code if law == "u" else _alaw_code
    return bytes(code(sample - 32768) for sample in range(65536))


def _encode(pcm16: bytes, law: str) -> bytes:
    table = _encode_table(law)
    samples = array.array("h", pcm16[: len(pcm16) // 2 * 2])
    return bytes(table[s + 32768] for s in samples)


def _decode(codes: bytes, law: str) -> bytes:
    table = _decode_table(law)
    return array.array("h", [table[c] for c in codes]).tobytes()


def ulaw_encode(pcm16: bytes) -> bytes:
    """16-bit native-endian PCM → µ-law codes."""
    return _encode(pcm16, "u")


def ulaw_decode(codes: bytes) -> bytes:
    return _decode(codes, "u")


def alaw_encode(pcm16: bytes) -> bytes:
    return _encode(pcm16, "a")


def alaw_decode(codes: bytes) -> bytes:
    return _decode(codes, "a")


@cache
def _transcode_table(source: str) -> bytes:
    if source == "u":
        return bytes(_alaw_code(_ulaw_value(c)) for c in range(256))
    return bytes(_ulaw_code(_alaw_value(c)) for c in range(256))


def ulaw_to_alaw(codes: bytes) -> bytes:
    return codes.translate(_transcode_table("u"))


def alaw_to_ulaw(codes: bytes) -> bytes:
    return codes.translate(_transcode_table("a"))
