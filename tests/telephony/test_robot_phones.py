"""baresip robot phones call through Växel (issue 3): a caller hears the Swedish welcome,
picks bygglov with a key, queues, the agent's robot phone answers, both hear the queue's
whisper (Q12), and then each side hears the other's tone. Then the same for a callback (CB9)."""

from __future__ import annotations

import array
import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.telephony.conftest import (
    AGENT_EXTENSION,
    AGENT_ID,
    AGENT_PASSWORD,
    CALLBACK_AGENT_ID,
    CALLBACK_EXTENSION,
    CALLBACK_PASSWORD,
    CUSTOMER_EXTENSION,
    CUSTOMER_PASSWORD,
    Running,
)
from tests.telephony.robots import Robot, read_wav, rms, tone_share
from vaxel.acd.events import CallbackClosed, CallbackRequested
from vaxel.flow.model import Prompt
from vaxel.media.dtmf import goertzel_power
from vaxel.media.g711 import ulaw_decode
from vaxel.prompts import PromptLibrary
from vaxel.sim.demo_tenant import DEMO_TENANT, MAIN_NUMBER
from vaxel.store import ReadModels

pytestmark = pytest.mark.interop
CALLER_HZ, AGENT_HZ = 1000.0, 1500.0


async def wait_for(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


def envelope(samples: list[int], rate: int) -> list[float]:
    """RMS per 20 ms: the shape of speech, independent of codec details."""
    step = rate // 50
    return [rms(samples[i : i + step]) for i in range(0, len(samples) - step + 1, step)]


def correlation(a: list[float], b: list[float]) -> float:
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    mean_a, mean_b = sum(a) / n, sum(b) / n
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    var_a = sum((x - mean_a) ** 2 for x in a) ** 0.5
    var_b = sum((y - mean_b) ** 2 for y in b) ** 0.5
    return cov / (var_a * var_b) if var_a and var_b else 0.0


def heard_prompt(heard: list[int], rate: int, prompt_id: str) -> float:
    """How well the start of ``heard`` matches the prompt's loudness shape (best alignment
    within the first second), over exactly the prompt's duration."""
    prompt = envelope(list(array.array("h", ulaw_decode(PromptLibrary().load(prompt_id)))), 8000)
    got = envelope(heard, rate)
    return max(correlation(got[shift : shift + len(prompt)], prompt) for shift in range(50))


def find_prompt(heard: list[int], rate: int, prompt_id: str) -> tuple[float, int]:
    """The best match of the prompt's loudness shape anywhere in ``heard``, and the 20 ms
    frame where that match ends."""
    prompt = envelope(list(array.array("h", ulaw_decode(PromptLibrary().load(prompt_id)))), 8000)
    got = envelope(heard, rate)
    matches = (
        (correlation(got[shift : shift + len(prompt)], prompt), shift + len(prompt))
        for shift in range(max(1, len(got) - len(prompt)))
    )
    return max(matches)


def tone_onset(samples: list[int], frequency: float, rate: int) -> int:
    """The first 20 ms frame from which a 200 ms window is mostly ``frequency``."""
    frame, window = rate // 50, rate // 5
    for start in range(0, len(samples) - window, frame):
        if goertzel_power(samples[start : start + window], frequency, rate) > 0.5:
            return start // frame
    raise AssertionError(f"no {frequency} Hz tone heard")


async def phone_robot(
    base: Path, name: str, port: int, extension: str, password: str, tone_hz: float
) -> Robot:
    """A registered robot phone that answers every call itself."""
    account = f"<sip:{extension}@127.0.0.1:{port}>;auth_pass={password};answermode=auto;regint=300"
    return await Robot.start(base, name, account, tone_hz)


async def test_robot_caller_reaches_robot_agent_and_both_hear_each_other(
    running: Running, tmp_path: Path
) -> None:
    port = running.port
    agent = await phone_robot(tmp_path, "agent", port, AGENT_EXTENSION, AGENT_PASSWORD, AGENT_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"
        )
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)  # the welcome prompt cannot be interrupted (IVR2)
        await caller.keys("2")  # bygglov
        await wait_for(lambda: any(c.bridged for c in running.service.switch.calls.values()), 15)
        await asyncio.sleep(3.0)  # talk
        await caller.command("hangup")
        await wait_for(lambda: not running.service.switch.calls, 5)
    finally:
        caller_log = await caller.stop()
        agent_log = await agent.stop()
    heard, rate = read_wav(caller.heard)
    assert heard_prompt(heard, rate, "sv/exempelby/valkommen") > 0.95, caller_log[-2000:]
    assert tone_share(heard, AGENT_HZ, rate) > 0.5, "the caller never heard the agent"
    # Q12: the caller hears the queue's whisper (not ringback) just before the agent
    match, whisper_end = find_prompt(heard, rate, "sv/exempelby/whisper-bygglov")
    assert match > 0.9, f"the caller did not hear the whisper (best match {match:.2f})"
    # the first window that is mostly the agent's tone starts at most one window (10 frames)
    # before the tone itself, so a whisper over before the bridge ends by then
    assert whisper_end <= tone_onset(heard, AGENT_HZ, rate) + 10, "whisper after the bridge"
    agent_heard, agent_rate = read_wav(agent.heard)
    assert tone_share(agent_heard, CALLER_HZ, agent_rate) > 0.5, agent_log[-2000:]
    assert heard_prompt(agent_heard, agent_rate, "sv/exempelby/whisper-bygglov") > 0.9
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert (record.queue_id, record.agent_id, record.caller_number) == (
        "bygglov",
        AGENT_ID,
        "0701234567",
    )
    assert record.answered_at is not None and record.ended_at is not None


