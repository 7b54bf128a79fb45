"""503 with ``Retry-After`` while the database cannot be written (issue 10 §1).

Two ways an outage reaches the edge: the runtime's :class:`StoreUnavailable` (a journal
write was refused; the runtime has logged why) and a driver's operational error from any
other write or read (a sign-in on a full disk). Both become 503 with the time to wait; the
second is logged here with the driver's one-line reason — never the SQL — since nobody
else saw it. The API answers RFC 9457 problem details with the stable code
``store-unavailable``; a page gets the HTML error page (``errors.py``).
"""

from __future__ import annotations

import logging
import math

from fastapi import FastAPI, Request
from fastapi.responses import Response

from vaxel.store.availability import (
    DRIVER_ERRORS,
    RETRY_AFTER_S,
    StoreUnavailable,
    outage_reason,
)
from vaxel.web.errors import error_page, problem_response, wants_problem
from vaxel.web.i18n import gettext

__all__ = ["install_unavailable_handlers", "unavailable_response"]

log = logging.getLogger(__name__)


def unavailable_response(request: Request, retry_after_s: float) -> Response:
    """The 503 answer: a problem for the API and JSON clients, the error page for people."""
    message = gettext("Databasen går inte att skriva till just nu. Försök igen om en stund.")
    headers = {"Retry-After": str(max(1, math.ceil(retry_after_s)))}
    if wants_problem(request):
        return problem_response(503, message, code="store-unavailable", headers=headers)
    return error_page(request, 503, message, headers)


async def _store_unavailable(request: Request, error: Exception) -> Response:
    assert isinstance(error, StoreUnavailable)
    return unavailable_response(request, error.retry_after_s)


async def _driver_error(request: Request, error: Exception) -> Response:
    reason = outage_reason(error)
    if reason is None:  # an interface error that is a bug, not an outage
        raise error
    log.warning("%s %s: the database is unavailable (%s)", request.method, request.url.path, reason)
    return unavailable_response(request, RETRY_AFTER_S)


def install_unavailable_handlers(app: FastAPI) -> None:
    """Answer store outages with 503 and ``Retry-After`` instead of 500 or 422."""
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    for driver_error in DRIVER_ERRORS:
        app.add_exception_handler(driver_error, _driver_error)
