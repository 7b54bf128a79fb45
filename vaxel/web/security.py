"""Sessions and CSRF for the pages (security by default, ADM2).

- The session cookie holds a random token (the database keeps only its hash); HttpOnly,
  SameSite=Lax, Secure whenever the site is served over HTTPS.
- Every state-changing request carries the session's CSRF token (form field ``csrf`` or
  header ``X-CSRF-Token``), compared in constant time. The login form, before any session
  exists, uses a double-submit cookie.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

from vaxel.store.accounts import Session
from vaxel.web.i18n import gettext

__all__ = ["COOKIE", "LOGIN_CSRF_COOKIE", "check_csrf", "new_token"]

COOKIE = "vaxel_session"
LOGIN_CSRF_COOKIE = "vaxel_login_csrf"


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def check_csrf(request: Request, session: Session) -> None:
    """Raise 403 unless the request carries this session's CSRF token."""
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, session.csrf_token):
        raise HTTPException(
            403, gettext("CSRF-kontrollen misslyckades: ladda om sidan och försök igen")
        )