async def test_a_callback_rings_the_agent_first_then_the_customer_and_they_talk(
    running: Running, tmp_path: Path
) -> None:
    """CB9 with robot phones: agent's phone first, then the customer's; CB10 closes it."""
    port = running.port
    agent = await phone_robot(
        tmp_path, "agent", port, CALLBACK_EXTENSION, CALLBACK_PASSWORD, AGENT_HZ
    )
    customer = await phone_robot(
        tmp_path, "customer", port, CUSTOMER_EXTENSION, CUSTOMER_PASSWORD, CALLER_HZ
    )
    try:
        await wait_for(
            lambda: (
                running.center.acd.agent_view(DEMO_TENANT, CALLBACK_AGENT_ID).state.value == "ready"
            )
        )
        await wait_for(
            lambda: bool(
                running.service.registration.bindings(
                    running.service.directory.extensions[CUSTOMER_EXTENSION]
                )
            )
        )
        running.center.submit(
            CallbackRequested(DEMO_TENANT, "kundtjanst", CUSTOMER_EXTENSION, caller_data={}),
            time.time(),
        )
        running.service.after_external_submit()  # as the web app does after a CB7 request
        await wait_for(lambda: any(c.bridged for c in running.service.switch.calls.values()), 15)
        await asyncio.sleep(3.0)
        await customer.command("hangup")
        await wait_for(lambda: not running.service.switch.calls, 5)
    finally:
        customer_log = await customer.stop()
        agent_log = await agent.stop()
    customer_heard, rate = read_wav(customer.heard)
    assert tone_share(customer_heard, AGENT_HZ, rate) > 0.5, customer_log[-2000:]
    agent_heard, rate = read_wav(agent.heard)
    assert tone_share(agent_heard, CALLER_HZ, rate) > 0.5, agent_log[-2000:]
    [callback] = ReadModels(running.center.database).callbacks(DEMO_TENANT)
    assert callback.attempts == 1 and callback.agents_tried == (CALLBACK_AGENT_ID,)
    running.center.submit(
        CallbackClosed(
            DEMO_TENANT, callback.contact_id, CALLBACK_AGENT_ID, "done", "Kunden hjälpt"
        ),
        time.time(),
    )
    [closed] = ReadModels(running.center.database).callbacks(DEMO_TENANT)
    assert closed.status == "done" and closed.last_note == "Kunden hjälpt"


@pytest.mark.parametrize("who", ["caller", "agent"])
async def test_a_hang_up_during_the_whisper_ends_the_call_for_both(
    running: Running, tmp_path: Path, who: str
) -> None:
    """Q12 with Q22: either side may hang up while both hear the whisper; the other is
    hung up and the agent goes to wrap-up, not left busy with a call that is gone."""
    service = running.service.directory.numbers[MAIN_NUMBER]
    queue_node = service.flow.nodes["bygglov_ko"]
    long_whisper = replace(queue_node, whisper=(Prompt("sv/exempelby/valkommen"),))  # 2.3 s
    flow = replace(service.flow, nodes={**service.flow.nodes, "bygglov_ko": long_whisper})
    running.service.directory.numbers[MAIN_NUMBER] = replace(service, flow=flow)
    port = running.port
    agent = await phone_robot(tmp_path, "agent", port, AGENT_EXTENSION, AGENT_PASSWORD, AGENT_HZ)
    caller = await Robot.start(tmp_path, "caller", "<sip:0701234567@127.0.0.1>;regint=0", CALLER_HZ)
    switch = running.service.switch
    try:
        await wait_for(
            lambda: running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value == "ready"
        )
        await caller.command("dial", f"sip:{MAIN_NUMBER}@127.0.0.1:{port}")
        await asyncio.sleep(3.5)
        await caller.keys("2")
        await wait_for(lambda: any(c.agent and not c.bridged for c in switch.calls.values()), 15)
        await (caller if who == "caller" else agent).command("hangup")
        await wait_for(lambda: not switch.calls, 5)
    finally:
        await caller.stop()
        await agent.stop()
    state = running.center.acd.agent_view(DEMO_TENANT, AGENT_ID).state.value
    assert state == "wrap_up", f"the agent is {state} after the call ended during the whisper"
    [record] = ReadModels(running.center.database).contacts(DEMO_TENANT)
    assert record.answered_at is not None and record.ended_at is not None
