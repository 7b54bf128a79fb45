"""Automatic contact distribution: queues, agents, contacts, routing, callbacks (pure core).

Public contract: config/domain vocabulary in :mod:`vaxel.acd.model`, input events in
:mod:`vaxel.acd.events`, output commands in :mod:`vaxel.acd.commands`, query results in
:mod:`vaxel.acd.views`, and :class:`vaxel.acd.engine.Engine`.
"""
