"""The unit of work: one session, one transaction; leaving without commit() rolls back."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from recourse.db.cancellations import SqlCancellations, SqlReasons
from recourse.db.messaging import SqlEvents, SqlNotifications
from recourse.db.refunds import SqlRefunds, SqlSettlement
from recourse.db.repositories import (
    SqlLoginAttempts,
    SqlOrders,
    SqlOutbox,
    SqlPlatform,
    SqlShipments,
    SqlStores,
    SqlTimeline,
    SqlTokens,
    SqlUsers,
)
from recourse.db.webhooks import SqlWebhooks


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._depth = 0

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> Self:
        if self._depth == 0:
            session = self._factory()
            self._session = session
            self.users = SqlUsers(session)
            self.stores = SqlStores(session)
            self.orders = SqlOrders(session)
            self.shipments = SqlShipments(session)
            self.timeline = SqlTimeline(session)
            self.outbox = SqlOutbox(session)
            self.tokens = SqlTokens(session)
            self.login_attempts = SqlLoginAttempts(session)
            self.platform = SqlPlatform(session)
            self.refunds = SqlRefunds(session)
            self.settlement = SqlSettlement(session)
            self.notifications = SqlNotifications(session)
            self.events = SqlEvents(session)
            self.cancellations = SqlCancellations(session)
            self.reasons = SqlReasons(session)
            self.webhooks = SqlWebhooks(session)
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
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
