"""The composition root: the whole platform, built from settings in one place (issue 12 §1).

Read top to bottom, :func:`~vaxel.app.build.build_platform` is the platform: the database
(migrated, then the journal replayed into the ACD engine), the configuration the admin pages
edit, the one :class:`~vaxel.runtime.scheduler.Scheduler` with its machines (the engine's
timers; opening hours, holidays and closures), telephony (when a SIP port is set) and the web
app, whose lifespan runs the scheduler. Adapters get the contact center as a
:class:`~vaxel.acd.ports.ContactCenterPort` and nothing else of the core.

``vaxel serve`` is :func:`~vaxel.app.build.serve` — settings only. ``vaxel demo``
(:mod:`vaxel.demo`) is the same platform from settings, plus a seed and the traffic
simulator as one more machine. Only this package wires; nothing else imports it but the CLI
and the demo (an import-linter contract).

Its modules, each named for what it holds:

- ``platform``: :class:`Platform`, the running parts, the listeners wired between them,
  start-up (the SIP and RTP listeners open last) and shut-down;
- ``build``: the database opened for serving, :func:`build_platform`, :func:`serve`;
- ``services``: the directory and its outside sources, voicemail, conference rooms;
- ``telephony``: telephony over the stored numbers and extensions, an admin's changes
  swapped into it, and the runtime's services reaching the phones.
"""

from vaxel.app.build import build_platform, open_for_serving, serve, snapshot_policy
from vaxel.app.platform import Platform
from vaxel.app.telephony import directory_from_database, telephony_extension, telephony_updater

__all__ = [
    "Platform",
    "build_platform",
    "directory_from_database",
    "open_for_serving",
    "serve",
    "snapshot_policy",
    "telephony_extension",
    "telephony_updater",
]
