"""When a leg's audio is dropped in the kernel: the engine's switch for ``engine_filter``.

A queued caller's phone talks 50 packets a second that nobody hears (issue 11). The filter
goes on a leg's socket exactly while that audio is not needed: the leg is locked onto its
phone (only its packets reach the socket), it only listens (neither bridged nor in a
conference room: ``listening``), it is not recorded, and its audio payload type is not the
telephone-event one (whose keys must all pass). It comes off on any change that needs the
audio again. The engine calls ``update`` on each such change; the filter itself, and what
the kernel sees, are ``engine_filter``'s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from vaxel.media.engine_filter import attach, detach, program
from vaxel.media.engine_leg import Leg

__all__ = ["QueuedAudioFilter"]

log = logging.getLogger(__name__)


class QueuedAudioFilter:
    """Puts ``engine_filter``'s program on a quiet leg's socket and takes it off again."""

    def __init__(self, sample: int, listening: Callable[[Leg], bool]) -> None:
        """``sample``: one audio packet in ``sample`` passes (1: never filter, e.g. no
        Linux or the benchmarks' comparison); ``listening(leg)``: read by the ticker."""
        self.sample = sample
        self._listening = listening

    def update(self, leg: Leg) -> None:
        """Filter the leg's audio if nobody needs it now, else take the filter off."""
        remote = leg.remote
        wanted = -1
        if (
            self.sample > 1
            and leg.locked
            and remote is not None
            and leg.recording is None
            and remote.payload_type != remote.telephone_event_pt
            and self._listening(leg)
        ):
            wanted = remote.payload_type
        if wanted == leg.filtered:
            return
        if wanted < 0:
            detach(leg.sock)
        else:
            try:
                attach(leg.sock, program(wanted, self.sample))
            except (OSError, ValueError) as error:  # the leg is read in full, as before
                log.warning("no RTP filter on %s: %s", leg.endpoint.endpoint_id, error)
                wanted = -1
        leg.filtered = wanted
