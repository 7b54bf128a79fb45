"""Växel: an open-source contact center and switchboard for Swedish organisations."""

__version__ = "0.1.0"
