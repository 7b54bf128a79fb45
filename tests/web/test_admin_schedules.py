"""The opening-hours editor (Q1–Q3, ADM1, ADM3): weekly hours, holidays, special dates,
the 14-day preview, validation with the input kept, tenant isolation and CSRF."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import OTHER, PASSWORD, Web, flashed, sign_in
from vaxel.core.clock import STOCKHOLM
from vaxel.runtime.configuration import ConfigChange, Configuration
from vaxel.schedule import schedule_from_dict
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.i18n import LANGUAGE_COOKIE
from vaxel.web.passwords import PasswordHashing


def configuration(web: Web) -> Configuration:
    return web.app.state.context.configuration  # type: ignore[attr-defined, no-any-return]


def form_of(page: str) -> list[tuple[str, str]]:
    """The edit form's fields as a browser would post them (text inputs, checked boxes,
    selected options), without the buttons."""
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name is None:
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        fields.append((name.group(1), value.group(1) if value else ""))
    for tag, body in re.findall(r"(<select[^>]*>)(.*?)</select>", page, re.S):
        name = re.search(r'name="([^"]+)"', tag)
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        assert name is not None
        fields.append((name.group(1), chosen.group(1) if chosen else ""))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        fields.append((name, body))
    return [(k, v.replace("&amp;", "&")) for k, v in fields]


def replaced(fields: list[tuple[str, str]], name: str, old: str, new: str) -> list[tuple[str, str]]:
    result, done = [], False
    for key, value in fields:
        if key == name and value == old and not done:
            result.append((key, new))
            done = True
        else:
            result.append((key, value))
    assert done, f"{name}={old!r} not in the form"
    return result


def post_data(fields: list[tuple[str, str]], action: str) -> dict[str, list[str]]:
    """Fields as httpx posts them (repeated names in order), with the button pressed."""
    data: dict[str, list[str]] = {}
    for key, value in [*fields, ("action", action)]:
        data.setdefault(key, []).append(value)
    return data


def preview(page: str) -> dict[str, str]:
    """date → the row's text from the 14-day preview."""
    table = re.search(r'<table id="preview">(.*?)</table>', page, re.S)
    assert table is not None
    rows = re.findall(r'<tr data-date="([^"]+)"[^>]*>(.*?)</tr>', table.group(1), re.S)
    return {day: re.sub(r"<[^>]+>|\s+", " ", body).strip() for day, body in rows}


def admin(web: Web) -> tuple[TestClient, str]:
    client = web.client()
    return client, sign_in(client, DEMO_TENANT, "admin")


def next_weekday(weekday: int) -> date:
    today = datetime.now(STOCKHOLM).date()
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def test_admin_changes_opening_hours_and_preview_and_store_follow(web: Web) -> None:
    client, _ = admin(web)
    changes: list[ConfigChange] = []
    configuration(web).listeners.append(changes.append)
    listing = client.get("/admin/schedules")
    assert listing.status_code == 200 and "Kontorstid" in listing.text
    page = client.get("/admin/schedules/kontorstid")
    assert page.status_code == 200
    friday = next_weekday(4)
    assert "08:00–15:00" in preview(page.text)[friday.isoformat()]
    fields = replaced(form_of(page.text), "weekly_hours", "08:00-15:00", "09:00-12:00")

    shown = client.post("/admin/schedules/kontorstid", data=post_data(fields, "preview"))
    assert shown.status_code == 200
    assert "09:00–12:00" in preview(shown.text)[friday.isoformat()]
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["weekly"]["fri"] == ["08:00-15:00"], "a preview stores nothing"
    assert changes == []

    saved = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert saved.status_code == 303
    assert saved.headers["location"] == "/admin/schedules/kontorstid"
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["weekly"]["fri"] == ["09:00-12:00"]
    assert stored["weekly"]["mon-thu"] == ["08:00-16:30"]
    assert stored["holidays"]["closed_on_public"] is True
    assert changes == [ConfigChange(DEMO_TENANT, "schedule", "kontorstid")]
    after = client.get(saved.headers["location"])
    assert "09:00–12:00" in preview(after.text)[friday.isoformat()]
    assert "Sparat" in after.text


