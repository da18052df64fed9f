"""Sends one message over SMTP, and tells whether a failure left it certainly unsent or maybe sent."""

import email.policy
import email.utils
import html
import re
from datetime import UTC, datetime
from email.message import EmailMessage

import aiosmtplib

from core.settings import Settings


def message_id_domain(sender: str) -> str:
    """The domain of the Message-IDs the service makes: the sender's (OVERDRACHT_MAIL_FROM)."""
    return email.utils.parseaddr(sender)[1].rpartition("@")[2] or "overdracht.invalid"


_LINK = re.compile(r"https?://[^\s<>\"]+")


def as_html(body: str) -> str:
    """The plain text as a small HTML document: a paragraph per blank-line-separated block, its lines
    kept, every link clickable. Nothing is added that the text does not say."""

    def paragraph(block: str) -> str:
        lines = []
        for line in block.split("\n"):
            parts, last = [], 0
            for m in _LINK.finditer(line):
                found = m.group(0).rstrip(".,;:!?)")  # a sentence's end is not part of the link
                parts.append(html.escape(line[last : m.start()]))
                url = html.escape(found)
                parts.append(f'<a href="{url}">{url}</a>')
                last = m.start() + len(found)
            parts.append(html.escape(line[last:]))
            lines.append("".join(parts))
        return "<p>" + "<br>\n".join(lines) + "</p>"

    blocks = [b for b in body.strip().split("\n\n") if b.strip()]
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head><meta charset="utf-8"><title></title></head>\n'
        '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 40em">\n'
        + "\n".join(paragraph(b) for b in blocks)
        + "\n</body>\n</html>\n"
    )


class MailError(Exception):
    """A message could not be delivered. Messages name no address: they may end up in a log."""


class MailNotSent(MailError):
    """The server accepted nothing (no connection, or MAIL/RCPT refused): sending again is safe.
    `permanent` when the server refused for good (5xx), so that sending again would not help."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class MailOutcomeUnknown(MailError):
    """Something failed once the message's content was on its way: it may have been accepted."""


class Mailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self._host, self._port = host, port
        self._sender = sender
        self._envelope_sender = email.utils.parseaddr(sender)[1] or sender
        # One list for every message of the service: mail clients group them, filters can sort them.
        self._list_id = f"Overdracht voorschool-basisschool <berichten.{message_id_domain(sender)}>"
        self._username, self._password = username, password
        self._starttls = starttls
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> "Mailer | None":
        """None without smtp_host: messages then stay in the outbox."""
        if settings.smtp_host is None:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
        )

    def _message(self, subject: str, body: str, message_id: str) -> bytes:
        message = EmailMessage()
        message["From"] = self._sender
        # Recipients go in the envelope only: parents and staff do not see each other's addresses.
        message["To"] = "undisclosed-recipients:;"
        message["Subject"] = subject
        message["Date"] = email.utils.format_datetime(datetime.now(UTC))
        message["Message-ID"] = message_id
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to us
        message["X-Auto-Response-Suppress"] = "All"  # the same, for Exchange
        message["List-Id"] = self._list_id  # RFC 2919
        # The text, and the same as HTML for clients that show that. Quoted-printable keeps the message
        # 7-bit, so any server takes it without extensions.
        message.set_content(body, cte="quoted-printable")
        message.add_alternative(as_html(body), subtype="html", cte="quoted-printable")
        return message.as_bytes(policy=email.policy.SMTP)

    async def send(self, *, to: list[str], subject: str, body: str, message_id: str) -> None:
        """One SMTP transaction to every address in `to`. Raises MailNotSent while nothing has
        been handed over, MailOutcomeUnknown once the content has been."""
        content = self._message(subject, body, message_id)
        smtp = aiosmtplib.SMTP(
            hostname=self._host,
            port=self._port,
            username=self._username,
            password=self._password,
            # None: upgrade when the server offers STARTTLS; False: never.
            start_tls=None if self._starttls else False,
            timeout=self._timeout,
        )
        try:
            try:
                await smtp.connect()
                await smtp.mail(self._envelope_sender)
                await self._recipients(smtp, to)
            except aiosmtplib.SMTPResponseException as exc:
                raise MailNotSent(f"refused before the message: {exc.code}", permanent=exc.code >= 500) from exc
            except (aiosmtplib.SMTPException, OSError) as exc:
                raise MailNotSent(f"nothing handed over: {type(exc).__name__}") from exc
            except ValueError as exc:  # an address SMTP cannot carry: trying again will not help
                raise MailNotSent(f"unusable address: {type(exc).__name__}", permanent=True) from exc
            try:
                await smtp.data(content)
            except (aiosmtplib.SMTPException, OSError) as exc:
                # Even a refusal here is not trusted as "not sent": at most once comes first.
                raise MailOutcomeUnknown(f"failed while sending the message: {type(exc).__name__}") from exc
        finally:
            if smtp.is_connected:
                try:
                    await smtp.quit()
                except (aiosmtplib.SMTPException, OSError):
                    smtp.close()

    @staticmethod
    async def _recipients(smtp: aiosmtplib.SMTP, to: list[str]) -> None:
        """RCPT for each address. A temporary refusal of any of them stops here, so that a later
        attempt reaches everyone; addresses refused for good are left out."""
        if not to:
            raise MailNotSent("no recipients", permanent=True)
        refused = []
        for address in to:
            try:
                await smtp.rcpt(address)
            except aiosmtplib.SMTPRecipientRefused as exc:
                if exc.code < 500:
                    raise MailNotSent(f"recipient refused for now: {exc.code}") from exc
                refused.append(exc.code)
        if len(refused) == len(to):
            raise MailNotSent("every recipient refused", permanent=True)
