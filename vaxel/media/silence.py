"""Media timeout: noticing that a phone stopped sending RTP (issue 11 §3).

A phone that loses power or network never sends BYE; without this its caller would hear
music for ever and its agent would stay busy. The rule, per endpoint:

* The watch runs only while the peer's SDP says ``sendrecv``: a held phone (``sendonly`` or
  ``inactive``, RFC 6337 §5.3) may fall silent, and a ``recvonly`` one never sends.
* Sans-I/O: the engine passes the endpoint's running count of accepted packets and ``now``
  at each check (about once a second). A changed count is a sign of life; the silence is
  measured from the last check that saw the count change, so a timeout is detected at most
  one check interval late, and no clock is read per packet.
* A silence is reported once. A packet, or ``restart`` (a new SDP), starts the watch anew.
"""

from __future__ import annotations

__all__ = ["SilenceWatch"]


class SilenceWatch:
    """One endpoint's watch. ``timeout_s`` must be positive."""

    __slots__ = ("_heard_at", "_packets", "_reported", "timeout_s")

    def __init__(self, timeout_s: float, now: float) -> None:
        if not timeout_s > 0:
            raise ValueError(f"a media timeout must be positive, got {timeout_s!r}")
        self.timeout_s = timeout_s
        self._heard_at = now
        self._packets = 0
        self._reported = False

    def restart(self, now: float, packets: int) -> None:
        """A new SDP (or the direction changed back to ``sendrecv``): count from ``now``."""
        self._heard_at, self._packets, self._reported = now, packets, False

    def check(self, packets: int, watched: bool, now: float) -> float | None:
        """The seconds of silence when this check first finds them over the timeout, else
        None. ``packets`` is the endpoint's running count of RTP accepted from its peer."""
        if packets != self._packets:
            self._heard_at, self._packets, self._reported = now, packets, False
            return None
        if not watched:
            self._heard_at, self._reported = now, False
            return None
        silent = now - self._heard_at
        if self._reported or silent < self.timeout_s:
            return None
        self._reported = True
        return silent

    def next_deadline(self) -> float | None:
        """When the silence would pass the timeout if no packet came (None once reported)."""
        return None if self._reported else self._heard_at + self.timeout_s
