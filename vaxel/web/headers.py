"""Security headers on every response (ADM2: secure by default).

The pages load their scripts from ``/static`` and have no inline script or event
handler attribute, so the Content-Security-Policy allows scripts from the site only. They
do carry inline styles (a ``<style>`` block in ``base.html`` and ``style=`` attributes), so
styles allow ``'unsafe-inline'`` — styles cannot run code, and moving them to a stylesheet
would tighten this. The API documentation (``/api/docs``) is held to the same policy: its
Swagger UI is served by the app and started from a script file (``vaxel.web.api_docs``).

A pure ASGI middleware rather than ``@app.middleware("http")``: it only touches the start
of the response, so server-sent-event streams pass through unbuffered.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["PAGE_POLICY", "SecurityHeaders"]

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds CSP, frame, referrer and sniffing headers; HSTS when served over HTTPS."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    def _headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-security-policy", PAGE_POLICY.encode()),
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
        extra = self._headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
