"""Reading a person's busy and out-of-office time from a calendar (spec §41, DIR3).

Two kinds of address, both ending in iCalendar text: a CalDAV collection, asked with a
``calendar-query`` REPORT for the events in a time range (RFC 4791 §7.8), and a plain ICS URL
(an Exchange or Google "publish calendar" link), fetched whole. Recurring events are expanded
with ``recurring-ical-events``; only what lies in the window is returned. Every request has a
timeout and a size limit; failures become :class:`SourceUnreachable` / :class:`SourceRefused`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import icalendar
import recurring_ical_events  # type: ignore[import-untyped]
from defusedxml import ElementTree

from vaxel.directory.calendar_presence import CalendarSpan
from vaxel.directory_sync.ldap_source import SourceRefused, SourceUnreachable

__all__ = ["CalendarAddress", "fetch_busy"]

MAX_BYTES = 4 * 1024 * 1024
"""A calendar larger than this is refused (a published calendar of many years is ~1 MB)."""
MAX_EVENTS = 2_000
"""Events kept per window; more is a broken or hostile calendar."""
TIMEOUT_S = 10.0
_DAV = "{DAV:}"
_CALDAV = "{urn:ietf:params:xml:ns:caldav}"


@dataclass(frozen=True, slots=True)
class CalendarAddress:
    """A person's calendar as the admin or the person gave it."""

    url: str
    kind: str = "caldav"
    """``caldav`` (a collection) or ``ics`` (a published file)."""
    username: str = ""
    password: str = ""


def _query(start: dt.datetime, end: dt.datetime) -> str:
    def stamp(t: dt.datetime) -> str:
        return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")

    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        "<D:prop><C:calendar-data/></D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{stamp(start)}" end="{stamp(end)}"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )


def _get(address: CalendarAddress, start: dt.datetime, end: dt.datetime) -> bytes:
    auth = (address.username, address.password) if address.username else None
    try:
        with httpx.Client(timeout=TIMEOUT_S, auth=auth, follow_redirects=False) as client:
            if address.kind == "ics":
                request = client.build_request("GET", address.url)
            else:
                request = client.build_request(
                    "REPORT",
                    address.url,
                    content=_query(start, end).encode(),
                    headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
                )
            response = client.send(request, stream=True)
            try:
                if response.status_code >= 400:
                    raise SourceRefused(address.url, f"HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise SourceRefused(address.url, f"larger than {MAX_BYTES} bytes")
                return bytes(body)
            finally:
                response.close()
    except httpx.HTTPError as error:
        raise SourceUnreachable(address.url, str(error) or type(error).__name__) from error


def _calendars(address: CalendarAddress, body: bytes) -> list[icalendar.Calendar]:
    try:
        if address.kind == "ics":
            return [icalendar.Calendar.from_ical(body)]
        tree = ElementTree.fromstring(body, forbid_dtd=True)
        texts = [e.text or "" for e in tree.iter(f"{_CALDAV}calendar-data")]
        return [icalendar.Calendar.from_ical(t) for t in texts if t.strip()]
    except (ValueError, ElementTree.ParseError) as error:
        raise SourceRefused(address.url, f"not a calendar: {error}") from error
    except Exception as error:  # defusedxml refusals (entities, DTDs) and icalendar's own
        raise SourceRefused(address.url, f"refused: {type(error).__name__}") from error


def _moment(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    return dt.datetime.combine(value, dt.time(), zone)


def fetch_busy(
    address: CalendarAddress, start: dt.datetime, end: dt.datetime, zone: dt.tzinfo
) -> list[CalendarSpan]:
    """The busy and out-of-office spans between ``start`` and ``end`` (aware datetimes),
    sorted by start. Free (``TRANSP:TRANSPARENT``) and cancelled events are left out; dates
    and floating times are read in ``zone`` (the tenant's)."""
    body = _get(address, start, end)
    spans: list[CalendarSpan] = []
    for calendar in _calendars(address, body):
        for event in recurring_ical_events.of(calendar).between(start, end):
            if len(spans) >= MAX_EVENTS:
                break
            if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            if str(event.get("STATUS", "")).upper() == "CANCELLED":
                continue
            first = event.decoded("DTSTART")
            last = event.decoded("DTEND") if "DTEND" in event else None
            all_day = not isinstance(first, dt.datetime)
            begin = _moment(first, zone)
            finish = (
                _moment(last, zone)
                if last is not None
                else begin + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
            )
            status = str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()
            private = str(event.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL")
            spans.append(
                CalendarSpan(
                    start=begin,
                    end=finish,
                    out_of_office=status == "OOF",
                    private=private,
                    all_day=all_day,
                    summary=str(event.get("SUMMARY", ""))[:200],
                )
            )
    return sorted(spans, key=lambda b: (b.start, b.end))
