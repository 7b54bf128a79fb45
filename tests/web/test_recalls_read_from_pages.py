"""The console's recall lines are read from a page's worker thread while telephony's loop
adds and ends calls (issue 16 §3, OP3; issue 10 §10): the reader takes a copy of the
switch's calls first, so a call arriving mid-read no longer fails the live part with
"dictionary changed size during iteration" (the fault engine_views.py cured for the ACD).

The arrival is made to happen exactly between two calls of the read (a call whose machine,
when read, makes the switch take a new call), as the loop's thread may at any bytecode."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from vaxel.app.console_calls import recalls_of


class ArrivalMidRead:
    """A call with no recall: reading its machine lets the 'loop' add another call."""

    tenant_id = "t1"

    def __init__(self, calls: dict[str, Any]) -> None:
        self._calls = calls

    @property
    def machine(self) -> Any:
        self._calls[f"new-{len(self._calls)}"] = SimpleNamespace(
            tenant_id="t1", machine=SimpleNamespace(recall_note=None, state=None)
        )
        return SimpleNamespace(recall_note=None, state=None)


def test_a_call_arriving_while_the_page_reads_the_recalls_fails_nothing() -> None:
    calls: dict[str, Any] = {}
    calls["c1"] = ArrivalMidRead(calls)
    calls["c2"] = ArrivalMidRead(calls)
    switch = SimpleNamespace(
        calls=calls, clock=lambda: 100.0, actions=SimpleNamespace(recall_hooks=[])
    )
    directory = SimpleNamespace(
        extension_of_agent=lambda tenant_id, agent_id: SimpleNamespace(extension="1011")
    )
    telephony = SimpleNamespace(switch=switch, directory=directory)
    recalls = recalls_of(telephony, lambda tenant_id: None)  # type: ignore[arg-type]
    assert recalls("t1", "agent-kristina") == []  # read on, not RuntimeError
    assert len(calls) == 4  # the calls did arrive meanwhile
