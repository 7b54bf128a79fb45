"""Sign-in under attack (issue 10 §3): concurrent wrong passwords keep memory bounded and
let a real user in; repeated guesses are throttled, yet the real user gets in after a
short, bounded wait. Runs on uvloop, as production does."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import httpx
import uvloop
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Web
from vaxel.sim.demo_tenant import DEMO_TENANT
from vaxel.web.passwords import PasswordHashing
from vaxel.web.security import LOGIN_CSRF_COOKIE

ATTACKERS = 12
ARGON2_MIB = 64


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def sign_in(app: object, source: str, username: str, password: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(source, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://vaxel") as client:
        client.cookies.set(LOGIN_CSRF_COOKIE, "csrf-token")
        form = {"organisation": DEMO_TENANT, "username": username, "password": password}
        return await client.post("/login", data=form | {"csrf": "csrf-token"})


def one_check_s() -> float:
    """What one password check costs on this machine now: the median of three, one at a
    time, with the web's own hashing parameters."""
    hashing = PasswordHashing()
    stored = hashing.hash(PASSWORD)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        assert not hashing.verify(stored, "fel-losenord")
        times.append(time.perf_counter() - started)
    return sorted(times)[1]


def test_concurrent_wrong_sign_ins_keep_memory_bounded_and_let_a_user_in(
    production_argon2: None, web: Web
) -> None:
    maria = web.accounts.find(DEMO_TENANT, "maria")
    assert maria is not None and str(maria.password_hash).startswith("$argon2id$v=19$m=65536,")
    check_s = one_check_s()
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib())
            time.sleep(0.002)

    async def flood() -> tuple[list[httpx.Response], httpx.Response, float]:
        attacks = [
            sign_in(web.app, f"10.0.0.{i}", f"gissning{i}", "fel-losenord")
            for i in range(ATTACKERS)
        ]
        started = time.perf_counter()
        *wrong, right = await asyncio.gather(
            *attacks, sign_in(web.app, "10.1.0.1", "maria", PASSWORD)
        )
        return wrong, right, time.perf_counter() - started

    before = rss_mib()
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        wrong, right, elapsed = uvloop.run(flood())
    finally:
        done.set()
        sampler.join()
    growth = peak[0] - before
    # Unbounded, 12 hashes at 64 MiB each ran at once (768 MiB); two at a time: 128 MiB.
    assert growth < 5 * ARGON2_MIB, f"RSS grew {growth:.0f} MiB"
    assert all(r.status_code == 401 for r in wrong)
    assert right.status_code == 303 and right.headers["location"] == "/", right.text
    # The user is in once the checks queued ahead are done: no throttle, no starving. Bound by
    # what the checks cost here and now (before and after, the load changes), not in fixed
    # seconds: a bound of 10 s failed at 16.8 s in a whole-suite run; at load 19-20 the flood
    # took 17-19 s with one check at 1.3-1.5 s, the two slots no faster than one.
    check_s = max(check_s, one_check_s())
    everyone = ATTACKERS + 1
    assert elapsed < 2 * everyone * check_s + 1.0, f"{elapsed:.1f} s, one check {check_s:.2f} s"


def test_guessing_one_account_is_throttled_and_the_user_still_gets_in(web: Web) -> None:
    now = [time.time()]
    web.app.state.context.clock = lambda: now[0]  # type: ignore[attr-defined]
    attacker = TestClient(web.app, follow_redirects=False, client=("10.2.0.1", 40000))  # type: ignore[arg-type]
    user = TestClient(web.app, follow_redirects=False, client=("10.3.0.1", 40000))  # type: ignore[arg-type]

    def attempt(client: TestClient, password: str) -> httpx.Response:
        page = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        form = {"organisation": DEMO_TENANT, "username": "maria", "password": password}
        return client.post("/login", data=form | {"csrf": csrf})

    answers = []
    for _ in range(200):
        answers.append(attempt(attacker, "fel-losenord").status_code)
        now[0] += 0.18  # 5.6 guesses a second, as in the attack
    checked = answers.count(401)
    assert answers.count(429) == 200 - checked
    assert checked < 12, f"{checked} of 200 guesses were checked"
    # The right password during the back-off is not even checked: no oracle, no way in.
    throttled = attempt(attacker, PASSWORD)
    assert throttled.status_code == 429
    assert "sekunder" in throttled.text
    wait = int(throttled.headers["Retry-After"])
    assert 1 <= wait <= 30
    # The real user, from a source with no failures, gets in once the account's short
    # back-off (at most 30 s after the last guess) has passed.
    assert attempt(user, PASSWORD).status_code == 429
    now[0] += 30
    signed_in = attempt(user, PASSWORD)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"


def test_one_source_guessing_many_accounts_is_throttled(web: Web) -> None:
    now = [time.time()]
    web.app.state.context.clock = lambda: now[0]  # type: ignore[attr-defined]

    async def spray() -> list[int]:
        answers = []
        for i in range(16):
            answer = await sign_in(web.app, "10.4.0.1", f"namn{i}", "fel-losenord")
            answers.append(answer.status_code)
            now[0] += 0.1
        return answers

    answers = uvloop.run(spray())
    assert answers[:10] == [401] * 10
    assert set(answers[11:]) == {429}
