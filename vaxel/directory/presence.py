"""Presence ("hänvisning"): why a person is away and until when (DIR3, PBX5).

A :class:`Presence` says a person is away for a :class:`Reason` from the tenant's catalogue
(the Swedish defaults plus the tenant's own), with a free text and a return time, or
"until further notice" (``until`` None: valid until changed, DIR3). It is set by hand
(``manual``), for a whole group at once (``group``), by the person's calendar
(``calendar``) or by a recurring :class:`RecurringAbsence` built on a
:class:`vaxel.schedule.Schedule` (``schedule``).

Rules, time always passed in:

- A presence is active from ``since`` until ``until`` (exclusive); after that it has expired
  and :func:`current_presence` no longer returns it — nothing has to clear it.
- Several presences may be active at once for one person; the one shown is chosen by source,
  most deliberate first: ``manual`` > ``group`` > ``calendar`` > ``schedule``, then the one set
  most recently. A person who sets "Lunch" by hand during a calendar meeting shows "Lunch".
- A group presence is one :class:`Presence` per member (:func:`group_presence`), marked with
  the group, so clearing the group (:func:`clear_group`) leaves the members' own presences.
- Presence belongs to a person, never to an extension: on a shared extension one person's
  absence does not close it for the others (:func:`extension_status`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from vaxel.core.errors import ConfigError
from vaxel.core.limits import NAME_LENGTH, SHORT_TEXT_LENGTH, check_length
from vaxel.directory.model import check_id
from vaxel.schedule import Schedule, next_change, state_at

__all__ = [
    "DEFAULT_REASONS",
    "ExtensionStatus",
    "LineState",
    "Presence",
    "PresenceSource",
    "Reason",
    "RecurringAbsence",
    "StatusKind",
    "clear_group",
    "current_presence",
    "extension_status",
    "group_presence",
    "next_presence_change",
    "reason_catalogue",
]


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason for absence, worded in Swedish first (shown to callers' operators) and English."""

    reason_id: str
    label_sv: str
    label_en: str

    def __post_init__(self) -> None:
        check_id("reason_id", self.reason_id)
        for field, label in (("label_sv", self.label_sv), ("label_en", self.label_en)):
            if not label.strip():
                raise ConfigError(field, "required-text")
            check_length(field, label, NAME_LENGTH)


DEFAULT_REASONS: tuple[Reason, ...] = (
    Reason("mote", "Möte", "Meeting"),
    Reason("lunch", "Lunch", "Lunch"),
    Reason("tillfalligt-ute", "Tillfälligt ute", "Briefly out"),
    Reason("gatt-for-dagen", "Gått för dagen", "Gone for the day"),
    Reason("ledig", "Ledig", "Off duty"),
    Reason("sjuk", "Sjuk", "Ill"),
    Reason("tjansteresa", "Tjänsteresa", "Business trip"),
    Reason("kurs", "Kurs", "Course"),
    Reason("semester", "Semester", "Holiday"),
)
"""The catalogue every tenant starts with (the reasons Swedish switchboards have used for
decades); ids are ASCII so they stay stable in URLs and files."""

MAX_REASONS = 100


def reason_catalogue(tenant_reasons: Iterable[Reason] = ()) -> Mapping[str, Reason]:
    """The defaults plus a tenant's own reasons, by id; a tenant reason with a default's id
    rewords it. A tenant naming one id twice is refused."""
    catalogue = {reason.reason_id: reason for reason in DEFAULT_REASONS}
    seen: set[str] = set()
    for reason in tenant_reasons:
        if reason.reason_id in seen:
            raise ConfigError("reason_id", "given-twice", value=reason.reason_id)
        seen.add(reason.reason_id)
        catalogue[reason.reason_id] = reason
    if len(catalogue) > MAX_REASONS:
        raise ConfigError("reasons", "at-most", max=MAX_REASONS)
    return catalogue


class PresenceSource(StrEnum):
    """Who set a presence; the order of the members is the precedence (first wins)."""

    MANUAL = "manual"
    GROUP = "group"
    CALENDAR = "calendar"
    SCHEDULE = "schedule"


_PRECEDENCE = {source: rank for rank, source in enumerate(PresenceSource)}


def _aware(field: str, moment: datetime) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ConfigError(field, "date", value=str(moment))


@dataclass(frozen=True, slots=True)
class Presence:
    """A person is away for ``reason_id`` from ``since`` until ``until`` (None = tills vidare).

    ``set_by`` is the account (or ``calendar``/``schedule``) that set it; ``group`` the group
    it was set for, empty when set for the person alone.
    """

    reason_id: str
    since: datetime
    until: datetime | None = None
    text: str = ""
    set_by: str = ""
    source: PresenceSource = PresenceSource.MANUAL
    group: str = ""

    def __post_init__(self) -> None:
        check_id("reason_id", self.reason_id)
        _aware("since", self.since)
        if self.until is not None:
            _aware("until", self.until)
            if self.until <= self.since:
                raise ConfigError("until", "after-start")
        check_length("text", self.text, SHORT_TEXT_LENGTH)
        check_length("set_by", self.set_by, NAME_LENGTH)
        check_length("group", self.group, NAME_LENGTH)
        if not isinstance(self.source, PresenceSource):
            raise ConfigError("source", "choice", allowed=", ".join(PresenceSource))

    def active_at(self, now: datetime) -> bool:
        """Whether this presence applies at ``now`` (it has begun and not expired)."""
        return self.since <= now and (self.until is None or now < self.until)

    def check_reason(self, catalogue: Mapping[str, Reason]) -> None:
        """Refuse a reason the tenant's catalogue does not hold."""
        if self.reason_id not in catalogue:
            raise ConfigError("reason_id", "choice", allowed=", ".join(sorted(catalogue)))


