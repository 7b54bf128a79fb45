"""Adapters that run the core durably: the ACD engine behind the event journal."""

from vaxel.runtime.contact_center import ContactCenter

__all__ = ["ContactCenter"]
