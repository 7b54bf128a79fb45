"""The browser phone speaks the page's language (issue 15, ADM5): every sentence the media
side (``vaxel.webrtc``, which knows no language) can tell the page is one the web words
again — why a call ended, a refused transfer or dial, with the number or SIP status it
names — and a sentence it does not know passes unchanged."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import Any

import pytest

from vaxel.web.i18n import use_language
from vaxel.web.softphone import ADAPTER_ERRORS, _worded
from vaxel.web.softphone_wording import SENTENCES, in_language

WEBRTC = Path(__file__).resolve().parents[2] / "vaxel" / "webrtc"


def _sentences_of_the_media_side() -> set[str]:
    """Every plain string in vaxel/webrtc that reads as a sentence for a person."""
    found: set[str] = set()
    for path in WEBRTC.glob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {  # a bare string statement: a docstring, of a module, class or name
            id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value[:1].isupper()
                and node.value.endswith((".", ")"))
                and " " in node.value
                and "%" not in node.value
            ):
                found.add(node.value)
    return found


def test_every_sentence_the_media_side_can_say_is_worded_by_the_web() -> None:
    said = _sentences_of_the_media_side()
    assert len(said) > 20, "the scan finds the media side's sentences"
    by_code = set(ADAPTER_ERRORS.values())
    missing = sorted(s for s in said if s not in SENTENCES and s not in by_code)
    assert missing == []


@pytest.fixture
def english() -> Any:
    use_language("en")
    yield
    use_language("sv")


def test_the_facts_go_back_into_the_english_sentence(english: None) -> None:
    assert in_language("Du lade på.", {}) == "You hung up."
    transferred = in_language("Samtalet kopplades till 4504.", {"number": "4504"})
    assert transferred == "The call was transferred to 4504."
    unknown_error = in_language("Samtalet kunde inte kopplas fram (fel 599).", {"status": 599})
    assert unknown_error == "The call could not be connected (error 599)."
    assert in_language("Upptaget.", {"status": 486}) == "Busy."
    assert in_language("Något helt annat.", {"number": "1"}) == "Något helt annat."


def test_the_socket_words_ended_reasons_and_refusals_in_english(english: None) -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    worded = _worded(send)
    asyncio.run(worded({"type": "ended", "call": "c1", "reason": "Den som ringde lade på."}))
    refusal = "Numret 4999 finns inte."
    asyncio.run(worded({"type": "error", "message": refusal, "number": "4999"}))
    asyncio.run(worded({"type": "connected", "call": "c1"}))
    assert sent == [
        {"type": "ended", "call": "c1", "reason": "The caller hung up."},
        {"type": "error", "message": "The number 4999 does not exist.", "number": "4999"},
        {"type": "connected", "call": "c1"},
    ]


def test_in_swedish_nothing_changes() -> None:
    use_language("sv")
    assert in_language("Samtalet kopplades till 4504.", {"number": "4504"}) == (
        "Samtalet kopplades till 4504."
    )