def test_special_date_and_holidays_show_in_the_preview(web: Web) -> None:
    client, _ = admin(web)
    page = client.get("/admin/schedules/kontorstid")
    monday = next_weekday(0) + timedelta(days=7)
    fields = form_of(page.text)
    fields = replaced(fields, "exception_date", "", monday.isoformat())
    fields = replaced(fields, "exception_name", "", "Personaldag")
    saved = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert saved.status_code == 303
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["exceptions"] == [
        {"date": monday.isoformat(), "hours": "closed", "name": "Personaldag"}
    ]
    row = preview(client.get("/admin/schedules/kontorstid").text)[monday.isoformat()]
    assert "Stängt" in row and "Särskild dag" in row and "Personaldag" in row


def test_monthly_rules_are_edited_in_rows(web: Web) -> None:
    client, _ = admin(web)
    fields = form_of(client.get("/admin/schedules/kontorstid").text)
    fields = replaced(fields, "monthly_rule", "", "sista fre")
    fields = replaced(fields, "monthly_hours", "", "08:00-12:00")
    saved = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert saved.status_code == 303
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["monthly"] == [{"weekday": "fri", "nth": "last", "hours": ["08:00-12:00"]}]
    page = client.get("/admin/schedules/kontorstid").text
    assert 'value="sista fre"' in page, "the rule reads back as written"
    fields = replaced(form_of(page), "monthly_rule", "sista fre", "ibland")
    refused = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert refused.status_code == 400
    assert "Varje månad, rad 1: skriv en dag i månaden" in refused.text


def test_preview_shows_a_monthly_rule() -> None:
    from vaxel.web.admin.schedule_form import ScheduleForm
    from vaxel.web.admin.schedules import preview_days

    form = ScheduleForm(
        "s", weekly=[("mån-fre", "08:00-17:00")], monthly=[("sista fre", "08:00-12:00")]
    )
    days = {
        d["date"]: d for d in preview_days(schedule_from_dict(form.document()), date(2026, 3, 20))
    }
    assert (
        days["2026-03-27"]["hours"] == "08:00–12:00"
        and days["2026-03-27"]["reason"] == "Månadsregel"
    )
    assert days["2026-03-20"]["hours"] == "08:00–17:00"


def test_preview_names_a_swedish_holiday() -> None:
    from vaxel.web.admin.schedules import preview_days

    schedule = schedule_from_dict(
        {"id": "s", "weekly": {"mon-fri": ["08:00-17:00"]}, "holidays": {"eves": "closed"}}
    )
    days = {d["date"]: d for d in preview_days(schedule, date(2026, 12, 20))}
    assert days["2026-12-24"]["open"] is False and "Julafton" in days["2026-12-24"]["name"]
    assert days["2026-12-25"]["reason"] == "Helgdag"
    assert days["2026-12-28"]["hours"] == "08:00–17:00"
    assert len(days) == 14


def test_an_impossible_time_is_refused_with_the_input_kept(web: Web) -> None:
    client, _ = admin(web)
    changes: list[ConfigChange] = []
    configuration(web).listeners.append(changes.append)
    page = client.get("/admin/schedules/kontorstid")
    fields = replaced(form_of(page.text), "weekly_hours", "08:00-15:00", "08:00-25:00")
    refused = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert refused.status_code == 400
    assert "Schemat sparades inte" in refused.text
    assert "&#39;25:00&#39; är ingen tid (00:00–24:00)" in refused.text
    assert "Veckotider, dagar fri" in refused.text
    assert 'value="08:00-25:00"' in refused.text, "the admin's input is kept"
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["weekly"]["fri"] == ["08:00-15:00"]
    assert changes == []


def test_unknown_closed_message_prompt_is_refused(web: Web) -> None:
    client, _ = admin(web)
    page = client.get("/admin/schedules/kontorstid")
    fields = replaced(form_of(page.text), "closed_message", "sv/stangt", "sv/finns-inte")
    refused = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert refused.status_code == 400 and "sv/finns-inte" in refused.text
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["closed_message"] == "sv/stangt"


