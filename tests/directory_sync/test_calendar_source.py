"""Reading busy time from a real CalDAV server (Radicale) and from an ICS URL (spec §41):
meetings, out-of-office days, recurring and private events; free time left out; a hostile
or oversized answer refused, a missing server unreachable."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import zoneinfo
from collections.abc import Iterator

import pytest

from tests.directory_sync.radicale_server import Radicale
from vaxel.directory_sync import calendar_source
from vaxel.directory_sync.calendar_source import CalendarAddress, fetch_busy
from vaxel.directory_sync.ldap_source import SourceRefused, SourceUnreachable

ZONE = zoneinfo.ZoneInfo("Europe/Stockholm")
MONDAY = dt.datetime(2026, 12, 7, tzinfo=ZONE)


@pytest.fixture(scope="module")
def karin() -> Iterator[str]:
    server = Radicale()
    try:
        url = server.calendar("karin")
        events = {
            "meeting": "DTSTART;TZID=Europe/Stockholm:20261207T100000\n"
            "DTEND;TZID=Europe/Stockholm:20261207T113000\nSUMMARY:Bygglovsmöte",
            "off": "DTSTART;VALUE=DATE:20261208\nDTEND;VALUE=DATE:20261209\n"
            "SUMMARY:Ledig\nX-MICROSOFT-CDO-BUSYSTATUS:OOF",
            "free": "DTSTART:20261207T120000Z\nDTEND:20261207T130000Z\nTRANSP:TRANSPARENT\n"
            "SUMMARY:Påminnelse",
            "daily": "DTSTART;TZID=Europe/Stockholm:20261201T080000\n"
            "DTEND;TZID=Europe/Stockholm:20261201T083000\nRRULE:FREQ=DAILY\nCLASS:PRIVATE\n"
            "SUMMARY:Morgonmöte",
            "cancelled": "DTSTART:20261207T140000Z\nDTEND:20261207T150000Z\nSTATUS:CANCELLED",
            "later": "DTSTART:20261220T140000Z\nDTEND:20261220T150000Z\nSUMMARY:Senare",
        }
        for uid, text in events.items():
            server.put_event(url, "karin", uid, text)
        yield url
    finally:
        server.stop()


@pytest.mark.parametrize("kind", ["caldav", "ics"])
def test_busy_time_in_the_window_is_read_with_its_kind(karin: str, kind: str) -> None:
    address = CalendarAddress(karin, kind=kind, username="karin", password="x")
    spans = fetch_busy(address, MONDAY, MONDAY + dt.timedelta(days=2), ZONE)
    seen = [
        (s.summary, s.start.astimezone(ZONE).strftime("%d %H:%M"), s.out_of_office) for s in spans
    ]
    assert seen == [
        ("Morgonmöte", "07 08:00", False),
        ("Bygglovsmöte", "07 10:00", False),
        ("Ledig", "08 00:00", True),
        ("Morgonmöte", "08 08:00", False),
    ]
    assert spans[0].private and not spans[1].private
    assert spans[2].all_day and spans[2].end == dt.datetime(2026, 12, 9, tzinfo=ZONE)


def test_a_calendar_that_is_not_there_is_refused(karin: str) -> None:
    with pytest.raises(SourceRefused):
        fetch_busy(CalendarAddress(karin.replace("karin", "nobody")), MONDAY, MONDAY, ZONE)


def test_a_server_that_is_not_there_is_unreachable() -> None:
    address = CalendarAddress("http://127.0.0.1:9/cal/", kind="ics")
    with pytest.raises(SourceUnreachable) as unreachable:
        fetch_busy(address, MONDAY, MONDAY + dt.timedelta(days=1), ZONE)
    assert unreachable.value.code == "directory-source-unreachable"


class _Hostile(http.server.BaseHTTPRequestHandler):
    body = b""

    def _answer(self) -> None:
        self.send_response(207)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    do_GET = do_REPORT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_xml_with_entities_is_refused(hostile: http.server.HTTPServer) -> None:
    _Hostile.body = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<d:multistatus xmlns:d="DAV:">&x;</d:multistatus>'
    )
    url = f"http://127.0.0.1:{hostile.server_port}/cal/"
    with pytest.raises(SourceRefused):
        fetch_busy(CalendarAddress(url), MONDAY, MONDAY + dt.timedelta(days=1), ZONE)


def test_an_oversized_calendar_is_refused(
    hostile: http.server.HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendar_source, "MAX_BYTES", 1000)
    _Hostile.body = b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 2000 + b"\r\nEND:VCALENDAR\r\n"
    url = f"http://127.0.0.1:{hostile.server_port}/cal.ics"
    with pytest.raises(SourceRefused) as refused:
        fetch_busy(CalendarAddress(url, kind="ics"), MONDAY, MONDAY + dt.timedelta(days=1), ZONE)
    assert "larger" in refused.value.reason
