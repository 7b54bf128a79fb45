"""Shared kernel: time, ids, context and errors. Imports the standard library only."""

from vaxel.core.clock import Clock, ManualClock
from vaxel.core.context import Context
from vaxel.core.errors import (
    ConfigError,
    DomainError,
    IllegalTransition,
    NotFound,
    UnknownAgent,
    UnknownContact,
    UnknownQueue,
    UnknownTenant,
    VaxelError,
)
from vaxel.core.ids import IdFactory, SequentialIds

__all__ = [
    "Clock",
    "ConfigError",
    "Context",
    "DomainError",
    "IdFactory",
    "IllegalTransition",
    "ManualClock",
    "NotFound",
    "SequentialIds",
    "UnknownAgent",
    "UnknownContact",
    "UnknownQueue",
    "UnknownTenant",
    "VaxelError",
]
