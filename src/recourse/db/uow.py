"""The unit of work: one session, one transaction; leaving without commit() rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from recourse.db.appends import write_appends
from recourse.db.outbox import mark_delivered_in
from recourse.db.reference import ReferenceCache
from recourse.db.repositories.accounts import SqlLoginAttempts, SqlTokens, SqlUsers, SqlWebSessions
from recourse.db.repositories.cancellations import SqlCancellations, SqlReasons
from recourse.db.repositories.conversation import SqlConversation
from recourse.db.repositories.disputes import SqlDisputes
from recourse.db.repositories.evidence import SqlEvidenceFiles
from recourse.db.repositories.help import SqlHelpArticles
from recourse.db.repositories.notifications import SqlNotifications
from recourse.db.repositories.orders import SqlOrders, defer_status_counts, deferred_counts
from recourse.db.repositories.outbox import SqlOutbox
from recourse.db.repositories.platform import SqlPlatform
from recourse.db.repositories.preload import forget_held
from recourse.db.repositories.protection import SqlProtection
from recourse.db.repositories.refunds import SqlRefunds, SqlSettlement
from recourse.db.repositories.returns import SqlReturns
from recourse.db.repositories.shipments import SqlShipments
from recourse.db.repositories.stores import SqlStores
from recourse.db.repositories.tickets import SqlSupportTickets
from recourse.db.repositories.timeline import SqlTimeline
from recourse.db.repositories.webhooks import SqlEvents, SqlWebhooks


class SqlUnitOfWork:
    def __init__(
        self, session_factory: sessionmaker[Session], reference: ReferenceCache | None = None
    ) -> None:
        self._factory = session_factory
        self._reference = reference or ReferenceCache(0)
        self._session: Session | None = None
        self._depth = 0
        self._generation = 0
        self._settle: tuple[int, str] | None = None
        self._durable = True
        self.settled = False

    def settle_on_commit(self, message_id: int, worker_id: str, *, durable: bool = True) -> None:
        """The worker's outbox message is marked delivered by the same commit that records what
        handling it changed: both happen or neither, so a crash in between cannot run it twice.

        `durable=False` commits without waiting for the disk (PostgreSQL's asynchronous commit).
        Safe for work that only writes this database: if the server crashes before the flush,
        the changes and the delivered mark vanish together and the message runs again. Nothing
        outside can act on the changes first, because every outside action (refund call,
        email, webhook) starts with the worker's claim, a synchronous commit, and PostgreSQL
        flushes its log in order: the claim's flush makes this commit durable too."""
        self._settle = (message_id, worker_id)
        self._durable = durable
        self.settled = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> Self:
        if self._depth == 0:
            session = self._factory()
            self._session = session
            cache = self._reference
            self._generation = cache.generation
            self.users = SqlUsers(session, cache)
            self.stores = SqlStores(session, cache)
            self.orders = SqlOrders(session)
            self.shipments = SqlShipments(session)
            self.timeline = SqlTimeline(session)
            self.outbox = SqlOutbox(session)
            self.tokens = SqlTokens(session)
            self.login_attempts = SqlLoginAttempts(session)
            self.web_sessions = SqlWebSessions(session)
            self.platform = SqlPlatform(session, cache)
            self.refunds = SqlRefunds(session)
            self.settlement = SqlSettlement(session, cache)
            self.notifications = SqlNotifications(session)
            self.events = SqlEvents(session)
            self.cancellations = SqlCancellations(session)
            self.reasons = SqlReasons(session, cache)
            self.webhooks = SqlWebhooks(session)
            self.help_articles = SqlHelpArticles(session)
            self.support_tickets = SqlSupportTickets(session)
            self.protection = SqlProtection(session)
            self.returns = SqlReturns(session)
            self.conversation = SqlConversation(session)
            self.evidence = SqlEvidenceFiles(session)
            self.disputes = SqlDisputes(session)
            # count moves wait for the commit, which writes them with the other appends
            defer_status_counts(session)
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            try:
                self.session.rollback()
            finally:
                self.session.close()
                self._session = None

    def commit(self) -> None:
        """Write what the transaction only adds (db/appends.py: one statement on PostgreSQL),
        then commit."""
        self._write_appends()
        if self._settle is not None:
            self.settled = mark_delivered_in(self.session, *self._settle)
            self._settle = None
            if not self._durable and self.session.get_bind().dialect.name == "postgresql":
                self.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        self.session.commit()
        forget_held(self.session)  # the locks they were read under are gone
        if self._reference.generation != self._generation:
            # reference data changed meanwhile: drop what another thread may have read before
            # this commit made the change visible
            self._reference.clear()
            self._generation = self._reference.generation

    def _write_appends(self) -> None:
        write_appends(self.session, self.outbox.take_pending(), self.notifications.take_pending())

    def rollback(self) -> None:
        self.outbox.pending = []
        self.notifications.pending = []
        if deferred_counts(self.session) is not None:
            defer_status_counts(self.session)  # the moves rolled back with the rest
        self.session.rollback()
        forget_held(self.session)


class RequestUnitOfWork(SqlUnitOfWork):
    """One transaction for a whole API request: the web layer enters it first (depth 1) and
    commits it last; the use cases it runs enter it again as they always do.

    A use case's outermost `with uow:` (depth 2) starts, as a fresh unit of work would, with
    nothing in the identity map: rows read earlier in the request (before a lock was taken)
    are never taken for current. Its `commit()` writes what it queued and flushes, and the
    transaction goes on; the web layer's own `commit()` at depth 1 commits everything at
    once. Leaving a use case's block by an exception rolls the whole transaction back, as it
    rolled back that use case's own before: the request then keeps nothing, not even the
    deadlines the use case applied first (services/settle), which the next read or the worker
    applies again. A use case block that ends without `commit()` drops its unflushed changes
    but not what it flushed: the use cases run this way leave a block without `commit()` only
    when they wrote nothing in it (a read, a retry finding its earlier result). No SAVEPOINT
    per block: two more round trips each, for a rollback no request needs."""

    USE_CASE = 2
    _broken = False

    def __enter__(self) -> Self:
        if self._depth + 1 == self.USE_CASE:
            self._fresh()
        return super().__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._depth == self.USE_CASE and exc_type is not None:
            self.rollback()
            # what the request did before is gone too (its Idempotency-Key among it): should
            # the caller go on regardless, it must not commit half a request
            self._broken = True
        super().__exit__(exc_type, exc, tb)

    def _fresh(self) -> None:
        session = self.session
        session.expunge_all()
        session.info.pop("held", None)
        forget_held(session)

    def commit(self) -> None:
        if self._depth < self.USE_CASE:
            if self._broken:
                raise RuntimeError("a use case failed: the request's transaction rolled back")
            super().commit()
            return
        self._write_appends()
