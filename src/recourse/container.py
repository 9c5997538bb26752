"""The container of process-wide collaborators that bootstrap.build() assembles from settings."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from recourse.config import Settings
from recourse.currency import BabelCurrencies
from recourse.db.reference import ReferenceCache
from recourse.db.secrets import stored_root_secret
from recourse.db.uow import RequestUnitOfWork, SqlUnitOfWork
from recourse.integrations.calendars import HolidaysCalendar
from recourse.integrations.files import PillowInspector
from recourse.integrations.mail import EmailRenderer, FileMailbox, Mailer
from recourse.integrations.s3files import file_store
from recourse.services.ports import Clock, Context, PasswordHasher, PaymentGateway
from recourse.services.ports.files import FileStore


@dataclass
class Container:
    settings: Settings
    engine: Engine
    read_engine: Engine
    clock: Clock
    hasher: PasswordHasher
    mailer: Mailer
    mailbox: FileMailbox | None
    renderer: EmailRenderer
    gateways: dict[str, PaymentGateway] = field(default_factory=dict)
    ctx: Context = field(init=False)
    files: FileStore = field(init=False)
    _sessions: sessionmaker[Session] = field(init=False)
    _reads: sessionmaker[Session] = field(init=False)
    _reference: ReferenceCache = field(init=False)
    _root_secret: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # Evidence files (issue 12): a folder of the data directory, outside the web root, or
        # the S3-compatible bucket RECOURSE_FILE_STORE_URL names.
        self.files = file_store(self.settings.file_store_url, self.settings.data_dir / "evidence")
        self.ctx = Context(
            clock=self.clock,
            holidays=HolidaysCalendar(),
            currencies=BabelCurrencies(),
            gateway=self.settings.gateway,
            webhook_allow_private=self.settings.webhook_allow_private,
            files=self.files,
            inspector=PillowInspector(),
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._reads = sessionmaker(self.read_engine, expire_on_commit=False)
        self._reference = ReferenceCache(self.settings.reference_cache_seconds)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self._reference)

    def request_uow(self) -> RequestUnitOfWork:
        """One transaction for a whole API request, the use cases it runs included."""
        return RequestUnitOfWork(self._sessions, self._reference)

    def install_secret(self, purpose: str) -> str:
        """A secret for one purpose (cookies, the sandbox's webhooks), derived from
        RECOURSE_SECRET_KEY, or from a random root made once per install when it is unset:
        never a constant that ships with the code."""
        if self._root_secret is None:
            self._root_secret = self.settings.secret_key or stored_root_secret(self.engine)
        return hmac.new(self._root_secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    def read_session(self) -> Session:
        return self._reads()

    @property
    def gateway_name(self) -> str:
        """The gateway new refunds go to (F6)."""
        return self.settings.gateway

    def dispose(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()
