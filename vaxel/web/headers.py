"""Security headers on every response (ADM2: secure by default).

The pages load their one script from ``/static`` and have no inline script or event
handler attribute, so the Content-Security-Policy allows scripts from the site only. They
do carry inline styles (a ``<style>`` block in ``base.html`` and ``style=`` attributes), so
styles allow ``'unsafe-inline'`` — styles cannot run code, and moving them to a stylesheet
would tighten this. The OpenAPI page (``/api/docs``) is FastAPI's Swagger UI: its bundle
comes from the jsDelivr CDN and it starts with an inline script, so that one page gets a
policy of its own; it shows no data of its own (the API needs a key).

A pure ASGI middleware rather than ``@app.middleware("http")``: it only touches the start
of the response, so server-sent-event streams pass through unbuffered.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DOCS_POLICY", "PAGE_POLICY", "SecurityHeaders"]

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/api/docs", "/api/docs/oauth2-redirect"})


class SecurityHeaders:
    """Adds CSP, frame, referrer and sniffing headers; HSTS when served over HTTPS."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    def _headers(self, path: str) -> list[tuple[bytes, bytes]]:
        policy = DOCS_POLICY if path in DOCS_PATHS else PAGE_POLICY
        headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), geolocation=(), payment=(), usb=()"),
        ]
        if self.hsts:
            headers.append((b"strict-transport-security", b"max-age=31536000"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._headers(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
