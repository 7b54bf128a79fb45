"""Errors as a person or a program expects them (issue 9 §4, §5).

A page gets an HTML error page in the user's language with a way back; the REST API (paths
under ``/api/``) and a client that asks for JSON get RFC 9457 problem details
(``application/problem+json`` with ``type``, ``title``, ``status`` and ``detail``) in the
language of its ``Accept-Language``. FastAPI's defaults — ``{"detail": "Not Found"}`` and
pydantic's English 422 list — reach nobody.

Handlers raise ``HTTPException`` with a message already translated (``gettext`` at the raise),
:class:`ApiProblem` when the API has a stable code to give a client, or let the core's
:class:`~vaxel.core.errors.VaxelError` pass: it is translated by its code (issue 12 §4) and
its status chosen here. This module is the one place that turns any of them into a response
(STYLE rule 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vaxel.core.errors import NotFound, VaxelError
from vaxel.web.error_text import error_status, error_text, problem_params
from vaxel.web.flash import FlashRedirect
from vaxel.web.i18n import N_, gettext, language
from vaxel.web.rendering import TEMPLATES

__all__ = [
    "PROBLEM_JSON",
    "ApiProblem",
    "error_page",
    "field_errors",
    "install_error_handlers",
    "problem_response",
    "wants_problem",
]

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:vaxel:problem:"
"""``type`` of Växel's own problems: a URN (RFC 9457 §3.1.1 allows a URI that is not
resolved); the part after it is the stable ``code``, also sent on its own."""

TITLES = {
    400: N_("Felaktig förfrågan"),
    401: N_("Inloggning krävs"),
    403: N_("Åtkomst nekad"),
    404: N_("Hittades inte"),
    405: N_("Metoden stöds inte"),
    409: N_("Konflikt"),
    413: N_("För stor förfrågan"),
    415: N_("Formatet stöds inte"),
    422: N_("Ogiltiga uppgifter"),
    429: N_("För många förfrågningar"),
    500: N_("Något gick fel"),
    503: N_("Tillfälligt otillgänglig"),
}
DEFAULT_DETAILS = {
    404: N_("Det finns ingen sida på den adressen."),
    405: N_("Adressen finns men tar inte emot den sortens förfrågan."),
    500: N_("Ett oväntat fel inträffade. Försök igen om en stund."),
}
FIELD_MESSAGES = {
    "missing": N_("saknas"),
    "string_too_long": N_("högst {max_length} tecken"),
    "string_too_short": N_("minst {min_length} tecken"),
    "too_long": N_("högst {max_length} värden"),
    "string_type": N_("ska vara en text"),
    "int_parsing": N_("ska vara ett heltal"),
    "int_type": N_("ska vara ett heltal"),
    "float_parsing": N_("ska vara ett tal"),
    "float_type": N_("ska vara ett tal"),
    "bool_parsing": N_("ska vara true eller false"),
    "dict_type": N_("ska vara ett objekt"),
    "model_attributes_type": N_("ska vara ett objekt"),
    "json_invalid": N_("är inte giltig JSON"),
    "greater_than_equal": N_("minst {ge}"),
    "less_than_equal": N_("högst {le}"),
}


class ApiProblem(Exception):
    """A refusal of the REST API with a stable ``code`` (STYLE rule 5): the response is
    ``type`` ``urn:vaxel:problem:<code>``; ``detail`` is already in the client's language."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra


def status_title(status: int) -> str:
    """The status's name in the current language (RFC 9457 ``title`` for ``about:blank``)."""
    title = TITLES.get(status)
    if title is not None:
        return gettext(title)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


def wants_problem(request: Request) -> bool:
    """JSON for the REST API and for a client that asks for JSON; HTML for everything else
    (a browser, a link, a form post)."""
    path = request.url.path
    if path.startswith("/api/") and not path.startswith("/api/docs"):
        return True
    accept = request.headers.get("accept", "")
    return "text/html" not in accept and ("json" in accept)


