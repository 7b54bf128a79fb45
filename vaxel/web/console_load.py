"""Queue load on the operator console (OP8, issue 16 §6): every queue of the tenant — the
agent queues, not only her operator queues — with the callers waiting, the longest wait
and the agents free, so she can tell a caller "it is busy at Bygglov right now".

The figures are the wallboard's (``ContactCenter.tenant_board``, vaxel/acd/boards.py):
picked from the board the console already builds, never counted a second way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["queue_load"]


def queue_load(board: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The board's queues as the console's load panel shows them: name, whether open,
    waiting, longest wait (s) and agents free (ready), busiest first then by name."""
    rows = [
        {
            "id": str(queue["id"]),
            "name": str(queue["name"]),
            "open": bool(queue.get("open", True)),
            "waiting": int(queue.get("waiting", 0)),
            "longest_wait_s": int(queue.get("longest_wait_s", 0)),
            "free": int(queue.get("ready", 0)),
        }
        for queue in board.get("queues", [])
    ]
    return sorted(rows, key=lambda row: (-row["waiting"], row["name"]))
