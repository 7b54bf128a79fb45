"""SIP transactions (RFC 3261 §17, with RFC 6026's Accepted states), sans-I/O.

Rules kept here:
- Four machines: client/server × INVITE/non-INVITE. States are Enums; each transaction is a
  small object and the layer owns one heap of deadlines (lazy deletion by generation).
- Over unreliable transports requests and final responses are retransmitted: timer A/E from
  T1 doubling (E capped at T2, and at T2 at once after a provisional), G from T1 capped at T2.
  Over TCP nothing is retransmitted and the wait timers D, I, J, K are zero (§17.1.1.2…).
- Timeouts: B/F = 64·T1 → the TU is told (it answers itself with 408); H = 64·T1 without ACK.
- The client INVITE transaction ACKs non-2xx finals itself (§17.1.1.3); ACK for 2xx is the
  TU's, and 2xx retransmissions reach it while the transaction is Accepted (RFC 6026 §7.2).
- The server INVITE transaction sends 100 Trying as soon as the INVITE arrives (§17.2.1
  allows sending it at once; doing so stops the client's timer A early). After a 2xx it is
  Accepted for 64·T1: retransmitted INVITEs are absorbed, ACKs go to the TU.
- CANCEL is answered here (§9.2): 200 when it matches an INVITE server transaction, else
  481; the TU is told the INVITE to answer with 487 only while that has no final response
  (a CANCEL after the final one is answered 200 and cancels nothing).
- Requests are matched by (branch, sent-by, method) with ACK matched to its INVITE
  (§17.2.3); a branch without the z9hG4bK cookie is an RFC 2543 peer's, not unique, so its
  key is made of Request-URI, From tag, Call-ID, CSeq number and top Via instead (the To
  tag is left out: the ACK's differs from its INVITE's). Responses by (branch, CSeq method)
  (§17.1.3); a 2xx to an INVITE no transaction matches goes to the TU, which must ACK it
  (§18.1.2, §13.2.2.4); other stray responses are dropped. Each received request's top Via is
  stamped with ``received``/``rport`` (§18.2.1, RFC 3581) and responses go back there (§18.2.2).
Each message is serialized once; retransmissions reuse the bytes.
The events it hands out are in ``transaction_events``; what it reads from and writes into
messages (Via stamping, reply address, RFC 2543 keys, the non-2xx ACK) in
``transaction_messages``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from enum import Enum

from vaxel.core.errors import IllegalTransition
from vaxel.sip.message import Request, Response, response_to
from vaxel.sip.transaction_events import (
    AckReceived,
    Address,
    CancelReceived,
    ClientKey,
    Event,
    RequestReceived,
    ResponseReceived,
    ServerKey,
    TransactionTimeout,
    Transmit,
)
from vaxel.sip.transaction_messages import ack_for, reply_destination, request_branch, stamp_via

__all__ = [
    "AckReceived",
    "Address",
    "CancelReceived",
    "ClientKey",
    "Event",
    "RequestReceived",
    "ResponseReceived",
    "ServerKey",
    "TransactionLayer",
    "TransactionTimeout",
    "Transmit",
    "reply_destination",
]


class State(Enum):
    CALLING = "calling"
    TRYING = "trying"
    PROCEEDING = "proceeding"
    COMPLETED = "completed"
    CONFIRMED = "confirmed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


@dataclass(slots=True)
class _Server:
    """A server transaction keeps no parsed request: the TU got it in RequestReceived, and
    what the transaction still needs (key, reply address, last response's bytes) is small.
    At 1,000 calls/s some 64,000 INVITE and BYE transactions wait out timers L and J, so a
    kept request (about 40 objects) would put millions of objects in every full collection."""

    key: ServerKey
    transport: str
    destination: Address
    state: State
    last_response: bytes = b""
    interval: float = 0.0
    generation: int = 0
    deadlines: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _Client:
    key: ClientKey
    request: Request
    data: bytes
    destination: Address
    transport: str
    state: State
    interval: float = 0.0
    ack: bytes = b""
    generation: int = 0
    deadlines: dict[str, float] = field(default_factory=dict)


class TransactionLayer:
    """All transactions of one user agent: messages and time in, events out."""

    def __init__(self, *, t1: float = 0.5, t2: float = 4.0, t4: float = 5.0) -> None:
        self.t1, self.t2, self.t4 = t1, t2, t4
        self._servers: dict[ServerKey, _Server] = {}
        self._clients: dict[ClientKey, _Client] = {}
        self._heap: list[tuple[float, int, str, str, tuple[str, ...], int]] = []
        self._sequence = 0

    # -- incoming ---------------------------------------------------------------------------

    def receive(
        self, message: Request | Response, source: Address, transport: str, now: float
    ) -> list[Event]:
        if isinstance(message, Response):
            return self._receive_response(message, now)
        stamp_via(message, source)
        via = message.top_via
        sent_by = via.split(";", 1)[0].split()[-1] if via.split() else ""
        branch = request_branch(message)
        method = message.method
        if method == "ACK":
            server = self._servers.get((branch, sent_by, "INVITE"))
            if server is not None and server.state is State.COMPLETED:
                server.state = State.CONFIRMED
                server.deadlines = {"I": now + (self.t4 if transport == "udp" else 0.0)}
                self._rearm(server)
                return []
            if server is not None and server.state is State.CONFIRMED:
                return []
            return [AckReceived(message, source, transport)]
        key = (branch, sent_by, method)
        existing = self._servers.get(key)
        if existing is not None:
            if existing.last_response and existing.state is not State.ACCEPTED:
                return [Transmit(existing.last_response, existing.destination, transport)]
            return []  # a retransmission while the TU is still thinking (or Accepted)
        destination = reply_destination(message.top_via, source, transport)
        server = _Server(key, transport, destination, State.TRYING)
        self._servers[key] = server
        if method == "INVITE":
            server.state = State.PROCEEDING
            trying = response_to(message, 100, "Trying")
            server.last_response = trying.to_bytes()
            return [
                Transmit(server.last_response, destination, transport),
                RequestReceived(message, key, source, transport),
            ]
        if method == "CANCEL":
            invite = self._servers.get((branch, sent_by, "INVITE"))
            status, reason = (
                (200, "OK") if invite is not None else (481, "Call/Transaction Does Not Exist")
            )
            effects: list[Event] = list(
                self.send_response(key, response_to(message, status, reason), now)
            )
            pending = invite is not None and invite.state is State.PROCEEDING
            effects.append(
                CancelReceived(message, invite.key if pending and invite else None, source)
            )
            return effects
        return [RequestReceived(message, key, source, transport)]

    def _receive_response(self, response: Response, now: float) -> list[Event]:
        key = (response.branch, response.cseq[1])
        client = self._clients.get(key)
        if client is None:  # §18.1.2: only a 2xx to an INVITE means anything to the TU
            return [ResponseReceived(response, key)] if _late_invite_2xx(response) else []
        status = response.status
        if client.state is State.ACCEPTED:
            return [ResponseReceived(response, key)] if 200 <= status < 300 else []
        if client.state in (State.COMPLETED, State.TERMINATED):
            if client.ack and status >= 300:
                return [Transmit(client.ack, client.destination, client.transport)]
            return []
        invite = key[1] == "INVITE"
        if status < 200:
            if client.state in (State.CALLING, State.TRYING):
                client.state = State.PROCEEDING
                client.deadlines.pop("A", None)
                # Timer B guards Calling only (§17.1.1.2): a phone may ring as long as it likes;
                # the TU ends it with CANCEL (the ACD's offer timeout, the callback's limit).
                client.deadlines.pop("B", None)
                if "E" in client.deadlines:
                    client.interval = self.t2
                    client.deadlines["E"] = now + self.t2
                self._rearm(client)
            return [ResponseReceived(response, key)]
        if invite and status < 300:
            client.state = State.ACCEPTED
            client.deadlines = {"M": now + 64 * self.t1}
            self._rearm(client)
            return [ResponseReceived(response, key)]
        client.state = State.COMPLETED
        events: list[Event] = [ResponseReceived(response, key)]
        if invite:
            client.ack = ack_for(client.request, response).to_bytes()
            events.insert(0, Transmit(client.ack, client.destination, client.transport))
            wait = 32.0 if client.transport == "udp" else 0.0
        else:
            wait = self.t4 if client.transport == "udp" else 0.0
        client.deadlines = {"D" if invite else "K": now + wait}
        self._rearm(client)
        return events

    # -- outgoing ---------------------------------------------------------------------------

    def send_request(
        self, request: Request, destination: Address, transport: str, now: float
    ) -> tuple[ClientKey, list[Event]]:
        branch = request.branch
        if not branch.startswith("z9hG4bK"):
            raise ValueError("the top Via needs a branch starting with z9hG4bK (RFC 3261 §8.1.1.7)")
        key = (branch, request.method)
        if request.method == "ACK":
            raise ValueError("ACK for a 2xx is sent by the TU directly, not in a transaction")
        data = request.to_bytes()
        invite = request.method == "INVITE"
        client = _Client(
            key, request, data, destination, transport, State.CALLING if invite else State.TRYING
        )
        self._clients[key] = client
        if transport == "udp":
            client.interval = self.t1
            client.deadlines["A" if invite else "E"] = now + self.t1
        client.deadlines["B" if invite else "F"] = now + 64 * self.t1
        self._rearm(client)
        return key, [Transmit(data, destination, transport)]

    def send_response(self, server_key: ServerKey, response: Response, now: float) -> list[Event]:
        server = self._servers.get(server_key)
        if server is None:
            raise IllegalTransition("server transaction", "gone", f"send {response.status}")
        if server.state in (State.COMPLETED, State.CONFIRMED, State.ACCEPTED, State.TERMINATED):
            raise IllegalTransition(
                "server transaction", server.state.value, f"send {response.status}"
            )
        data = response.to_bytes()
        server.last_response = data
        unreliable = server.transport == "udp"
        if response.status < 200:
            server.state = State.PROCEEDING
        elif server_key[2] == "INVITE" and response.status < 300:
            server.state = State.ACCEPTED
            server.deadlines = {"L": now + 64 * self.t1}
        elif server_key[2] == "INVITE":
            server.state = State.COMPLETED
            server.deadlines = {"H": now + 64 * self.t1}
            if unreliable:
                server.interval = self.t1
                server.deadlines["G"] = now + self.t1
        else:
            server.state = State.COMPLETED
            server.deadlines = {"J": now + (64 * self.t1 if unreliable else 0.0)}
        self._rearm(server)
        return [Transmit(data, server.destination, server.transport)]

    def send_ack(self, ack: Request, destination: Address, transport: str) -> list[Event]:
        """ACK to a 2xx: no transaction, just bytes (§13.2.2.4)."""
        return [Transmit(ack.to_bytes(), destination, transport)]

    # -- time -------------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        while self._heap:
            at, _, role, _, key, generation = self._heap[0]
            owner = self._owner(role, key)
            if owner is not None and owner.generation == generation:
                return at
            heapq.heappop(self._heap)
        return None

    def on_timer(self, now: float) -> list[Event]:
        events: list[Event] = []
        while self._heap and self._heap[0][0] <= now:
            _, _, role, name, key, generation = heapq.heappop(self._heap)
            owner = self._owner(role, key)
            if owner is None or owner.generation != generation:
                continue
            if isinstance(owner, _Server):
                events += self._server_timer(owner, name, now)
            else:
                events += self._client_timer(owner, name, now)
        return events

    def _owner(self, role: str, key: tuple[str, ...]) -> _Server | _Client | None:
        if role == "s":
            return self._servers.get(key)  # type: ignore[arg-type]
        return self._clients.get(key)  # type: ignore[arg-type]

    def _server_timer(self, server: _Server, name: str, now: float) -> list[Event]:
        if name == "G" and server.state is State.COMPLETED:
            server.interval = min(2 * server.interval, self.t2)
            server.deadlines["G"] = now + server.interval
            self._rearm(server)
            return [Transmit(server.last_response, server.destination, server.transport)]
        if name in ("H", "I", "J", "L"):
            del self._servers[server.key]
        return []

    def _client_timer(self, client: _Client, name: str, now: float) -> list[Event]:
        if name in ("A", "E") and client.state in (State.CALLING, State.TRYING, State.PROCEEDING):
            if name == "A" and client.state is State.PROCEEDING:
                return []
            timeout = client.deadlines.get("F" if name == "E" else "B")
            if timeout is not None and timeout <= now:
                return []  # the transaction times out now: a last copy would outlive the server's
            client.interval = (
                2 * client.interval if name == "A" else min(2 * client.interval, self.t2)
            )
            if name == "E" and client.state is State.PROCEEDING:
                client.interval = self.t2
            client.deadlines[name] = now + client.interval
            self._rearm(client)
            return [Transmit(client.data, client.destination, client.transport)]
        if name in ("B", "F") and client.state in (State.CALLING, State.TRYING, State.PROCEEDING):
            del self._clients[client.key]
            return [TransactionTimeout(client.key, client.request)]
        if name in ("D", "K", "M"):
            del self._clients[client.key]
        return []

    def _rearm(self, owner: _Server | _Client) -> None:
        """Invalidate the owner's heap entries and push its current deadlines."""
        owner.generation += 1
        role = "s" if isinstance(owner, _Server) else "c"
        for name, at in owner.deadlines.items():
            self._sequence += 1
            heapq.heappush(
                self._heap, (at, self._sequence, role, name, owner.key, owner.generation)
            )


def _late_invite_2xx(response: Response) -> bool:
    return 200 <= response.status < 300 and response.cseq[1] == "INVITE"
