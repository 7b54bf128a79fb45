"""Which units of the directory a department-limited operator console shows (OP9, issue
16): the account's own limit (``/admin/telefonister``) combined with the departments of the
operator queues she is logged in to. Pure: the caller reads the limits, her queues and the
unit tree.

The rule, as a switchboard supervisor expects it:

- Her queues limit her only when **every** queue she is logged in to names departments:
  then the console serves the union of them. Logged in to no queue, or to any queue that
  serves the whole directory (no departments named): the queues do not limit her.
- Her account's limit, when set, is the outer bound the queues may only narrow: she sees
  the units that lie within both (a queue's Bygglov inside her account's Samhällsbyggnad
  gives Bygglov; her account's Bygglov inside a queue's Samhällsbyggnad stays Bygglov). A
  queue outside her account's units never widens it, nor empties her console: her account's
  limit stands.

A unit always includes the units beneath it (the search's ``units_below``). ``()`` is the
whole directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["console_units", "within"]


def within(unit_id: str, ancestor: str, parent_of: Mapping[str, str | None]) -> bool:
    """``unit_id`` is ``ancestor`` or lies beneath it (a cycle in the tree ends the walk)."""
    seen: set[str] = set()
    at: str | None = unit_id
    while at is not None and at not in seen:
        if at == ancestor:
            return True
        seen.add(at)
        at = parent_of.get(at)
    return False


def console_units(
    account: Sequence[str],
    queue_units: Mapping[str, Sequence[str]],
    logged_in: Iterable[str],
    parent_of: Mapping[str, str | None],
) -> tuple[str, ...]:
    """The units her console shows, sorted; ``()`` for the whole directory (module doc).

    ``account``: her account's units; ``queue_units``: queue id → the departments it serves
    (a queue absent or with none serves all); ``logged_in``: the queues she is logged in
    to; ``parent_of``: unit id → its parent's id (None at the top)."""
    queues = tuple(logged_in)
    if not queues or not all(queue_units.get(q) for q in queues):
        return tuple(sorted(set(account)))
    served = {u for q in queues for u in queue_units[q]}
    if not account:
        return tuple(sorted(served))
    narrowed = {a for a in account if any(within(a, s, parent_of) for s in served)} | {
        s for s in served if any(within(s, a, parent_of) for a in account)
    }
    return tuple(sorted(narrowed or set(account)))
