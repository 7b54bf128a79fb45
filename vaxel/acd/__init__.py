"""Automatic contact distribution: queues, agents, contacts, routing, callbacks (pure core)."""
