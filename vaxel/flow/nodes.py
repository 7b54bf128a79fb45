"""Entering a flow's nodes (IVR1–IVR3, IVR7): play, menu, collect, queue, transfer,
voicemail and hang-up, on :class:`vaxel.flow.session.FlowSession`'s building blocks.

Rules:
- A menu takes one key: an option goes to its node, the operator key (IVR1) to the
  operator from any menu; a wrong key plays ``invalid`` and asks again, nothing keyed asks
  again; after ``repeat`` tries the call goes to ``no_input`` or ends.
- Collect takes ``length`` digits (or up to ``max_length``, ended by the inter-digit
  timeout or ``#``); a personnummer is checked (Luhn) before it is kept in the caller data;
  after ``retries`` bad entries the call goes to ``fail`` or ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.flow import announcements
from vaxel.flow.io import Hangup, SendToVoicemail, TransferCall
from vaxel.flow.model import (
    Announcement,
    Collect,
    Menu,
    Play,
    Prompt,
    QueueNode,
    Transfer,
    Voicemail,
)
from vaxel.flow.model import Hangup as HangupNode
from vaxel.flow.validation import valid_personnummer

if TYPE_CHECKING:
    from vaxel.flow.session import FlowSession, Out

__all__ = ["enter"]


def enter(session: FlowSession, node: object, now: float, out: Out) -> None:
    """Start ``node`` (a node that needs no wait has been followed already: ``goto``)."""
    if isinstance(node, Play | Announcement):
        target = node.next
        session.play(node.prompts, lambda t, o: session.goto(target, t, o), now, out)
    elif isinstance(node, Menu):
        _menu(session, node, 0, now, out)
    elif isinstance(node, Collect):
        _collect(session, node, 0, now, out)
    elif isinstance(node, QueueNode):
        session.queue = announcements.QueueVisit(session, node)
        session.queue.begin(now, out)
    elif isinstance(node, Transfer):
        session.end(out, TransferCall(node.target))
    elif isinstance(node, Voicemail):
        session.end(out, SendToVoicemail(node.box))
    elif isinstance(node, HangupNode):
        session.play(node.prompts, lambda t, o: session.end(o, Hangup()), now, out)


def _menu(session: FlowSession, menu: Menu, attempt: int, now: float, out: Out) -> None:
    def chosen(digits: str, at: float, o: Out) -> None:
        if digits in menu.options:
            session.goto(menu.options[digits], at, o)
        elif session.flow.operator and digits == session.flow.operator_key:
            session.goto(session.flow.operator, at, o)  # IVR1: the operator from any menu
        else:
            retry(at, o, menu.invalid)

    def retry(at: float, o: Out, prompts: tuple[Prompt, ...] = ()) -> None:
        if attempt >= menu.repeat:
            if menu.no_input:
                session.goto(menu.no_input, at, o)
            else:
                session.end(o, Hangup())
            return
        session.play(prompts, lambda t, oo: _menu(session, menu, attempt + 1, t, oo), at, o)

    session.ask(
        session.new_ask(1, 1, menu.timeout_s, menu.timeout_s, chosen, retry), menu.prompts, now, out
    )


def _collect(session: FlowSession, node: Collect, attempt: int, now: float, out: Out) -> None:
    def done(digits: str, at: float, o: Out) -> None:
        good = bool(digits) and (node.validate != "personnummer" or valid_personnummer(digits))
        if good:
            session.caller_data[node.into] = digits
            session.goto(node.next, at, o)
        elif attempt >= node.retries:
            session.goto(node.fail, at, o) if node.fail else session.end(o, Hangup())
        else:
            session.play(
                node.invalid, lambda t, oo: _collect(session, node, attempt + 1, t, oo), at, o
            )

    session.ask(
        session.new_ask(
            node.length,
            node.length or node.max_length,
            node.first_digit_timeout_s,
            node.inter_digit_timeout_s,
            done,
            lambda t, o: done("", t, o),
        ),
        node.prompts,
        now,
        out,
    )
