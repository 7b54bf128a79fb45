"""Sessions and CSRF for the pages (security by default, ADM2).

- The session cookie holds a random token (the database keeps only its hash); HttpOnly,
  SameSite=Lax, Secure whenever the site is served over HTTPS.
- Every state-changing request carries the session's CSRF token (form field ``csrf`` or
  header ``X-CSRF-Token``), compared in constant time by the ``CsrfForm`` dependency
  (``deps``), so no handler checks it by hand. The login form, before any session exists,
  uses a double-submit cookie (``auth.login_csrf``).
"""

from __future__ import annotations

import secrets

__all__ = ["COOKIE", "LOGIN_CSRF_COOKIE", "new_token"]

COOKIE = "vaxel_session"
LOGIN_CSRF_COOKIE = "vaxel_login_csrf"


def new_token() -> str:
    return secrets.token_urlsafe(32)
