"""``vaxel journal story TENANT CONTACT``: what happened to one contact, who did it and what
it followed from — a callback's whole story from the caller's key press to the agent's note
(issue 12 §5)."""

from __future__ import annotations

import argparse
import dataclasses
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from vaxel.store import DEFAULT_URL, open_database
from vaxel.store.codec import acd_codec
from vaxel.store.journal import Journal, JournalEntry

__all__ = ["add_arguments", "describe", "run"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SHOWN_FIELDS = (
    "queue_id",
    "agent_id",
    "number",
    "caller_number",
    "data",
    "outcome",
    "code",
    "note",
)
"""The event fields a reader of a story needs; ids and settings objects stay out."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["story"], help="story: one contact's entries")
    parser.add_argument("tenant", help="the organisation's id, e.g. exempelby")
    parser.add_argument("contact", help="the contact's id, e.g. callback-12 or a call's id")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("VAXEL_DATABASE_URL", DEFAULT_URL),
        help=f"SQLAlchemy URL (default: $VAXEL_DATABASE_URL or {DEFAULT_URL})",
    )


def describe(entry: JournalEntry) -> str:
    """One line: Stockholm time, entry, the entry it follows from, actor, event, details."""
    when = datetime.fromtimestamp(entry.applied_at, STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S")
    context = entry.context
    cause = f"efter #{context.causation_id}" if context and context.causation_id else "start"
    actor = context.actor if context else "system"
    details = []
    if dataclasses.is_dataclass(entry.event):
        for name in SHOWN_FIELDS:
            value = getattr(entry.event, name, None)
            if value:
                details.append(f"{name}={value}")
    shown = " ".join(details)
    return f"{when}  #{entry.seq:<6} {cause:<12} {actor:<12} {type(entry.event).__name__} {shown}"


def run(args: argparse.Namespace) -> int:
    journal = Journal(open_database(args.database_url, create_folder=False), acd_codec())
    story = journal.story(args.tenant, args.contact)
    if not story:
        print(f"vaxel journal: inga händelser för {args.contact} hos {args.tenant}")
        return 1
    for entry in story:
        print(describe(entry).rstrip())
    return 0