def problem_response(
    status: int,
    detail: str,
    *,
    code: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """An RFC 9457 problem: ``about:blank`` with the status as title, or Växel's ``code``."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code if code else "about:blank",
        "title": status_title(status),
        "status": status,
        "detail": detail,
    }
    if code:
        body["code"] = code
    body.update(extra)
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={**(headers or {}), "Content-Language": language()},
    )


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """pydantic's errors as ``{"field": "number", "message": "högst 40 tecken"}`` in the
    current language: the field named the way the client sent it, no English, no input echo."""
    found = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in _SOURCES]
        template = FIELD_MESSAGES.get(str(error.get("type", "")))
        context = error.get("ctx") or {}
        try:
            message = gettext(template).format(**context) if template else ""
        except (KeyError, IndexError):
            message = ""
        found.append(
            {"field": ".".join(location) or "body", "message": message or gettext("ogiltigt värde")}
        )
    return found


_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})


def error_page(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    """The HTML error page in the user's language (``headers`` e.g. ``Retry-After``)."""
    response = TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"lang": language(), "title": status_title(status), "detail": detail, "status": status},
        status_code=status,
        headers=headers,
    )
    response.headers["Content-Language"] = language()
    return response


def _detail(status: int, detail: Any) -> str:
    """The handler's own message, or a translated default for Starlette's English phrase."""
    text = detail if isinstance(detail, str) else ""
    try:
        if text == HTTPStatus(status).phrase:
            text = ""
    except ValueError:
        pass
    if not text and status in DEFAULT_DETAILS:
        return gettext(DEFAULT_DETAILS[status])
    return text or status_title(status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if 300 <= exc.status_code < 400 and "Location" in headers:
        if request.url.path.startswith("/api/"):  # a program is not sent to the sign-in page
            return problem_response(401, gettext("Kräver inloggning på webben"))
        return Response(status_code=exc.status_code, headers=headers)  # sign-in redirect
    detail = _detail(exc.status_code, exc.detail)
    if wants_problem(request):
        return problem_response(exc.status_code, detail, headers=headers)
    kept = {k: v for k, v in headers.items() if k.lower() == "retry-after"}
    return error_page(request, exc.status_code, detail, kept or None)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    if wants_problem(request):
        return problem_response(422, detail, code="invalid-request", errors=errors)
    return error_page(
        request, 400, gettext("Formuläret innehöll ogiltiga uppgifter: {}").format(detail)
    )


async def _api_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc.status, exc.detail, code=exc.code, **exc.extra)


async def _vaxel_error(request: Request, exc: Exception) -> Response:
    """A domain or config error no handler caught: translated by its code (issue 12 §4).
    A program gets problem details with the code and parameters; a refused form post goes
    back to the page its route names (``deps.returns_to``), the form filled in again
    (passwords and the CSRF token aside); anything else gets the error page — also a post
    about something that does not exist (``NotFound``: 404, there is no form to go back to)."""
    assert isinstance(exc, VaxelError)
    status, detail = error_status(exc), error_text(exc)
    if wants_problem(request):
        return problem_response(status, detail, code=exc.code, params=problem_params(exc))
    back_to = getattr(request.state, "back_to", "")
    if request.method == "POST" and back_to and not isinstance(exc, NotFound):
        form = getattr(request.state, "form", None)
        refill = {
            key: value
            for key, value in (form.items() if form is not None else ())
            if isinstance(value, str) and key != "csrf" and "password" not in key
        }
        return FlashRedirect(back_to, detail, refill)
    return error_page(request, status, detail)


async def _unexpected(request: Request, exc: Exception) -> Response:
    detail = gettext(DEFAULT_DETAILS[500])
    if wants_problem(request):
        return problem_response(500, detail)
    return error_page(request, 500, detail)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through this module (``create_app`` calls it once)."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(VaxelError, _vaxel_error)
    app.add_exception_handler(Exception, _unexpected)
