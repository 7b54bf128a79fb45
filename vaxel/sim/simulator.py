"""A discrete-event simulator that drives the real ACD engine in virtual time.

Callers arrive (Poisson within each interval of the day), wait, may abandon after an
exponential patience, may take a callback when the queue offers one (CB1, CB5); simulated
agents answer offers after a ring delay (or not, Q23), talk for a handle time drawn from the
scenario, and go through wrap-up. The engine decides everything about routing; the simulator
only plays the people. Time is a float that jumps from event to event, merged with the
engine's own ``next_deadline()``, so a day runs in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from vaxel.acd.commands import (
    CancelOffer,
    Command,
    ConnectContact,
    DialCallback,
    NotifyCallbackCreated,
    OfferContact,
    OverflowToNumber,
    OverflowToQueue,
    RejectBusy,
)
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import WaitEstimator
from vaxel.acd.estimators import VaxelEstimator
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
    Event,
    QueueConfigured,
)
from vaxel.core.errors import VaxelError
from vaxel.core.ids import SequentialIds
from vaxel.sim.driver import EngineDriver
from vaxel.sim.kpi import DayReport, Tally
from vaxel.sim.scenario import HandleTime, QueueTraffic, Scenario

__all__ = ["Simulator", "simulate"]

# sim event kinds
_ARRIVAL, _ANSWER, _END, _ABANDON, _TAKE_CALLBACK, _DIAL_DONE = range(6)


@dataclass(slots=True)
class _Contact:
    contact_id: str
    queue_id: str
    arrived: float
    patience_at: float | None
    answered: float | None = None
    agent_id: str = ""
    done: bool = False
    callback: bool = False


class Simulator(EngineDriver):
    """Runs one scenario once. ``estimator`` is handed to the engine (Q8)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 1,
        estimator: WaitEstimator | None = None,
        *,
        engine: Engine | None = None,
        submit: Callable[[Event, float], list[Command]] | None = None,
        id_prefix: str = "c",
    ) -> None:
        """``engine``/``submit`` let the demo drive a durable runtime instead of a bare
        engine: ``submit`` applies an event, ``engine`` answers queries."""
        self.scenario = scenario
        self.rng = random.Random(seed)
        engine = engine or Engine(
            ids=SequentialIds(),
            rng=random.Random(seed + 1),
            estimator=estimator or VaxelEstimator(),
        )
        super().__init__(scenario.tenant_id, engine, submit or engine.handle, scenario.start)
        self._id_prefix = id_prefix
        self._contacts: dict[str, _Contact] = {}
        self._pending_answers: set[tuple[str, str]] = set()
        self._plans = {plan.profile.agent_id: plan for plan in scenario.agents}
        self._traffic = {t.queue_id: t for t in scenario.traffic}
        self._wrap = {q.queue_id: q.wrap_up_s for q in scenario.queues}
        self.tally = Tally(scenario.service_target_s)

    def start(self, configure: bool = True) -> None:
        """Configure queues and agents (unless the engine has them), log agents in and
        schedule the first arrivals."""
        scenario = self.scenario
        tenant = scenario.tenant_id
        if configure:
            for queue in scenario.queues:
                self._step(QueueConfigured(queue))
            for plan in scenario.agents:
                self._step(AgentConfigured(plan.profile))
        for plan in scenario.agents:
            if self.plays(plan.profile.agent_id):  # not one a person took over already
                self._try(AgentLoggedIn(tenant, plan.profile.agent_id, plan.queue_ids))
        for traffic in scenario.traffic:
            self._schedule_arrival(traffic, scenario.start)

    def run(self) -> DayReport:
        """The whole day, then hours of draining what is still waiting or in progress."""
        self.start()
        self.advance_to(self.scenario.end + 6 * 3600)
        return self.report()

    def report(self) -> DayReport:
        return self.tally.report(self.scenario, self.now)

    # -- the people ------------------------------------------------------------------------

    def _schedule_arrival(self, traffic: QueueTraffic, after: float) -> None:
        scenario = self.scenario
        t = after
        while t < scenario.end:
            index = int((t - scenario.start) // scenario.interval_s)
            rate = traffic.per_hour[index] / 3600.0 if index < len(traffic.per_hour) else 0.0
            boundary = scenario.start + (index + 1) * scenario.interval_s
            if rate > 0:
                candidate = t + self.rng.expovariate(rate)
                if candidate < boundary:
                    self._push(candidate, _ARRIVAL, traffic)
                    return
            t = boundary  # memoryless: start afresh in the next interval

    def _dispatch(self, kind: int, data: object) -> None:
        if kind == _ARRIVAL:
            assert isinstance(data, QueueTraffic)
            self._arrive(data)
        elif kind == _ANSWER:
            key = data
            assert isinstance(key, tuple)
            if key in self._pending_answers:
                self._pending_answers.discard(key)
                self._try(AgentAnswered(self.scenario.tenant_id, key[0], key[1]))
        elif kind == _END:
            assert isinstance(data, _Contact)
            self._end(data)
        elif kind == _ABANDON:
            assert isinstance(data, _Contact)
            if (
                data.answered is None
                and not data.done
                and self._try(ContactAbandoned(self.scenario.tenant_id, data.contact_id))
            ):
                data.done = True
                self.tally.abandoned(data.queue_id, self.now - data.arrived)
        elif kind == _TAKE_CALLBACK:
            assert isinstance(data, _Contact)
            self._maybe_take_callback(data)
        elif kind == _DIAL_DONE:
            assert isinstance(data, tuple)
            self._dial_done(*data)

    def _arrive(self, traffic: QueueTraffic) -> None:
        self._schedule_arrival(traffic, self.now)
        self._seq += 1
        contact_id = f"{self._id_prefix}{self._seq}"
        patience = None
        if traffic.patience_mean_s is not None:
            patience = self.now + self.rng.expovariate(1.0 / traffic.patience_mean_s)
        contact = _Contact(contact_id, traffic.queue_id, self.now, patience)
        self._contacts[contact_id] = contact
        number = ""
        if traffic.caller_pool:
            number = f"07{self.rng.randrange(traffic.caller_pool):08d}"
        self.tally.offered(traffic.queue_id)
        self._step(
            ContactArrived(
                self.scenario.tenant_id,
                contact_id,
                traffic.queue_id,
                traffic.channel,
                caller_number=number,
            )
        )
        if contact.done or contact.answered is not None:
            return
        if patience is not None:
            self._push(patience, _ABANDON, contact)
        if traffic.callback_share > 0:
            self._push(self.now + 20.0, _TAKE_CALLBACK, contact)

    def _maybe_take_callback(self, contact: _Contact) -> None:
        if contact.done or contact.answered is not None:
            return
        tenant = self.scenario.tenant_id
        traffic = self._traffic[contact.queue_id]
        try:
            view = self.engine.waiting_view(tenant, contact.contact_id, self.now)
        except VaxelError:
            return
        if not view.callback_offer_allowed or self.rng.random() >= traffic.callback_share:
            return
        number = f"07{self.rng.randrange(10**8):08d}"
        if self._try(
            CallbackRequested(tenant, contact.queue_id, number, from_contact_id=contact.contact_id)
        ):
            contact.done = True
            self.tally.took_callback(contact.queue_id)

    def _handle_time(self, handle: HandleTime) -> float:
        if handle.kind == "fixed":
            return handle.mean_s
        if handle.kind == "lognormal":
            mu, sigma = handle.lognormal_params()
            return self.rng.lognormvariate(mu, sigma)
        return self.rng.expovariate(1.0 / handle.mean_s)

    def _end(self, contact: _Contact) -> None:
        tenant = self.scenario.tenant_id
        if contact.callback and not self.plays(contact.agent_id):
            contact.done = True  # the person who took the agent over closes it (CB10)
            return
        if contact.callback:
            self._try(
                CallbackClosed(
                    tenant,
                    contact.contact_id,
                    contact.agent_id,
                    "done",
                    "Kunden uppringd och hjälpt",
                )
            )
            self.tally.callback_done(contact.queue_id)
        else:
            self._try(ContactEnded(tenant, contact.contact_id))
        contact.done = True
        self.tally.handled(
            contact.agent_id,
            self.now - (contact.answered or self.now) + self._wrap.get(contact.queue_id, 0.0),
        )

    def _dial_done(self, contact: _Contact, answered: bool) -> None:
        tenant = self.scenario.tenant_id
        outcome = "answered" if answered else "no_answer"
        if not self._try(CallbackAttemptEnded(tenant, contact.contact_id, outcome)):
            return
        if answered:
            handle = self._handle_of(contact.queue_id)
            self._push(self.now + self._handle_time(handle), _END, contact)
        elif self.plays(contact.agent_id):
            self._try(
                CallbackClosed(
                    tenant, contact.contact_id, contact.agent_id, "unanswered", "Inget svar"
                )
            )
            self.tally.handled(contact.agent_id, 15.0 + self._wrap.get(contact.queue_id, 0.0))

    def _carry_out(self, commands: list[Command]) -> None:
        for command in commands:
            if isinstance(command, OfferContact):
                plan = self._plans.get(command.agent_id)
                if plan is None or (
                    plan.no_answer_share and self.rng.random() < plan.no_answer_share
                ):
                    continue  # the phone rings unanswered; the engine's offer timer runs out
                key = (command.agent_id, command.contact_id)
                self._pending_answers.add(key)
                self._push(self.now + plan.ring_delay_s, _ANSWER, key)
            elif isinstance(command, CancelOffer):
                self._pending_answers.discard((command.agent_id, command.contact_id))
            elif isinstance(command, ConnectContact):
                self._connected(command)
            elif isinstance(command, DialCallback):
                if command.agent_id not in self._plans:
                    continue  # a real phone dials its own callbacks
                contact = self._contacts.get(command.contact_id) or self._adopt(command)
                if contact is None:
                    continue
                contact.agent_id = command.agent_id
                contact.answered = self.now
                answered = self.rng.random() < self.scenario.callback_answer_share
                self._push(self.now + 15.0, _DIAL_DONE, (contact, answered))
            elif isinstance(command, NotifyCallbackCreated):
                self._contacts[command.contact_id] = _Contact(
                    command.contact_id, command.queue_id, self.now, None, callback=True
                )
                self.tally.callback_created(command.queue_id)
            elif isinstance(command, (OverflowToNumber, RejectBusy)):
                gone = self._contacts.get(command.contact_id)
                if gone is not None and not gone.done:
                    gone.done = True
                    self.tally.overflowed(gone.queue_id)
            elif isinstance(command, OverflowToQueue):
                moved = self._contacts.get(command.contact_id)
                if moved is not None:
                    self.tally.moved(moved.queue_id, command.to_queue_id)
                    moved.queue_id = command.to_queue_id

    def _adopt(self, command: DialCallback) -> _Contact | None:
        """A callback the simulator did not see created (before it listened, or from a
        journal it did not play): its agent dials it all the same."""
        try:
            view = self.engine.contact_view(command.tenant_id, command.contact_id)
        except VaxelError:
            return None
        contact = _Contact(command.contact_id, view.queue_id, view.arrived_at, None, callback=True)
        self._contacts[command.contact_id] = contact
        return contact

    def _handle_of(self, queue_id: str) -> HandleTime:
        """The queue's handle time; a queue without simulated traffic borrows the first's."""
        traffic = self._traffic.get(queue_id) or next(iter(self._traffic.values()))
        return traffic.handle

    def plays(self, agent_id: str) -> bool:
        """True while the simulator answers, talks and closes callbacks for ``agent_id``."""
        return agent_id in self._plans

    def release_agent(self, agent_id: str) -> None:
        """A person took over ``agent_id`` (their phone registered, or they signed in on the
        web): stop deciding for them.

        Their offers are then answered by them, and a callback they hold is closed by them;
        the simulated caller or customer may still hang up.
        """
        self._plans.pop(agent_id, None)
        self._pending_answers = {k for k in self._pending_answers if k[0] != agent_id}

    def _connected(self, command: ConnectContact) -> None:
        human = command.agent_id not in self._plans
        contact = self._contacts.get(command.contact_id)
        if human:  # a person answered on a real phone: they end the conversation
            if contact is not None and contact.answered is None:
                contact.answered = self.now
                contact.agent_id = command.agent_id
                self.tally.answered(contact.queue_id, self.now - contact.arrived)
            return
        if contact is None:  # a real caller (over SIP) reached a simulated agent
            queue_id = command.queue_id
            contact = _Contact(command.contact_id, queue_id, self.now, None)
            self._contacts[command.contact_id] = contact
        contact.agent_id = command.agent_id
        if contact.callback:
            contact.answered = self.now
            return  # talk starts when the customer answers the dial-out (CB9)
        contact.answered = self.now
        self.tally.answered(contact.queue_id, self.now - contact.arrived)
        self._push(self.now + self._handle_time(self._handle_of(contact.queue_id)), _END, contact)


def simulate(scenario: Scenario, seed: int = 1) -> DayReport:
    """Run ``scenario`` once with ``seed`` and return its KPIs."""
    return Simulator(scenario, seed).run()
