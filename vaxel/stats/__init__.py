"""Metrics and staffing mathematics (Erlang C and Erlang A, the service level)."""

from vaxel.stats.erlang import StaffingFigures, agents_needed, erlang_a, erlang_b, erlang_c
from vaxel.stats.service_level import ServiceLevelCounts, waiting_past_target

__all__ = [
    "ServiceLevelCounts",
    "StaffingFigures",
    "agents_needed",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "waiting_past_target",
]
