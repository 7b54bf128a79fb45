"""Presence (hänvisning) and extension status, with time given explicitly (DIR3, DIR4, PBX5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vaxel.core.errors import ConfigError
from vaxel.directory.presence import (
    DEFAULT_REASONS,
    LineState,
    Presence,
    PresenceSource,
    Reason,
    RecurringAbsence,
    StatusKind,
    clear_group,
    current_presence,
    extension_status,
    group_presence,
    next_presence_change,
    reason_catalogue,
)
from vaxel.schedule import schedule_from_dict

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONDAY_9 = datetime(2026, 12, 7, 9, 0, tzinfo=STOCKHOLM)


def _at(hours: float) -> datetime:
    return MONDAY_9 + timedelta(hours=hours)


def test_the_swedish_defaults_are_in_every_catalogue_and_a_tenant_adds_or_rewords() -> None:
    labels = [reason.label_sv for reason in DEFAULT_REASONS]
    assert labels == [
        "Möte", "Lunch", "Tillfälligt ute", "Gått för dagen", "Ledig", "Sjuk",
        "Tjänsteresa", "Kurs", "Semester",
    ]  # fmt: skip
    catalogue = reason_catalogue(
        [Reason("utbildning", "Utbildning", "Training"), Reason("mote", "Sammanträde", "Meeting")]
    )
    assert catalogue["utbildning"].label_sv == "Utbildning"
    assert catalogue["mote"].label_sv == "Sammanträde"
    assert catalogue["sjuk"].label_en == "Ill"
    with pytest.raises(ConfigError) as refused:
        reason_catalogue([Reason("x", "X", "X"), Reason("x", "Y", "Y")])
    assert refused.value.code == "given-twice"
    with pytest.raises(ConfigError) as refused:
        Reason("Möte", "Möte", "Meeting")
    assert (refused.value.field, refused.value.code) == ("reason_id", "id-format")


def test_a_presence_expires_at_its_return_time_and_tills_vidare_never_does() -> None:
    lunch = Presence("lunch", since=_at(3), until=_at(4), set_by="karin")
    assert not lunch.active_at(_at(2.99))
    assert lunch.active_at(_at(3)) and lunch.active_at(_at(3.99))
    assert not lunch.active_at(_at(4))
    assert current_presence([lunch], _at(4)) is None
    sick = Presence("sjuk", since=_at(0))
    assert sick.active_at(_at(24 * 365))
    assert next_presence_change([lunch, sick], _at(1)) == _at(3)
    assert next_presence_change([lunch, sick], _at(3.5)) == _at(4)
    assert next_presence_change([sick], _at(1)) is None


def test_a_presence_refuses_a_return_before_it_begins_an_unknown_reason_and_naive_times() -> None:
    with pytest.raises(ConfigError) as refused:
        Presence("lunch", since=_at(1), until=_at(1))
    assert (refused.value.field, refused.value.code) == ("until", "after-start")
    with pytest.raises(ConfigError) as refused:
        Presence("lunch", since=datetime(2026, 12, 7, 9, 0))
    assert refused.value.field == "since"
    with pytest.raises(ConfigError) as refused:
        Presence("lunch", since=_at(0), text="x" * 201)
    assert refused.value.code == "too-long"
    with pytest.raises(ConfigError) as refused:
        Presence("fika", since=_at(0)).check_reason(reason_catalogue())
    assert refused.value.code == "choice"


def test_a_manual_presence_wins_over_calendar_and_schedule_and_the_newest_wins_within() -> None:
    meeting = Presence("mote", since=_at(0), until=_at(2), source=PresenceSource.CALENDAR)
    friday = Presence("ledig", since=_at(0), source=PresenceSource.SCHEDULE)
    out = Presence("tillfalligt-ute", since=_at(1), until=_at(1.5), set_by="karin")
    later = Presence("lunch", since=_at(1.25), until=_at(1.5), set_by="karin")
    assert current_presence([friday, meeting], _at(0.5)) == meeting
    assert current_presence([friday, meeting, out], _at(1.1)) == out
    assert current_presence([out, later, meeting], _at(1.3)) == later
    assert current_presence([friday, meeting, out], _at(1.6)) == meeting
    assert current_presence([friday, meeting, out], _at(2)) == friday


def test_a_group_presence_is_cleared_without_touching_the_members_own() -> None:
    course = Presence("kurs", since=_at(0), until=_at(8), set_by="chef")
    per_member = group_presence("bygglov", ["karin", "olle"], course)
    assert set(per_member) == {"karin", "olle"}
    assert all(
        p.source is PresenceSource.GROUP and p.group == "bygglov" for p in per_member.values()
    )
    own = Presence("sjuk", since=_at(0), set_by="olle")
    held = {"karin": (per_member["karin"],), "olle": (per_member["olle"], own)}
    cleared = clear_group(held, "bygglov")
    assert cleared == {"karin": (), "olle": (own,)}
    with pytest.raises(ConfigError):
        group_presence(" ", ["karin"], course)


def test_a_recurring_absence_follows_its_schedule_and_ends_when_the_schedule_closes() -> None:
    fridays = schedule_from_dict({"id": "fredagar", "weekly": {"fre": ["12:00-16:00"]}})
    rule = RecurringAbsence("ledig", fridays, text="Ledig fredag eftermiddag")
    friday_13 = datetime(2026, 12, 11, 13, 0, tzinfo=STOCKHOLM)
    presence = rule.presence_at(friday_13)
    assert presence is not None
    assert presence.source is PresenceSource.SCHEDULE and presence.reason_id == "ledig"
    assert presence.until == datetime(2026, 12, 11, 16, 0, tzinfo=STOCKHOLM)
    assert rule.presence_at(MONDAY_9) is None
    assert rule.next_change(MONDAY_9) == datetime(2026, 12, 11, 12, 0, tzinfo=STOCKHOLM)
    christmas_eve = datetime(2027, 12, 24, 13, 0, tzinfo=STOCKHOLM)  # a Friday, closed by default
    assert rule.presence_at(christmas_eve) is None


def test_extension_status_follows_the_stated_precedence() -> None:
    meeting = Presence("mote", since=_at(0), until=_at(5.5))
    alone = {"karin": meeting}
    assert extension_status(alone).kind is StatusKind.ABSENT
    assert extension_status(alone).presence == meeting
    assert extension_status({"karin": None}).kind is StatusKind.AVAILABLE
    busy = extension_status(alone, LineState.BUSY)
    assert busy.kind is StatusKind.BUSY and busy.presence == meeting
    assert extension_status(alone, LineState.RINGING).kind is StatusKind.RINGING
    forwarded = extension_status(alone, LineState.BUSY, forwarded_to="+46701234567")
    assert (forwarded.kind, forwarded.forwarded_to) == (StatusKind.FORWARDED, "+46701234567")
    dnd = extension_status(alone, forwarded_to="+46701234567", dnd=True)
    assert dnd.kind is StatusKind.DND and dnd.forwarded_to is None


def test_a_shared_extension_stays_open_while_anyone_on_it_is_in() -> None:
    lunch = Presence("lunch", since=_at(3), until=_at(4))
    course = Presence("kurs", since=_at(0), until=_at(8))
    sick = Presence("sjuk", since=_at(0))
    open_one = extension_status({"karin": lunch, "olle": None})
    assert open_one.kind is StatusKind.AVAILABLE
    assert open_one.absent_people == ("karin",) and open_one.presence is None
    closed = extension_status({"karin": lunch, "olle": course, "stina": sick})
    assert closed.kind is StatusKind.ABSENT
    assert closed.presence == lunch  # the first one back
    assert closed.absent_people == ("karin", "olle", "stina")
    assert extension_status({"olle": sick, "stina": course}).presence == course
