"""`recourse …`: demo, serve, worker, db, clock, user and token commands."""

from __future__ import annotations

import gc
import logging
import os
import shutil
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from recourse.bootstrap import build, make_worker
from recourse.config import Settings
from recourse.container import Container
from recourse.domain.errors import DomainError
from recourse.domain.roles import Actor, Role
from recourse.i18n import ENGLISH
from recourse.texts import error_message
from recourse.worker.runner import Worker, freeze_start_up

app = typer.Typer(help="Recourse: the marketplace's post-purchase service.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
clock_app = typer.Typer(help="The demo clock (RECOURSE_CLOCK=demo only).", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(clock_app, name="clock")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
catalogue_app = typer.Typer(
    help="The message catalogues (from a source checkout).", no_args_is_help=True
)
app.add_typer(catalogue_app, name="catalogue")

console = Console(soft_wrap=True)
OPERATOR = Actor(Role.operator)


def _container(settings: Settings | None = None) -> Container:
    return build(settings or Settings())


def _upgrade(settings: Settings) -> None:
    from recourse.db.migrate import upgrade

    if settings.resolved_database_url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)


def _logging() -> None:
    logging.basicConfig(
        level=os.environ.get("RECOURSE_LOG_LEVEL", "INFO"),
        format='{"t":"%(asctime)s","level":"%(levelname)s","logger":"%(name)s","msg":"%(message)s"}',
    )


def _metrics_folder(settings: Settings, *, empty: bool) -> None:
    """Prometheus's multiprocess mode: each process of this install writes its metrics to files
    in one folder (`metrics/` in the data dir, or PROMETHEUS_MULTIPROC_DIR when set) and a scrape
    adds them up. Set before any metric exists, so before the web app or a worker counts; the
    command that starts the web processes empties it first, a separate worker only joins it."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.data_dir / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    if empty:
        for old in folder.glob("*.db"):
            old.unlink(missing_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder.resolve())


def _serve(container: Container, host: str, port: int, workers: int, embedded_worker: bool) -> None:
    import uvicorn

    from recourse.web.app import create_app

    # proxy_headers off: uvicorn would believe X-Forwarded-For from any loopback peer;
    # web/clients.py decides who the client is, from RECOURSE_TRUSTED_PROXIES (T5)
    stop = None
    if embedded_worker:
        from recourse.worker.runner import start_embedded

        _, stop = start_embedded(_worker(container), container.settings.worker_poll_seconds)
    try:
        if workers > 1:
            os.environ["RECOURSE_EMBEDDED_WORKER"] = "false"
            uvicorn.run(
                "recourse.asgi:app",
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
                access_log=False,
                proxy_headers=False,
            )
        else:
            served = create_app(container)
            gc.freeze()  # as recourse/asgi.py does for each of several processes
            uvicorn.run(
                served,
                host=host,
                port=port,
                log_level="warning",
                access_log=False,
                proxy_headers=False,
            )
    finally:
        if stop is not None:
            stop.set()


def _worker(container: Container) -> Worker:
    return make_worker(container)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    keep: Annotated[bool, typer.Option(help="Keep an existing demo database.")] = False,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Only build the demo database.")
    ] = False,
) -> None:
    """Fresh SQLite demo marketplace, then web + worker in one process."""
    from recourse.demo_data import seed

    data_dir = Path(os.environ.get("RECOURSE_DATA_DIR", ".recourse"))
    os.environ["RECOURSE_CLOCK"] = "demo"
    os.environ.setdefault("RECOURSE_BASE_URL", f"http://{host}:{port}")
    settings = Settings(data_dir=data_dir, clock="demo", database_url=None)
    fresh = not (keep and (data_dir / "recourse.db").exists())
    if fresh and data_dir.exists():
        for name in ("recourse.db", "recourse.db-wal", "recourse.db-shm"):
            (data_dir / name).unlink(missing_ok=True)
        shutil.rmtree(data_dir / "mailbox", ignore_errors=True)
        shutil.rmtree(data_dir / "evidence", ignore_errors=True)
    _upgrade(settings)
    container = build(settings, fast_hashing=True)
    if fresh:
        info = seed(container, console=console)
    else:
        from recourse.demo_data import demo_logins

        info = demo_logins(container)
    url = f"http://{host}:{port}"
    console.rule("[bold]Recourse demo")
    console.print(f"Open [bold]{url}[/bold]")
    for role, (email, password) in info["logins"].items():
        console.print(f"  {role:<8} {email}  /  {password}")
    email, password = info["in_spanish"]
    console.print(f"  en español: {email}  /  {password}")
    email, password = info["second_agent"]
    console.print(f"  a second support agent (decides appeals): {email}  /  {password}")
    console.print(f"  operator API token: [bold]{info['token']}[/bold]")
    console.print(f"  API docs: {url}/api/docs   demo mailbox: {url}/mail")
    console.print("  Move time: recourse clock advance 2d (with RECOURSE_CLOCK=demo)")
    if no_serve:
        return
    _logging()
    _metrics_folder(settings, empty=True)
    _serve(container, host, port, 1, settings.embedded_worker)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web processes.")] = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not run the embedded worker thread.")
    ] = False,
) -> None:
    """Run the web server (and, unless --no-worker, an embedded worker thread)."""
    _logging()
    settings = Settings()
    _metrics_folder(settings, empty=True)
    _serve(_container(settings), host, port, workers, settings.embedded_worker and not no_worker)


@app.command()
def worker(
    once: Annotated[bool, typer.Option("--once", help="Do all work due now, then exit.")] = False,
) -> None:
    """Deliver the outbox and fire deadlines (run as many as you like on PostgreSQL)."""
    import signal
    import threading

    _logging()
    container = _container()
    w = _worker(container)
    freeze_start_up()
    if once:
        handled = w.run_once()
        console.print(f"handled {handled} message(s)")
        return
    # a long-running worker joins the web server's metrics folder; a one-off run counts alone
    _metrics_folder(container.settings, empty=False)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    w.run_forever(stop, container.settings.worker_poll_seconds)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to RECOURSE_DATABASE_URL (or the SQLite default)."""
    settings = Settings()
    _upgrade(settings)
    console.print("database is at the latest revision")


@clock_app.command("advance")
def clock_advance(
    duration: Annotated[str, typer.Argument(help="e.g. 2d, 36h, 90m, 1d12h")],
) -> None:
    """Move the demo clock forward for every process."""
    from recourse.db.clock import DemoClock
    from recourse.integrations.clock import parse_duration

    settings = Settings()
    if settings.clock != "demo":
        console.print(
            "[red]The demo clock is off. Set RECOURSE_CLOCK=demo (recourse demo does).[/red]"
        )
        raise typer.Exit(2)
    try:
        delta = parse_duration(duration)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    container = _demo_container(settings)
    assert isinstance(container.clock, DemoClock)
    now = container.clock.advance(delta)
    console.print(f"demo time is now {now.isoformat(timespec='seconds')}")


@clock_app.command("show")
def clock_show() -> None:
    """Print the service's current time."""
    from recourse.integrations.clock import SystemClock

    settings = Settings()
    if settings.clock != "demo":
        now = SystemClock().now()
        console.print(f"{now.isoformat(timespec='seconds')} (system clock; the demo clock is off)")
        return
    console.print(_demo_container(settings).clock.now().isoformat(timespec="seconds"))


def _demo_container(settings: Settings) -> Container:
    """The demo clock lives in the demo database (§10): without one, say where it was looked
    for instead of creating an empty folder and failing on a missing table."""
    from sqlalchemy import inspect

    missing = settings.database_url is None and not (settings.data_dir / "recourse.db").exists()
    if not missing:
        container = _container(settings)
        if inspect(container.engine).has_table("demo_clock"):
            return container
        container.dispose()
    if settings.database_url is None:
        sentence = (
            f"No demo database in {settings.data_dir.resolve()}: run `recourse demo` here first, "
            "or set RECOURSE_DATA_DIR to the folder that has one."
        )
    else:
        sentence = (
            "The database at RECOURSE_DATABASE_URL has no demo clock: run `recourse db upgrade`."
        )
    console.print(sentence, markup=False)
    raise typer.Exit(2)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Login email.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    role: Annotated[Role, typer.Option(help="buyer, seller or support.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    country: Annotated[str, typer.Option(help="ISO 3166 code.")] = "DE",
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "Europe/Berlin",
    store: Annotated[list[int] | None, typer.Option(help="Store id (sellers; repeat).")] = None,
) -> None:
    """Create a buyer, seller or support agent."""
    from recourse.services.accounts import UserInput, create_user

    container = _container()
    try:
        user_id = create_user(
            container.uow(),
            container.ctx,
            container.hasher,
            actor=OPERATOR,
            data=UserInput(
                email=email,
                name=name,
                role=role,
                country=country,
                timezone=timezone,
                password=password,
                store_ids=tuple(store or ()),
            ),
        )
    except DomainError as exc:
        console.print(f"[red]{error_message(exc, ENGLISH)}[/red] {exc.facts}")
        raise typer.Exit(2) from None
    console.print(f"created user {user_id}")


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="The user's login email.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Give a user a new password; every session they have signed in is ended."""
    from recourse.services.accounts import change_password

    container = _container()
    try:
        ended = change_password(
            container.uow(), container.ctx, container.hasher, email=email, password=password
        )
    except DomainError as exc:
        console.print(f"[red]{error_message(exc, ENGLISH)}[/red]")
        raise typer.Exit(2) from None
    console.print(f"password changed; {ended} signed-in session(s) ended")


@token_app.command("create")
def token_create(
    operator: Annotated[bool, typer.Option("--operator", help="The marketplace's token.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="A user's email.")] = None,
    name: Annotated[str, typer.Option(help="A label for the token.")] = "cli",
) -> None:
    """Create an API token; the token alone is printed on the last line."""
    from recourse.services.accounts import create_token

    if operator == bool(user):
        console.print("[red]Give exactly one of --operator or --user EMAIL.[/red]")
        raise typer.Exit(2)
    container = _container()
    try:
        token = create_token(
            container.uow(), container.ctx, operator=operator, email=user, name=name
        )
    except DomainError as exc:
        console.print(f"[red]{error_message(exc, ENGLISH)}[/red]")
        raise typer.Exit(2) from None
    print(token)


def main() -> None:
    app()


@catalogue_app.command("update")
def catalogue_update() -> None:
    """Extract every marked sentence and merge it into each language's messages.po."""
    from recourse.catalogue import update

    for lang, missing in update().items():
        console.print(f"{lang}: {missing} sentence(s) still need a translation")


@catalogue_app.command("check")
def catalogue_check() -> None:
    """Exit 1 when a sentence has no usable translation (what CI checks)."""
    from recourse.catalogue import problems
    from recourse.i18n import DEFAULT_LANGUAGE, LANGUAGES

    found = [p for lang in LANGUAGES if lang != DEFAULT_LANGUAGE for p in problems(lang)]
    for problem in found:
        console.print(str(problem), markup=False)
    if found:
        raise typer.Exit(1)
    console.print("every sentence is translated")
