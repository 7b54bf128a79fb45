"""A real CalDAV server (Radicale, from PyPI) on 127.0.0.1 for the calendar-presence tests.

Each server has its own storage folder and a free port, no authentication (the tests are the
only client), and serves until stopped. ``calendar(user)`` makes a calendar collection with
MKCALENDAR and returns its URL; ``put_event`` stores one VEVENT in it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.directory_sync.processes import free_port, stop, wait_for_port


class Radicale:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="vaxel-radicale-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = self.folder / "config"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\ntype = none\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {self.folder}/collections\n"
            "[logging]\nlevel = warning\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process, 20, self.stop)

    def calendar(self, user: str) -> str:
        url = f"{self.base}/{user}/calendar/"
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:set><D:prop><D:displayname>Kalender</D:displayname></D:prop></D:set>"
            "</C:mkcalendar>"
        )
        response = httpx.request("MKCALENDAR", url, content=body, auth=(user, "x"), timeout=10)
        assert response.status_code in (201, 405), response.text
        return url

    def put_event(self, calendar_url: str, user: str, uid: str, vevent: str) -> None:
        text = (
            (
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Vaxel tests//SV\r\n"
                f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261201T000000Z\r\n{vevent.strip()}\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
            .replace("\r\n", "\n")
            .replace("\n", "\r\n")
        )
        response = httpx.put(
            f"{calendar_url}{uid}.ics",
            content=text.encode(),
            headers={"Content-Type": "text/calendar; charset=utf-8"},
            auth=(user, "x"),
            timeout=10,
        )
        assert response.status_code in (201, 204), response.text

    def stop(self) -> None:
        stop(self.process, self.folder)
