"""The operator console's rules without a browser (issue 16 §1–§2, OP1, OP2, Q21, Q28):
who a caller is, and what the console shows of the engine's panel and board."""

from __future__ import annotations

from typing import Any

from vaxel.web.operator_view import console_view, same_number, who_is

PEOPLE = [
    ({"name": "Karin Carlsson", "unit": "Bygglov"}, ["1005"]),
    ({"name": "Elin Carlsson", "unit": "Skolan"}, ["2091", "+46812342091", "+46709220690"]),
]


def test_a_number_is_the_same_however_it_is_written() -> None:
    assert same_number("070-922 06 90", "+46709220690")
    assert same_number("0046709220690", "+46709220690")
    assert same_number("1005", "1005")
    assert not same_number("1005", "2091")
    assert not same_number("", "")


def test_the_card_names_a_caller_the_directory_knows_and_no_one_else() -> None:
    assert who_is("0709220690", PEOPLE) == {"name": "Elin Carlsson", "unit": "Skolan"}
    assert who_is("08-123 420 91", PEOPLE) == {"name": "Elin Carlsson", "unit": "Skolan"}
    assert who_is("0701234567", PEOPLE) is None
    assert who_is("", PEOPLE) is None  # a hidden number is nobody


def _panel(contact: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "known": True,
        "state": "busy" if contact else "paused",
        "pause_reason": "",
        "queues": [
            {"id": "vaxel", "name": "Växel", "in": True},
            {"id": "reserv", "name": "Reserv", "in": False},
        ],
        "waiting": [{"id": "c2", "queue": "Växel", "caller_number": "0701", "waited_s": 40}],
        "contact": contact,
    }


BOARD = {
    "queues": [
        {"id": "vaxel", "open": True, "waiting": 1, "longest_wait_s": 40},
        {"id": "kundtjanst", "open": True, "waiting": 9, "longest_wait_s": 300},
    ],
    "agents": [
        {"id": "kristina", "name": "Kristina Olsson", "queues": ["vaxel"], "in_state_s": 12},
        {"id": "anna", "name": "Anna Lindqvist", "queues": ["vaxel", "kundtjanst"]},
        {"id": "maria", "name": "Maria Johansson", "queues": ["kundtjanst"]},
    ],
}


def test_her_queues_show_waits_and_who_else_is_logged_in() -> None:
    view = console_view(_panel(), BOARD, "kristina", lambda number: None)
    assert [q["id"] for q in view["queues"]] == ["vaxel", "reserv"]  # hers only
    vaxel, reserv = view["queues"]
    assert (vaxel["in"], vaxel["waiting"], vaxel["longest_wait_s"]) == (True, 1, 40)
    assert vaxel["others"] == ["Anna Lindqvist"]  # not herself, not Maria
    assert (reserv["in"], reserv["waiting"], reserv["others"]) == (False, 0, [])
    assert view["waiting"][0]["id"] == "c2"
    assert view["call"] is None


def test_the_call_in_hand_shows_the_caller_the_queue_the_wait_and_her_time() -> None:
    contact = {
        "id": "c1",
        "queue": "Växel",
        "state": "busy",
        "caller_number": "0709220690",
        "waited_s": 35,
        "dialled_number": "+46812342091",
    }
    asked: list[str] = []

    def lookup(number: str) -> dict[str, str] | None:
        asked.append(number)
        return who_is(number, PEOPLE)

    call = console_view(_panel(contact), BOARD, "kristina", lookup)["call"]
    assert call == {
        "id": "c1",
        "queue": "Växel",
        "state": "busy",
        "caller_number": "0709220690",
        "caller": {"name": "Elin Carlsson", "unit": "Skolan"},
        "waited_s": 35,
        "in_hand_s": 12,
        "dialled_number": "+46812342091",  # the contact's record (OP2)
    }
    assert asked == ["0709220690"]
    hidden = console_view(_panel(contact | {"caller_number": ""}), BOARD, "kristina", lookup)
    assert hidden["call"]["caller"] is None and asked == ["0709220690"]  # nobody looked up


def test_an_account_the_engine_does_not_know_sees_an_empty_console() -> None:
    view = console_view({"known": False}, BOARD, "nobody", lambda number: None)
    assert view == {"known": False, "queues": [], "waiting": [], "call": None, "state": ""}