def test_create_a_schedule(web: Web) -> None:
    client, csrf = admin(web)
    created = client.post(
        "/admin/schedules", data={"csrf": csrf, "id": "sommar", "name": "Sommartid"}
    )
    assert created.status_code == 303 and created.headers["location"] == "/admin/schedules/sommar"
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "sommar")
    assert stored["name"] == "Sommartid"
    again = client.post("/admin/schedules", data={"csrf": csrf, "id": "sommar"})
    assert "redan" in flashed(client, again)
    bad = client.post("/admin/schedules", data={"csrf": csrf, "id": "Ä B"})
    assert flashed(client, bad)


def test_non_admins_get_403(web: Web) -> None:
    for username in ("maria", "chef"):
        client = web.client()
        csrf = sign_in(client, DEMO_TENANT, username)
        assert client.get("/admin/schedules").status_code == 403
        assert client.get("/admin/schedules/kontorstid").status_code == 403
        posted = client.post("/admin/schedules/kontorstid", data={"csrf": csrf, "action": "save"})
        assert posted.status_code == 403


def test_another_tenant_cannot_read_or_edit(web: Web) -> None:
    hashed = PasswordHashing().hash(PASSWORD)
    web.accounts.add_user(OTHER, "admin", "Annan admin", "tenant_admin", hashed)
    client = web.client()
    csrf = sign_in(client, OTHER, "admin")
    assert "kontorstid" not in client.get("/admin/schedules").text
    assert client.get("/admin/schedules/kontorstid").status_code == 404
    posted = client.post(
        "/admin/schedules/kontorstid",
        data={"csrf": csrf, "action": "save", "weekly_days": "mon", "weekly_hours": "stängt"},
    )
    assert posted.status_code == 404
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["weekly"]["mon-thu"] == ["08:00-16:30"]


def test_csrf_is_required(web: Web) -> None:
    client, _ = admin(web)
    fields: list[Any] = [
        (k, v) for k, v in form_of(client.get("/admin/schedules/kontorstid").text) if k != "csrf"
    ]
    refused = client.post("/admin/schedules/kontorstid", data=post_data(fields, "save"))
    assert refused.status_code == 403
    assert client.post("/admin/schedules", data={"id": "x"}).status_code == 403


def test_config_errors_read_in_swedish_by_their_code() -> None:
    from vaxel.core.errors import ConfigError
    from vaxel.web.error_text import rule_text

    backwards = ConfigError("weekly.mon[0]", "interval-backwards", value="08:00")
    assert rule_text(backwards) == "sluttiden 08:00 måste vara efter starttiden"
    weekday = ConfigError("weekly", "weekday", value="fri-mån", allowed="mon tue")
    assert rule_text(weekday).startswith("okänd veckodag 'fri-mån'")
    assert rule_text(ConfigError("x", "something nobody coded")) == "ogiltigt värde"


def test_weekdays_show_in_the_ui_language_and_either_language_is_accepted(web: Web) -> None:
    """Issue 9 §13: the form wrote "mon-thu" while its help said "mån-tor"."""
    client, _ = admin(web)
    page = client.get("/admin/schedules/kontorstid").text
    assert 'name="weekly_days" value="mån-tor"' in page and 'value="fre"' in page
    assert "mon-thu" not in page
    fields = replaced(form_of(page), "weekly_days", "mån-tor", "mon-wed")
    fields = replaced(fields, "weekly_days", "", "torsdag")
    fields = replaced(fields, "weekly_hours", "", "09:00-12:00")
    assert (
        client.post("/admin/schedules/kontorstid", data=post_data(fields, "save")).status_code
        == 303
    )
    stored = configuration(web).documents("schedule").get(DEMO_TENANT, "kontorstid")
    assert stored["weekly"] == {
        "mon-wed": ["08:00-16:30"],
        "fri": ["08:00-15:00"],
        "thu": ["09:00-12:00"],
    }
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get("/admin/schedules/kontorstid").text
    assert 'name="weekly_days" value="mon-wed"' in english and 'value="thu"' in english
    assert "for example mon-thu" in english
