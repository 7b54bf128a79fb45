"""Metrics and staffing mathematics (Erlang C and Erlang A)."""
