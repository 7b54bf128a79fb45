"""Metrics and staffing mathematics (Erlang C and Erlang A)."""

from vaxel.stats.erlang import StaffingFigures, agents_needed, erlang_a, erlang_b, erlang_c

__all__ = ["StaffingFigures", "agents_needed", "erlang_a", "erlang_b", "erlang_c"]
