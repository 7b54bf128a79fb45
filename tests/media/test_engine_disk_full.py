"""A recording that cannot be written (disk full) costs the recording, never the call or
its port (task R; PBX4 "disk full when recording voicemail"): /dev/full answers every write
with ENOSPC, as a full disk does."""

from __future__ import annotations

import logging

import pytest

from tests.media.test_engine_wire import PROMPTS, Phone
from vaxel.media.backend import RemoteMedia
from vaxel.media.engine import BuiltinMediaBackend

FULL = "/dev/full"


async def test_a_full_disk_loses_the_recording_but_not_the_call_or_its_port(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = BuiltinMediaBackend(PROMPTS.__getitem__, lambda event: None, ports=(33100, 33101))
    phone = Phone()
    try:
        for stop in (backend.stop_recording, backend.release):  # '#' pressed; a hang-up
            endpoint = backend.allocate("voicemail")  # the one port of the pool each time
            backend.set_remote(
                endpoint.endpoint_id, RemoteMedia("127.0.0.1", phone.port, 0, "PCMU")
            )
            backend.start_recording(endpoint.endpoint_id, FULL)
            with caplog.at_level(logging.ERROR, logger="vaxel.media.engine"):
                stop(endpoint.endpoint_id)  # no OSError into the switch
            backend.release(endpoint.endpoint_id)
        assert sum("could not be written" in r.getMessage() for r in caplog.records) == 2
    finally:
        phone.close()
        await backend.close()
