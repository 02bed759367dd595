"""Alert channels: e-mail through SMTP (aiosmtplib; STARTTLS, TLS or plain) and an HTTP webhook
(a JSON object, or ntfy-style plain text with the subject in a ``Title`` header).

Each channel's :meth:`send` delivers one message or raises :class:`DeliveryError` with one short
line (the server's answer or the kind of failure) that never holds the password or token: the
secret values are masked out of it before it leaves this module. :func:`open_channel` builds a
channel from its profile section and the profile's secrets.
"""

from __future__ import annotations

import json
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol

import httpx

from dashcli.alerts.message import Message
from dashcli.core.errors import DashError
from dashcli.profiles.schema import EmailChannel, WebhookChannel
from dashcli.sources.lookup import SecretLookup

REASON_LIMIT = 160


class DeliveryError(DashError):
    """A channel could not deliver a message (one line, no secret)."""


class Channel(Protocol):
    """Something that delivers an alert message."""

    @property
    def label(self) -> str:
        """What the log names: the kind and the server, never a secret."""
        ...

    async def send(self, message: Message) -> None: ...


def _reason(exc: BaseException, secrets: tuple[str, ...]) -> str:
    """One line about ``exc`` with every secret value masked."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for secret in secrets:
        if secret:
            text = text.replace(secret, "****")
    text = f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"


def _secret(secrets: SecretLookup, key: str | None, where: str) -> str | None:
    if key is None:
        return None
    value = secrets.get(key)
    if not value:
        raise DashError(f"{where}: secret {key!r} not found in {secrets.name}")
    return value


class EmailSender:
    """Sends alert messages as e-mail through one SMTP server."""

    def __init__(self, config: EmailChannel, password: str | None) -> None:
        self.config = config
        self._password = password
        self.label = f"email via {config.host}:{config.effective_port}"

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.ca_cert)

    def compose(self, message: Message) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.config.sender
        mail["To"] = ", ".join(self.config.to)
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = make_msgid(domain=self.config.sender.rpartition("@")[2])
        mail.set_content(message.text)
        return mail

    async def send(self, message: Message) -> None:
        import aiosmtplib

        config = self.config
        security = config.security
        try:
            await aiosmtplib.send(
                self.compose(message),
                hostname=config.host,
                port=config.effective_port,
                username=config.username,
                password=self._password if config.username else None,
                use_tls=security == "tls",
                start_tls=security == "starttls",
                tls_context=self._tls_context() if security != "none" else None,
                timeout=config.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ssl.SSLError) as exc:
            raise DeliveryError(_reason(exc, (self._password or "",))) from None


class WebhookSender:
    """POSTs alert messages to one URL: JSON, or ntfy-style text."""

    def __init__(self, config: WebhookChannel, token: str | None) -> None:
        self.config = config
        self._token = token
        # The URL's path may be a secret (an ntfy topic, a chat hook): the log shows the host.
        self.label = f"webhook to {httpx.URL(config.url).host}"

    def request(self, message: Message) -> tuple[bytes, dict[str, str]]:
        """The body and headers of ``message`` in this webhook's format."""
        headers = {}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        if self.config.format == "ntfy":
            # HTTP headers are Latin-1: the title loses what it cannot carry, the body keeps it.
            headers["Title"] = message.subject.encode("ascii", "replace").decode()
            headers["Priority"] = "high" if message.urgent else "default"
            headers["Tags"] = "warning" if message.urgent else "white_check_mark"
            headers["Content-Type"] = "text/plain; charset=utf-8"
            return message.text.encode(), headers
        headers["Content-Type"] = "application/json"
        return json.dumps(message.data).encode(), headers

    async def send(self, message: Message) -> None:
        body, headers = self.request(message)
        try:
            async with httpx.AsyncClient(timeout=self.config.timeout) as client:
                reply = await client.post(self.config.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(_reason(exc, (self._token or "",))) from None
        if reply.status_code >= 300:
            raise DeliveryError(f"answered HTTP {reply.status_code}")


def open_channel(config: EmailChannel | WebhookChannel, secrets: SecretLookup,
                 where: str) -> Channel:
    """The channel of one ``alerts.channels`` entry; a missing secret is a DashError line."""
    if isinstance(config, EmailChannel):
        return EmailSender(config, _secret(secrets, config.password_secret, where))
    return WebhookSender(config, _secret(secrets, config.token_secret, where))