def current_presence(presences: Iterable[Presence], now: datetime) -> Presence | None:
    """The presence to show at ``now``: active ones only, by source precedence, then newest."""
    best: Presence | None = None
    for presence in presences:
        if not presence.active_at(now):
            continue
        if best is None or (_PRECEDENCE[presence.source], -presence.since.timestamp()) < (
            _PRECEDENCE[best.source],
            -best.since.timestamp(),
        ):
            best = presence
    return best


def next_presence_change(presences: Iterable[Presence], now: datetime) -> datetime | None:
    """The next instant after ``now`` when a presence begins or expires (the runtime's timer)."""
    upcoming = [
        moment
        for presence in presences
        for moment in (presence.since, presence.until)
        if moment is not None and moment > now
    ]
    return min(upcoming, default=None)


def group_presence(
    group: str, member_ids: Iterable[str], presence: Presence
) -> dict[str, Presence]:
    """One presence per member of ``group`` (DIR3: a whole group at once), marked with the group."""
    if not group.strip():
        raise ConfigError("group", "required-text")
    marked = replace(presence, source=PresenceSource.GROUP, group=group)
    return {member_id: marked for member_id in member_ids}


def clear_group(
    presences: Mapping[str, Iterable[Presence]], group: str
) -> dict[str, tuple[Presence, ...]]:
    """Each person's presences without those set for ``group``; their own ones stay."""
    return {
        person_id: tuple(
            p for p in held if not (p.source is PresenceSource.GROUP and p.group == group)
        )
        for person_id, held in presences.items()
    }


@dataclass(frozen=True, slots=True)
class RecurringAbsence:
    """A person is away whenever ``schedule`` is "open" (every Friday 12–16: Ledig), DIR3.

    The schedule's hours are the hours of absence; Swedish holidays and exceptions apply as
    for any schedule. Valid until changed: it has no end of its own.
    """

    reason_id: str
    schedule: Schedule
    text: str = ""

    def __post_init__(self) -> None:
        check_id("reason_id", self.reason_id)
        check_length("text", self.text, SHORT_TEXT_LENGTH)

    def presence_at(self, now: datetime) -> Presence | None:
        """The presence this rule gives at ``now``, ending when the schedule next changes."""
        _aware("now", now)
        instant = now.timestamp()
        if not state_at(self.schedule, instant).open:
            return None
        change = next_change(self.schedule, instant)
        until = None if change is None else datetime.fromtimestamp(change, UTC)
        return Presence(
            self.reason_id,
            since=now,
            until=until,
            text=self.text,
            set_by="schedule",
            source=PresenceSource.SCHEDULE,
        )

    def next_change(self, now: datetime) -> datetime | None:
        """When this rule next starts or ends an absence (None: never within the horizon)."""
        change = next_change(self.schedule, now.timestamp())
        return None if change is None else datetime.fromtimestamp(change, UTC)


class LineState(StrEnum):
    """What telephony reports about an extension's line."""

    IDLE = "idle"
    RINGING = "ringing"
    BUSY = "busy"


class StatusKind(StrEnum):
    """The one value the console shows for an extension (DIR4, OP2)."""

    AVAILABLE = "available"
    BUSY = "busy"
    RINGING = "ringing"
    ABSENT = "absent"
    FORWARDED = "forwarded"
    DND = "dnd"


@dataclass(frozen=True, slots=True)
class ExtensionStatus:
    """An extension's status: ``kind``, and what goes with it.

    ``presence`` is the absence shown (for ``absent``, and beside ``busy``/``ringing`` so the
    console can still say "Möte till 14:30"); ``forwarded_to`` the number calls go to;
    ``absent_people`` who of a shared extension's people are away while it stays open.
    """

    kind: StatusKind
    presence: Presence | None = None
    forwarded_to: str | None = None
    absent_people: tuple[str, ...] = ()


def extension_status(
    people: Mapping[str, Presence | None],
    line: LineState = LineState.IDLE,
    *,
    forwarded_to: str | None = None,
    dnd: bool = False,
) -> ExtensionStatus:
    """Combine the presences of the people on an extension with telephony's report.

    ``people`` maps each person on the extension to their current presence (see
    :func:`current_presence`), None when in. Precedence, first that holds wins:

    1. ``dnd`` — nothing rings here, whatever else is true;
    2. ``forwarded`` — calls go to ``forwarded_to``, so that is where a transfer ends up;
    3. ``busy``, then ``ringing`` — a fact telephony reports now beats a message set earlier;
    4. ``absent`` — only when *every* person on the extension is away (DIR3: one person's
       absence does not close a shared extension); the presence shown is the one that ends
       first (None = tills vidare ends last);
    5. ``available``.
    """
    away = {person_id: p for person_id, p in people.items() if p is not None}
    absent_people = tuple(sorted(away))
    everyone_away = bool(people) and len(away) == len(people)
    shown = min(
        away.values(),
        key=lambda p: (p.until is None, p.until or p.since, p.since),
        default=None,
    )
    if not everyone_away:
        shown = None  # a shared extension that is open shows no one's absence as its own
    if dnd:
        return ExtensionStatus(StatusKind.DND, shown, None, absent_people)
    if forwarded_to:
        return ExtensionStatus(StatusKind.FORWARDED, shown, forwarded_to, absent_people)
    if line is LineState.BUSY:
        return ExtensionStatus(StatusKind.BUSY, shown, None, absent_people)
    if line is LineState.RINGING:
        return ExtensionStatus(StatusKind.RINGING, shown, None, absent_people)
    if everyone_away:
        return ExtensionStatus(StatusKind.ABSENT, shown, None, absent_people)
    return ExtensionStatus(StatusKind.AVAILABLE, None, None, absent_people)
