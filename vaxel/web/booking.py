"""Booking a callback through the REST API within the queue's opening hours (CB2, CB7, Q1;
issue 9 §5).

The engine knows the queue's callback intervals but not its opening hours (schedules are
documents the runtime evaluates), so the API looks both up here and hands the engine a start
time it has already checked. Refusals become problem details with a stable code and a
message in the client's language — never the SIP status text of the dial policy
("403 International calls are barred").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from pydantic import BaseModel, Field

from vaxel.acd.callbacks import CallbackRefused, bookable_start
from vaxel.acd.commands import NotifyCallbackCreated
from vaxel.acd.events import CallbackRequested
from vaxel.acd.model import CallbackSettings
from vaxel.core.clock import to_local
from vaxel.core.dial_policy import DialRefusal, NumberRefused
from vaxel.core.errors import VaxelError
from vaxel.schedule import Schedule, schedule_from_dict
from vaxel.web.context import WebContext
from vaxel.web.dialing import REFUSALS
from vaxel.web.errors import ApiProblem
from vaxel.web.i18n import gettext

__all__ = [
    "CallbackWindowOut",
    "book_callback",
    "local_datetime",
    "number_problem",
    "queue_callback_hours",
    "refusal_problem",
]


class CallbackWindowOut(BaseModel):
    interval: str = Field(description="The interval's id, to send as `interval`")
    day: date = Field(description="The Stockholm day, to send as `day`")
    start: datetime = Field(description="ISO 8601 with offset; now for a window under way")
    end: datetime = Field(description="ISO 8601 with offset")


def local_datetime(epoch: float) -> datetime:
    """Stockholm time with its offset, so a client shows the time the agent will call."""
    return to_local(epoch).replace(microsecond=0)


def queue_callback_hours(
    ctx: WebContext, tenant_id: str, queue_id: str
) -> tuple[CallbackSettings, Schedule | None]:
    """The queue's callback settings and opening hours; a problem when the queue is unknown
    to the tenant or takes no callbacks."""
    config = ctx.center.running_queues(tenant_id).get(queue_id)  # under the lock (§10)
    if config is None:
        message = gettext("Det finns ingen kö med id:t {}").format(queue_id)
        raise ApiProblem(422, "unknown-queue", message, errors=[_field("queue", message)])
    settings = config.callback
    if not settings.enabled:
        message = gettext("Kön {} tar inte emot återuppringningar").format(queue_id)
        raise ApiProblem(422, "callbacks-disabled", message, errors=[_field("queue", message)])
    if not settings.schedule_id or not ctx.settings.opening_hours:
        return settings, None
    try:
        document = ctx.configuration.documents("schedule").get(tenant_id, settings.schedule_id)
        return settings, schedule_from_dict(document)
    except (KeyError, VaxelError):
        message = gettext("Köns öppettider ({}) saknas; kontakta organisationen").format(
            settings.schedule_id
        )
        raise ApiProblem(409, "opening-hours-missing", message) from None


def book_callback(
    ctx: WebContext,
    tenant_id: str,
    queue_id: str,
    number: str,
    interval_id: str,
    day: date | None,
    data: Mapping[str, str],
) -> NotifyCallbackCreated:
    """CB7: book a callback from the website, durable once this returns; every refusal is
    an :class:`ApiProblem` naming the field to change."""
    try:
        checked = ctx.dial_policy(tenant_id).check(number)
    except NumberRefused as error:
        raise number_problem(error) from None
    settings, hours = queue_callback_hours(ctx, tenant_id, queue_id)
    now = ctx.clock()
    try:
        start = bookable_start(settings, hours, queue_id, interval_id, day, now)
    except CallbackRefused as error:
        raise refusal_problem(error) from None
    event = CallbackRequested(
        tenant_id, queue_id, checked, interval_id, dict(data), "", "api", start
    )
    try:
        # The runtime's lock orders this submit against the pages' worker threads (§10).
        commands = ctx.center.submit(event, now)
    except VaxelError:
        message = gettext("Återuppringningen kunde inte bokas; försök igen")
        raise ApiProblem(409, "callback-refused", message) from None
    ctx.after_submit()
    return next(c for c in commands if isinstance(c, NotifyCallbackCreated))


def refusal_problem(error: CallbackRefused) -> ApiProblem:
    """The booking rule that was broken, as a problem naming the field to change."""
    if error.code == "unknown-interval":
        message = gettext("Kön har inget tidsfönster {}; välj ett av de erbjudna").format(
            error.interval_id
        )
        return ApiProblem(422, error.code, message, errors=[_field("interval", message)])
    if error.code == "interval-closed":
        if error.day is not None:
            message = gettext("Kön är stängd under tidsfönstret {} den {}").format(
                error.interval_id, error.day.isoformat()
            )
        else:
            message = gettext("Tidsfönstret {} ligger utanför köns öppettider").format(
                error.interval_id
            )
        return ApiProblem(422, error.code, message, errors=[_field("interval", message)])
    message = gettext("Kön öppnar inte inom de närmaste två veckorna")
    return ApiProblem(422, error.code, message)


def number_problem(error: NumberRefused) -> ApiProblem:
    """A number the dial policy refused, in the client's language with a stable code:
    ``invalid-number``, or ``number-barred`` with the policy's ``reason`` (premium-rate,
    non-geographic, international-barred; issue 10 §11)."""
    if error.code is DialRefusal.INVALID:
        message = gettext("Ange ett telefonnummer som går att ringa, t.ex. 070-123 45 67")
        return ApiProblem(422, "invalid-number", message, errors=[_field("number", message)])
    if error.code is DialRefusal.INTERNATIONAL:
        message = gettext("Utlandsnummer kan inte bokas för återuppringning")
    else:
        message = gettext(REFUSALS[error.code])
    return ApiProblem(
        422, "number-barred", message, reason=error.code.value, errors=[_field("number", message)]
    )


def _field(name: str, message: str) -> dict[str, str]:
    return {"field": name, "message": message}
