"""Telephony: the registrar and the B2BUA that binds SIP dialogs and media to core contacts."""
