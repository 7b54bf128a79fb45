"""The rule of a department-limited console (OP9, issue 16): her account's units and the
departments of the operator queues she is logged in to, with explicit inputs."""

from __future__ import annotations

from vaxel.directory.console_scope import console_units, within

TREE: dict[str, str | None] = {
    "samhallsbyggnad": None,
    "bygglov": "samhallsbyggnad",
    "miljo": "samhallsbyggnad",
    "utbildning": None,
    "forskola": "utbildning",
}
QUEUES = {"bygglov-vaxel": ("bygglov",), "skola-vaxel": ("utbildning",), "vaxel": ()}


def test_not_logged_in_to_a_limited_queue_keeps_the_accounts_limit() -> None:
    assert console_units((), QUEUES, (), TREE) == ()  # the whole directory
    assert console_units(("miljo",), QUEUES, (), TREE) == ("miljo",)
    assert console_units((), QUEUES, ("vaxel",), TREE) == ()  # a queue naming none
    assert console_units((), QUEUES, ("okand",), TREE) == ()  # a queue with no row: all


def test_logged_in_only_to_limited_queues_gives_the_union_of_their_departments() -> None:
    assert console_units((), QUEUES, ("bygglov-vaxel",), TREE) == ("bygglov",)
    both = console_units((), QUEUES, ("skola-vaxel", "bygglov-vaxel"), TREE)
    assert both == ("bygglov", "utbildning")


def test_one_queue_serving_the_whole_directory_lifts_the_queues_limit() -> None:
    assert console_units((), QUEUES, ("bygglov-vaxel", "vaxel"), TREE) == ()
    assert console_units(("miljo",), QUEUES, ("bygglov-vaxel", "vaxel"), TREE) == ("miljo",)


def test_the_accounts_limit_narrows_the_queues_never_widened_nor_emptied() -> None:
    # her account's Samhällsbyggnad, the queue's Bygglov beneath it: Bygglov
    assert console_units(("samhallsbyggnad",), QUEUES, ("bygglov-vaxel",), TREE) == ("bygglov",)
    # her account's Förskola inside the queue's Utbildning: Förskola stays
    assert console_units(("forskola",), QUEUES, ("skola-vaxel",), TREE) == ("forskola",)
    # two queues, an account over both departments' tops: each part within her account
    mixed = console_units(("bygglov", "forskola"), QUEUES, ("skola-vaxel", "bygglov-vaxel"), TREE)
    assert mixed == ("bygglov", "forskola")
    # no overlap: the queue neither widens her account's limit nor empties her console
    assert console_units(("miljo",), QUEUES, ("skola-vaxel",), TREE) == ("miljo",)


def test_within_follows_parents_and_survives_a_cycle() -> None:
    assert within("bygglov", "samhallsbyggnad", TREE)
    assert within("bygglov", "bygglov", TREE)
    assert not within("samhallsbyggnad", "bygglov", TREE)
    assert not within("a", "c", {"a": "b", "b": "a"})
