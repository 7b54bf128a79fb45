"""The engine's state in a form two engines can be compared by (issue 10 §13 tests)."""

from __future__ import annotations

import json
import zlib
from typing import Any

from vaxel.acd.engine import Engine
from vaxel.acd.snapshot import encode_state

__all__ = ["comparable_state"]


def comparable_state(engine: Engine) -> dict[str, Any]:
    """Everything a snapshot holds, with the deadline heap reduced to its live entries in
    order: ``next_deadline()`` — a query — drops stale entries at the top, so a running
    engine that was asked and one replayed without being asked hold different stale
    entries, though they fire exactly the same timers."""
    data: dict[str, Any] = json.loads(zlib.decompress(encode_state(engine)))
    data["deadlines"] = sorted(
        entry
        for entry in data["deadlines"]
        if engine._timer_valid(tuple(entry))  # type: ignore[arg-type]
    )
    return data
