"""Keeping the directory in step with outside sources (DIR5, spec §41).

The adapters here talk to LDAP/Active Directory (``ldap3``) and to calendars (CalDAV or an
ICS URL); what changes is decided by the pure core (:mod:`vaxel.directory.reconcile`) and
written by the store in one transaction, so an unreachable or misbehaving source changes
nothing.
"""
