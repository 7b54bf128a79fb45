"""What the operator console shows (issue 16 §1–§2, OP1, OP2, Q21, Q28), built from the
engine's views: pure functions, so the console's rules are tested without a browser.

- The operator queues are the queues her agent profile may log in to, each with its
  waiting calls, the current longest wait and who else is logged in (Q21).
- The waiting calls of the queues she is logged in to, longest wait first (Q28: she may
  take any of them; the engine refuses one already offered or taken).
- The call in hand: the caller's number and, when the directory knows the number, who it
  is; the queue and the wait; how long she has had it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

__all__ = ["CallerLookup", "console_view", "same_number", "who_is"]

CallerLookup = Callable[[str], "Mapping[str, str] | None"]
"""The directory person a caller's number belongs to ({"name", "unit"}), or None."""

_NOT_DIGITS = re.compile(r"[^\d+]")
T = TypeVar("T")


def same_number(a: str, b: str, country_code: str = "46") -> bool:
    """Whether two numbers as written are one: '070-123 45 67', '0701234567' and
    '+46701234567' are; an extension is compared by its digits."""

    def canonical(text: str) -> str:
        digits = _NOT_DIGITS.sub("", text)
        if digits.startswith("00"):
            return "+" + digits[2:]
        if digits.startswith("0"):
            return f"+{country_code}{digits[1:]}"
        return digits

    left, right = canonical(a), canonical(b)
    return bool(left) and left == right


def who_is(number: str, people: Sequence[tuple[T, Sequence[str]]]) -> T | None:
    """The first of ``people`` (each with its numbers) who has ``number``; None when
    nobody does (an unknown or hidden caller is shown by number only)."""
    if not number.strip():
        return None
    for person, numbers in people:
        if any(same_number(number, own) for own in numbers):
            return person
    return None


def console_view(
    panel: Mapping[str, Any],
    board: Mapping[str, Any],
    operator_id: str,
    lookup: CallerLookup,
) -> dict[str, Any]:
    """The console's live part for ``operator_id``: her state, her queues (with the
    board's waiting, longest wait and who is logged in), the waiting calls and the call
    in hand. ``panel`` is the engine's agent panel, ``board`` the tenant board."""
    if not panel.get("known"):
        return {"known": False, "queues": [], "waiting": [], "call": None, "state": ""}
    on_board = {str(q["id"]): q for q in board.get("queues", [])}
    agents = {str(a["id"]): a for a in board.get("agents", [])}
    names = {agent_id: str(a.get("name") or agent_id) for agent_id, a in agents.items()}
    queues = []
    for queue in panel.get("queues", []):
        row = on_board.get(str(queue["id"]), {})
        others = sorted(
            names[a]
            for a, agent in agents.items()
            if a != operator_id and queue["id"] in agent.get("queues", ())
        )
        queues.append(
            {
                "id": queue["id"],
                "name": queue["name"],
                "in": bool(queue["in"]),
                "open": bool(row.get("open", True)),
                "waiting": int(row.get("waiting", 0)),
                "longest_wait_s": int(row.get("longest_wait_s", 0)),
                "others": others,
            }
        )
    me = agents.get(operator_id, {})
    call = None
    contact = panel.get("contact")
    if contact:
        caller = str(contact.get("caller_number") or "")
        call = {
            "id": contact["id"],
            "queue": contact["queue"],
            "state": contact["state"],
            "caller_number": caller,
            "caller": lookup(caller) if caller else None,
            "waited_s": int(contact.get("waited_s", 0)),
            "in_hand_s": int(me.get("in_state_s", 0)),
            "dialled_number": str(contact.get("dialled_number") or ""),
        }
    return {
        "known": True,
        "state": str(panel.get("state", "")),
        "pause_reason": str(panel.get("pause_reason") or ""),
        "queues": queues,
        "waiting": list(panel.get("waiting", [])),
        "call": call,
    }
