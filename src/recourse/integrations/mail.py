"""Email: rendered from templates in HTML and plain text, sent by SMTP or kept in a local mailbox.

Every message carries a Message-ID derived from its outbox id, so a message delivered twice
after a crash (at least once, M4) can be recognised as the same one.

T3: a message goes to the recipient's stored address alone, given to the mailer as the one
envelope recipient. Headers are built from address objects, so a name is only ever a quoted
display name: never an address, never a second header line.
"""

from __future__ import annotations

import json
import smtplib
import ssl
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import format_datetime, getaddresses, parseaddr
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape

from recourse import i18n
from recourse.domain.accounts import NOT_IN_NAMES
from recourse.i18n import words_for
from recourse.integrations.clock import SystemClock
from recourse.services.ports.common import Clock


class Mailer(Protocol):
    def send(self, message: EmailMessage, *, to: str) -> None:
        """`to`, the recipient's stored address, is the only envelope recipient: what the
        headers say never decides where a message goes."""
        ...


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    name: str
    timezone: str
    locale: str


class EmailRenderer:
    def __init__(self, *, sender: str, base_url: str, clock: Clock | None = None) -> None:
        self.sender = sender
        # The service's clock (§10): under the demo clock, mail is dated in demo time.
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.base_url = base_url.rstrip("/")
        self._text = Environment(
            loader=PackageLoader("recourse.integrations", "templates/email"),
            autoescape=False,  # noqa: S701 - plain-text bodies are not HTML
            keep_trailing_newline=True,
        )
        self._html = Environment(
            loader=PackageLoader("recourse.integrations", "templates/email"),
            autoescape=select_autoescape(["html"]),
        )
        for env in (self._text, self._html):
            i18n.install(env)
            env.filters["money"] = pass_context(
                lambda ctx, value: ctx["words"].money(value)  # {"amount", "currency"}
            )
            env.globals["base_url"] = self.base_url

    def render(
        self, template: str, recipient: Recipient, context: dict[str, Any], *, message_id: str
    ) -> EmailMessage:
        # In the recipient's language and time zone (M2), whoever's request sent it.
        words = words_for(recipient.locale, recipient.timezone)

        def local(value: str | None) -> str:
            return words.when(value, i18n.STAMP_PATTERN)

        def day(value: str | None) -> str:
            return words.day(value, i18n.DAY_PATTERN)

        data = {**context, "recipient": recipient, "local": local, "day": day, **words.jinja()}
        subject = self._text.get_template(f"{template}.subject.txt").render(data).strip()
        text = self._text.get_template(f"{template}.txt").render(data)
        html = self._html.get_template(f"{template}.html").render(data)
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = Address(
            display_name=display_name(recipient.name), addr_spec=recipient.email
        )
        message["Date"] = format_datetime(self.clock.now().astimezone(UTC))
        message["Message-ID"] = f"<{message_id}@recourse>"
        message["X-Recourse-Template"] = template
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        message["Content-Language"] = words.lang  # after the body: set_content drops Content-*
        return message


def display_name(name: str) -> str:
    """A name as one header line: control characters and line separators become spaces, for
    names stored before they were refused (T3), so no name can stop its owner's mail."""
    cleaned = "".join(" " if unicodedata.category(ch) in NOT_IN_NAMES else ch for ch in name)
    return " ".join(cleaned.split())


class FileMailbox:
    """The demo's mailbox: one .eml file per message, named by its Message-ID."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, message: EmailMessage, *, to: str) -> None:
        """Kept with a Delivered-To header, as a mail server would deliver it: the mailbox
        pages show a message to the person at that address only."""
        del message["Delivered-To"]
        message["Delivered-To"] = to
        self.directory.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
        target = self.directory / f"{name}.eml"
        temp = target.with_suffix(".tmp")
        temp.write_bytes(bytes(message))
        temp.replace(target)

    def list(self, *, to: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Newest first; `to` filters by the address a message was delivered to."""
        if not self.directory.exists():
            return []
        items = []
        for path in sorted(
            self.directory.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True
        ):
            message = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
            if to and to.lower() not in delivered_to(message):
                continue
            items.append(_summary(path.stem, message))
            if len(items) >= limit:
                break
        return items

    def get(self, key: str) -> dict[str, Any] | None:
        path = self.directory / f"{Path(key).name}.eml"
        if not path.exists():
            return None
        message = BytesParser(policy=default_policy).parsebytes(path.read_bytes())
        summary = _summary(path.stem, message)
        html = message.get_body(preferencelist=("html",))
        text = message.get_body(preferencelist=("plain",))
        summary["html"] = html.get_content() if html is not None else ""
        summary["text"] = text.get_content() if text is not None else ""
        return summary


def delivered_to(message: Any) -> list[str]:
    """The envelope recipient the mailbox recorded (the addresses in To for older files)."""
    envelope = message["Delivered-To"]
    if envelope is not None:
        return [str(envelope).strip().lower()]
    return [address.lower() for _, address in getaddresses([str(message["To"])])]


def _summary(key: str, message: Any) -> dict[str, Any]:
    return {
        "key": key,
        "subject": str(message["Subject"]),
        "to": str(message["To"]),
        "delivered_to": delivered_to(message),
        "date": str(message["Date"]),
        "template": str(message["X-Recourse-Template"] or ""),
    }


class SmtpMailer:
    """smtp://user:pass@host:port (STARTTLS when offered), smtps:// for implicit TLS."""

    def __init__(self, url: str, *, timeout: float = 20) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps"):
            raise ValueError("RECOURSE_SMTP_URL must start with smtp:// or smtps://")
        self.host = parsed.hostname or "localhost"
        self.port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
        self.tls = parsed.scheme == "smtps"
        self.user = unquote(parsed.username) if parsed.username else None
        self.password = unquote(parsed.password) if parsed.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage, *, to: str) -> None:
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not self.tls and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if self.user and self.password:
                client.login(self.user, self.password)
            client.send_message(
                message, from_addr=parseaddr(str(message["From"]))[1], to_addrs=[to]
            )


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
