"""The one place that builds engines, units of work, clock, mailer and the rest from settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from recourse.config import Settings
from recourse.container import Container
from recourse.db.clock import DemoClock
from recourse.db.engine import make_engine
from recourse.integrations.clock import SystemClock
from recourse.integrations.gateways.sandbox import SandboxGateway
from recourse.integrations.mail import EmailRenderer, FileMailbox, Mailer, SmtpMailer
from recourse.integrations.passwords import Argon2Hasher
from recourse.services.ports import Clock, Context, PaymentGateway

if TYPE_CHECKING:
    # the web processes never run the worker: its handlers (and the HTTP client the webhooks
    # use) load only where one is made
    from recourse.worker.runner import Worker


def build(
    settings: Settings, *, clock: Clock | None = None, fast_hashing: bool = False
) -> Container:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    size, idle = settings.web_pool_size, settings.db_ping_after_idle
    engine = make_engine(url, writer=True, pool_size=size, ping_after_idle=idle)
    read_engine = make_engine(url, writer=False, pool_size=size, ping_after_idle=idle)
    if clock is None:
        clock = (
            DemoClock(engine, read_engine=read_engine)
            if settings.clock == "demo"
            else SystemClock()
        )
    mailbox = None
    mailer: Mailer
    if settings.smtp_url:
        mailer = SmtpMailer(settings.smtp_url)
    else:
        mailbox = FileMailbox(settings.mailbox_dir)
        mailer = mailbox
    gateways: dict[str, PaymentGateway] = {"sandbox": SandboxGateway(engine, clock)}
    if settings.stripe_api_key:
        from recourse.integrations.gateways.stripe import StripeGateway

        gateways["stripe"] = StripeGateway(
            api_key=settings.stripe_api_key,
            api_base=settings.stripe_api_base,
            webhook_secret=settings.stripe_webhook_secret,
        )
    elif settings.gateway == "stripe":
        raise ValueError("RECOURSE_GATEWAY=stripe needs RECOURSE_STRIPE_API_KEY")
    return Container(
        settings=settings,
        engine=engine,
        read_engine=read_engine,
        clock=clock,
        hasher=Argon2Hasher(fast=fast_hashing),
        mailer=mailer,
        mailbox=mailbox,
        renderer=EmailRenderer(sender=settings.mail_from, base_url=settings.base_url, clock=clock),
        gateways=gateways,
    )


def make_worker(
    container: Container,
    ctx: Context | None = None,
    *,
    name: str | None = None,
    gateways: dict[str, PaymentGateway] | None = None,
) -> Worker:
    """The worker `recourse worker` runs (on the clock of `ctx`, the container's by default)."""
    from recourse.worker.deps import WorkerDeps
    from recourse.worker.runner import Worker

    return Worker(
        WorkerDeps(
            engine=container.engine,
            uow_factory=container.uow,
            ctx=ctx or container.ctx,
            mailer=container.mailer,
            renderer=container.renderer,
            read_session=container.read_session,
            gateways=container.gateways if gateways is None else gateways,
            batch=container.settings.worker_batch,
            max_attempts=container.settings.worker_max_attempts,
            refund_max_attempts=container.settings.refund_max_attempts,
            lease_seconds=container.settings.worker_lease_seconds,
        ),
        name=name,
    )
