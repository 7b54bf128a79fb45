"""The e-mail that tells a person of a new voicemail (PBX4), and when a failed one is tried
again. Pure: the message is built here (stdlib ``email``, no I/O); sending is the runtime's.

Rules: a notification is kept until a mail server has accepted it (the store's outbox), so a
server that is down or refuses only delays it; attempts back off from 30 s doubling up to an
hour, and are never given up (an admin sees ``last_error``). The subject and text are
Swedish (the staff's language); the WAV is attached as it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "FIRST_RETRY_S",
    "LAST_RETRY_S",
    "MailSecurity",
    "MailServer",
    "OutboxItem",
    "compose",
    "retry_after",
]

FIRST_RETRY_S = 30.0
LAST_RETRY_S = 3600.0
_SWEDEN = ZoneInfo("Europe/Stockholm")


class MailSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"
    """Only for a relay on the same host or network (and the tests' aiosmtpd)."""


@dataclass(frozen=True, slots=True)
class MailServer:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    security: MailSecurity = MailSecurity.STARTTLS
    connect_to: str = ""
    """The one address ``host`` was resolved to and checked against (never stored): the
    mailer connects there, not to a second lookup (DNS rebinding); "" resolves ``host``."""

    def __repr__(self) -> str:  # never a password in a log line
        return f"MailServer({self.host}:{self.port}, {self.security.value}, from {self.sender})"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    tenant_id: str
    message_id: str
    recipient: str
    attempts: int
    next_attempt_at: float
    last_error: str = ""


def retry_after(attempts: int) -> float:
    """Seconds before the next try once ``attempts`` have failed (30 s, 60 s, … 1 h)."""
    return float(min(LAST_RETRY_S, FIRST_RETRY_S * 2 ** max(0, min(attempts - 1, 20))))


def compose(
    *,
    message_id: str,
    sender: str,
    recipient: str,
    caller: str,
    received_at: float,
    duration_s: float,
    wav: bytes,
    domain: str = "vaxel.invalid",
) -> EmailMessage:
    """The notification with the message attached (``meddelande.wav``); its Message-ID
    comes from the voicemail's id, so a retry after a lost answer is the same mail."""
    when = datetime.fromtimestamp(received_at, _SWEDEN)
    who = caller or "dolt nummer"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = f"Nytt röstmeddelande från {who}"
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<voicemail.{message_id}@{domain}>"
    mail.set_content(
        f"Du har fått ett nytt röstmeddelande.\n\n"
        f"Från: {who}\n"
        f"Tid: {when:%Y-%m-%d %H:%M}\n"
        f"Längd: {round(duration_s)} sekunder\n\n"
        f"Meddelandet finns bifogat och under Min telefon i Växel.\n"
    )
    mail.add_attachment(wav, maintype="audio", subtype="wav", filename="meddelande.wav")
    return mail
