"""Accounts in the store: which of the open live streams' sessions are still live, in one
query for all of them (issue 10 §9; the web benchmark's tail, issue 12)."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from vaxel.store import Tenant, Tenants, open_database, tables, upgrade
from vaxel.store.accounts import Accounts


def test_live_sessions_leaves_out_signed_out_expired_deactivated_and_removed(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    Tenants(engine).add(Tenant("b", "B"))
    accounts = Accounts(engine)
    anna = accounts.add_user("a", "anna", "Anna", "agent", "hash")
    bo = accounts.add_user("a", "bo", "Bo", "supervisor", "hash")
    cilla = accounts.add_user("a", "cilla", "Cilla", "agent", "hash")
    dan = accounts.add_user("b", "dan", "Dan", "agent", "hash")
    accounts.open_session(anna, "anna-1", "c", 0.0, 100.0)
    accounts.open_session(anna, "anna-2", "c", 0.0, 100.0)
    accounts.open_session(anna, "anna-old", "c", 0.0, 10.0)  # expired at 10
    accounts.open_session(anna, "anna-out", "c", 0.0, 100.0)
    accounts.open_session(bo, "bo", "c", 0.0, 100.0)
    accounts.open_session(cilla, "cilla", "c", 0.0, 100.0)
    accounts.open_session(dan, "dan", "c", 0.0, 100.0)
    accounts.close_session("anna-out")
    accounts.set_password_hash(bo, None)  # deactivated
    accounts.remove_user(cilla)
    tokens = ["anna-1", "anna-2", "anna-old", "anna-out", "bo", "cilla", "dan", "unknown"]

    assert accounts.live_sessions(tokens, 50.0) == {"anna-1", "anna-2", "dan"}
    assert accounts.live_sessions(tokens, 100.0) == set()  # expired at 0 + 100
    assert accounts.live_sessions([], 50.0) == set()
    for token in ("anna-1", "anna-old", "bo", "unknown"):  # agrees with one lookup
        single = accounts.session(token, 50.0)
        alone = single is not None and single.user.active
        assert alone == (token in accounts.live_sessions([token], 50.0))


def test_live_sessions_answers_for_more_tokens_than_one_in_list_holds(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    upgrade(engine)
    Tenants(engine).add(Tenant("a", "A"))
    accounts = Accounts(engine)
    anna = accounts.add_user("a", "anna", "Anna", "agent", "hash")
    live = [f"live-{n}" for n in range(620)]
    rows = [
        {
            "token_hash": hashlib.sha256(token.encode()).hexdigest(),
            "tenant_id": "a",
            "user_id": anna.user_id,
            "csrf_token": "c",
            "created_at": 0.0,
            "expires_at": 100.0,
        }
        for token in live
    ]
    with engine.begin() as connection:  # one transaction: 620 sessions opened one by one is slow
        connection.execute(sa.insert(tables.web_sessions), rows)
    unknown = [f"unknown-{n}" for n in range(600)]

    assert accounts.live_sessions(unknown + live, 50.0) == set(live)
