"""The ACD engine: events and ``now`` in, commands out, next deadline exposed (sans-I/O).

Rules:
- Every event is validated completely before anything changes, so a rejected event
  (typed error from ``vaxel.core.errors``) leaves the state exactly as it was.
- Timers fire only through ``handle(TimerTick(), now)``, so the journal of input events is
  complete; the same ``(event, now)`` sequence into a fresh engine with the same seed gives the
  same commands and ids (determinism: insertion-ordered dicts, stable tie-break keys).
- Tenants never mix: each tenant has its own queues, agents and contacts (DESIGN.md tenancy).
- Hot path is indexed: per-queue sorted waiting lists, per-queue ready-agent maps, a deadline
  heap with lazy cancellation (tokens). Only queries (positions, views) scan.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, insort
from collections.abc import Callable
from datetime import datetime
from typing import Any

from vaxel.acd import agents as agent_steps
from vaxel.acd import contacts as contact_steps
from vaxel.acd import dispatch, overflow, queries, queue_steps, requeue
from vaxel.acd.commands import Command
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentDeclined,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    AgentRemoved,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallbackRequeued,
    CallerDataEntered,
    ContactAbandoned,
    ContactArrived,
    ContactClassified,
    ContactEnded,
    ContactPicked,
    ContactRequeued,
    ContactTakenBack,
    Event,
    OfferPickedUp,
    QueueClosed,
    QueueConfigured,
    QueueOpened,
    QueueRemoved,
    TimerTick,
    WrapUpCancelled,
)
from vaxel.acd.routing import RandomSource
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec
from vaxel.acd.views import AgentView, CallbackView, ContactView, QueueStatus, WaitingView
from vaxel.core.clock import from_local, to_local
from vaxel.core.errors import UnknownAgent, UnknownContact, UnknownQueue, UnknownTenant
from vaxel.core.ids import IdFactory

__all__ = ["Engine", "Timer"]

Handler = Callable[["Engine", TenantRec, Any, float, list[Command]], None]


class Timer:
    """Timer kinds in the deadline heap (plain strings keep heap entries comparable)."""

    OFFER = "offer"
    WRAP = "wrap"
    MAX_WAIT = "max_wait"
    PRIVATE = "private"
    CALLBACK_DUE = "callback_due"
    THRESHOLD = "threshold"


class Engine:
    """Automatic contact distribution for all tenants of one process.

    ``ids`` names callback contacts the engine creates; ``rng`` serves the RANDOM strategy;
    ``estimator`` (optional) learns from what happens and estimates waits (Q8).
    """

    def __init__(
        self, *, ids: IdFactory, rng: RandomSource, estimator: WaitEstimator | None = None
    ) -> None:
        self.ids = ids
        self.rng = rng
        self.estimator = estimator
        self.tenants: dict[str, TenantRec] = {}
        self._deadlines: list[tuple[float, int, str, str, str, int]] = []
        self._timer_seq = 0
        self.contact_seq = 0
        self._day: tuple[float, float, int] = (0.0, -1.0, -1)
        self._handlers: dict[type, Handler] = {
            QueueConfigured: queue_steps.queue_configured,
            QueueRemoved: queue_steps.queue_removed,
            QueueOpened: queue_steps.queue_opened,
            QueueClosed: queue_steps.queue_closed,
            ContactArrived: contact_steps.contact_arrived,
            CallerDataEntered: contact_steps.caller_data_entered,
            ContactAbandoned: contact_steps.contact_abandoned,
            ContactEnded: contact_steps.contact_ended,
            ContactClassified: contact_steps.contact_classified,
            CallbackRequested: contact_steps.callback_requested,
            CallbackAttemptEnded: contact_steps.callback_attempt_ended,
            CallbackClosed: contact_steps.callback_closed,
            CallbackRequeued: contact_steps.callback_requeued,
            ContactRequeued: requeue.contact_requeued,
            ContactTakenBack: requeue.contact_taken_back,
            AgentConfigured: agent_steps.agent_configured,
            AgentRemoved: agent_steps.agent_removed,
            AgentLoggedIn: agent_steps.agent_logged_in,
            AgentLoggedOut: agent_steps.agent_logged_out,
            AgentReady: agent_steps.agent_ready,
            AgentPaused: agent_steps.agent_paused,
            AgentAnswered: agent_steps.agent_answered,
            AgentDeclined: agent_steps.agent_declined,
            WrapUpCancelled: agent_steps.wrap_up_cancelled,
            ContactPicked: agent_steps.contact_picked,
            OfferPickedUp: agent_steps.offer_picked_up,
        }

    # -- the step -----------------------------------------------------------------------

    def handle(self, event: Event, now: float) -> list[Command]:
        """Apply one event at ``now``; return the commands to carry out, in order."""
        out: list[Command] = []
        if isinstance(event, TimerTick):
            self._fire_timers(now, out)
            return out
        handler = self._handlers.get(type(event))
        if handler is None:
            raise TypeError(f"not an ACD event: {event!r}")
        if (
            isinstance(event, (QueueConfigured, AgentConfigured))
            and event.tenant_id not in self.tenants
        ):
            # A tenant comes into existence with its first valid config, not before.
            tenant = TenantRec(event.tenant_id)
            handler(self, tenant, event, now, out)
            self.tenants[event.tenant_id] = tenant
            return out
        handler(self, self.tenant(event.tenant_id), event, now, out)
        return out

    def next_deadline(self) -> float | None:
        """The earliest time a ``TimerTick`` has work to do, or None."""
        heap = self._deadlines
        while heap and not self._timer_valid(heap[0]):
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    # -- queries (pure) -----------------------------------------------------------------

    def queue_status(self, tenant_id: str, queue_id: str, now: float) -> QueueStatus:
        tenant = self.tenant(tenant_id)
        return queries.queue_status(tenant, self.queue(tenant, queue_id), now)

    def waiting_view(self, tenant_id: str, contact_id: str, now: float) -> WaitingView:
        tenant = self.tenant(tenant_id)
        return queries.waiting_view(tenant, self.contact(tenant, contact_id), now, self.estimator)

    def agent_view(self, tenant_id: str, agent_id: str, now: float | None = None) -> AgentView:
        agent = self.agent(self.tenant(tenant_id), agent_id)
        return queries.agent_view(agent, self.today_of, now)

    def contact_view(self, tenant_id: str, contact_id: str) -> ContactView:
        tenant = self.tenant(tenant_id)
        return queries.contact_view(self.contact(tenant, contact_id))

    def callback_list(
        self, tenant_id: str, queue_ids: tuple[str, ...] | None = None
    ) -> list[CallbackView]:
        tenant = self.tenant(tenant_id)
        for queue_id in queue_ids or ():
            self.queue(tenant, queue_id)
        return queries.callback_list(tenant, queue_ids)

    def callback_row(self, tenant_id: str, contact_id: str) -> CallbackView | None:
        """One callback's CB8 row, or None: O(1), for read models kept in step per event."""
        contact = self.tenant(tenant_id).callbacks.get(contact_id)
        return None if contact is None else queries.callback_view(self.tenant(tenant_id), contact)

    # -- lookups (raise the typed errors) ----------------------------------------------

    def tenant(self, tenant_id: str) -> TenantRec:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        return tenant

    @staticmethod
    def queue(tenant: TenantRec, queue_id: str) -> QueueRec:
        queue = tenant.queues.get(queue_id)
        if queue is None:
            raise UnknownQueue(queue_id, tenant.tenant_id)
        return queue

    @staticmethod
    def agent(tenant: TenantRec, agent_id: str) -> AgentRec:
        agent = tenant.agents.get(agent_id)
        if agent is None:
            raise UnknownAgent(agent_id, tenant.tenant_id)
        return agent

    @staticmethod
    def contact(tenant: TenantRec, contact_id: str) -> ContactRec:
        contact = tenant.contacts.get(contact_id)
        if contact is None:
            raise UnknownContact(contact_id, tenant.tenant_id)
        return contact

    # -- time helpers used by the step modules ------------------------------------------

    def today_of(self, now: float) -> int:
        """The Stockholm calendar day of ``now`` as an ordinal, cached per day (Q14)."""
        start, end, ordinal = self._day
        if start <= now < end:
            return ordinal
        local = to_local(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        ordinal = midnight.toordinal()
        day_start = from_local(midnight)
        day_end = from_local(datetime.fromordinal(ordinal + 1))
        self._day = (day_start, day_end, ordinal)
        return ordinal

    def schedule(self, when: float, kind: str, tenant_id: str, ref: str, token: int) -> None:
        self._timer_seq += 1
        heapq.heappush(self._deadlines, (when, self._timer_seq, kind, tenant_id, ref, token))

    def timer_state(self) -> tuple[list[tuple[float, int, str, str, str, int]], int]:
        """The deadline heap as it is (stale entries included) and the timer counter, for
        :mod:`vaxel.acd.snapshot`: a restored engine must fire exactly what this one would."""
        return list(self._deadlines), self._timer_seq

    def restore_timers(
        self, deadlines: list[tuple[float, int, str, str, str, int]], timer_seq: int
    ) -> None:
        """Put back what :meth:`timer_state` gave (a snapshot being restored)."""
        self._deadlines = list(deadlines)
        heapq.heapify(self._deadlines)
        self._timer_seq = timer_seq

    def next_contact_seq(self) -> int:
        self.contact_seq += 1
        return self.contact_seq

    # -- waiting-list index --------------------------------------------------------------

    @staticmethod
    def insert_waiting(queue: QueueRec, contact: ContactRec, now: float) -> None:
        contact.entered_at = now
        contact.entry_seq += 1
        bucket = queue.buckets.setdefault(contact.requirement, [])
        insort(bucket, (*contact.key, contact.contact_id))
        queue.entries[contact.contact_id] = now

    @staticmethod
    def remove_waiting(queue: QueueRec, contact: ContactRec) -> None:
        if queue.entries.pop(contact.contact_id, None) is None:
            return
        requirement = contact.requirement
        bucket = queue.buckets[requirement]
        item = (*contact.key, contact.contact_id)
        index = bisect_left(bucket, item)
        if index < len(bucket) and bucket[index] == item:
            del bucket[index]
        if not bucket:
            del queue.buckets[requirement]

    # -- timers --------------------------------------------------------------------------

    def _timer_valid(self, entry: tuple[float, int, str, str, str, int]) -> bool:
        _, _, kind, tenant_id, ref, token = entry
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            return False
        if kind == Timer.WRAP:
            agent = tenant.agents.get(ref)
            return agent is not None and agent.state_seq == token
        if kind == Timer.THRESHOLD:
            queue = tenant.queues.get(ref)
            return queue is not None and bool(queue.entries)
        contact = tenant.contacts.get(ref)
        if contact is None:
            return False
        if kind == Timer.OFFER:
            return contact.offer_seq == token and bool(contact.offered_to)
        return contact.entry_seq == token

    def _fire_timers(self, now: float, out: list[Command]) -> None:
        heap = self._deadlines
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if not self._timer_valid(entry):
                continue
            _, _, kind, tenant_id, ref, _ = entry
            tenant = self.tenants[tenant_id]
            if kind == Timer.WRAP:
                dispatch.wrap_up_ended(self, tenant, tenant.agents[ref], now, out)
            elif kind == Timer.THRESHOLD:
                queue = tenant.queues[ref]
                queue.threshold_timer_at = -1.0
                overflow.check_queue(self, tenant, queue, now, out)
            elif kind == Timer.OFFER:
                dispatch.offer_timed_out(self, tenant, tenant.contacts[ref], now, out)
            else:
                overflow.contact_timer(self, tenant, tenant.contacts[ref], kind, now, out)
