"""How many messages to a person (OP7) a sender and a tenant may send (security review of
issue 16): each may be an e-mail or an SMS the tenant pays for and the person receives, so
an operator's script or a leaked API key must not send without end.

Rules (sliding windows, as the mail server's test mails, ``mail-test-hourly``):

- A sender — an operator (``user:<tenant>/<username>``) or an API key (``key:<id>``) — sends
  at most ``SENDER.count`` messages in ``SENDER.seconds``: a reception sends one a call at
  most, and a burst of a few after a meeting fits.
- A tenant sends at most ``TENANT.count`` in ``TENANT.seconds``, all senders together, so
  many keys or accounts do not multiply the cap.
- A refused message is not counted and costs nothing; the refusal says how long to wait
  (``429``, ``Retry-After``, Swedish text). Senders forgotten after their window, and at
  most ``MAX_KEYS`` remembered (the oldest go first).

Pure apart from a lock: the console's and the API's routes run in worker threads.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

from fastapi import HTTPException

from vaxel.web.i18n import gettext

__all__ = ["SENDER", "TENANT", "MessageRate", "TooManyMessages", "Window"]

MAX_KEYS = 10_000


@dataclass(frozen=True, slots=True)
class Window:
    count: int
    seconds: float


SENDER = Window(30, 600.0)
TENANT = Window(600, 3600.0)


class TooManyMessages(HTTPException):
    code = "too-many-messages"

    def __init__(self, wait_s: float, window: Window, whose: str) -> None:
        text = (
            gettext("Högst {n} meddelanden på {m} minuter från dig — försök igen om {s} s")
            if whose == "sender"
            else gettext(
                "Organisationen har skickat {n} meddelanden på {m} minuter — försök igen om {s} s"
            )
        )
        wait = max(1, math.ceil(wait_s))
        detail = text.format(n=window.count, m=round(window.seconds / 60), s=wait)
        super().__init__(429, detail, {"Retry-After": str(wait)})


class MessageRate:
    def __init__(self, sender: Window = SENDER, tenant: Window = TENANT) -> None:
        self.windows = {"sender": sender, "tenant": tenant}
        self._sent: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, tenant_id: str, sender: str, now: float) -> None:
        """Count one message, or raise :class:`TooManyMessages` (nothing counted)."""
        keys = {"sender": ("sender", f"{tenant_id}\x00{sender}"), "tenant": ("tenant", tenant_id)}
        with self._lock:
            for whose, key in keys.items():
                window = self.windows[whose]
                sent = self._recent(key, window, now)
                if len(sent) >= window.count:
                    raise TooManyMessages(sent[0] + window.seconds - now, window, whose)
            for key in keys.values():
                self._sent.setdefault(key, deque()).append(now)
                self._sent.move_to_end(key)
            while len(self._sent) > MAX_KEYS:
                self._sent.popitem(last=False)

    def _recent(self, key: tuple[str, str], window: Window, now: float) -> deque[float]:
        sent = self._sent.get(key, deque())
        while sent and sent[0] <= now - window.seconds:
            sent.popleft()
        if not sent:
            self._sent.pop(key, None)
        return sent
