"""Test helper: speak a prompt sequence as text, so cases read like what the caller hears."""

from __future__ import annotations

from collections.abc import Sequence

from vaxel.speech import catalogue


def say(sequence: Sequence[str], language: str = "sv") -> str:
    """The catalogue texts of ``sequence`` joined by spaces; a pause shows as ``|``."""
    texts = catalogue(language)
    return " ".join(texts[pid] or "|" for pid in sequence)
