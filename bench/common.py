"""Shared by the benchmarks: the bench database, the printed setup, percentiles, the web server
and its resident memory, and the wrk load generator."""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy import __version__ as sqlalchemy_version

from recourse.bootstrap import build
from recourse.config import Settings
from recourse.container import Container
from recourse.services.ports import Clock

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
DB_PREFIX = "recourse_bench"
LUA_SCRIPT = Path(__file__).with_name("cancel.lua")


def say(label: str, value: object = "") -> None:
    """One plain `label: value` line, flushed, so figures can be read back or grepped."""
    print(f"{label}: {value}" if value != "" else label, flush=True)


def pg_url(name: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def add_db_options(parser: argparse.ArgumentParser, default_name: str) -> None:
    parser.add_argument(
        "--db-name",
        default=default_name,
        help=f"bench database to create and drop (must start with {DB_PREFIX!r}; "
        f"default {default_name})",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the bench database afterwards (for a look)"
    )


def _admin() -> psycopg.Connection:
    return psycopg.connect(pg_url("postgres"), autocommit=True)


def _checked(name: str) -> str:
    if not re.fullmatch(rf"{DB_PREFIX}[a-z0-9_]*", name):
        raise SystemExit(f"refusing database {name!r}: bench databases start with {DB_PREFIX}")
    return name


def drop_database(name: str) -> None:
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')


def database_exists(name: str) -> bool:
    with _admin() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (_checked(name),))
        return row.fetchone() is not None


def create_database(name: str, *, template: str | None = None) -> str:
    """A fresh database (or a copy of `template`, which must have no open connections)."""
    drop_database(name)
    with _admin() as conn:
        source = f' TEMPLATE "{_checked(template)}"' if template else ""
        conn.execute(f'CREATE DATABASE "{_checked(name)}"{source}')
    return pg_url(name)


@contextlib.contextmanager
def bench_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create the database, run `recourse db upgrade` on it, yield its URL, drop it after."""
    url = create_database(name)
    try:
        upgrade(url)
        yield url
    finally:
        if keep:
            say("kept database", name)
        else:
            drop_database(name)


def recourse_env(url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOURSE_")}
    env.update(
        RECOURSE_DATABASE_URL=url,
        RECOURSE_DATA_DIR=str(data_dir),
        RECOURSE_EMBEDDED_WORKER="false",
        RECOURSE_LOG_LEVEL="WARNING",
    )
    return env


def upgrade(url: str) -> None:
    """`recourse db upgrade`, as an operator runs it."""
    with tempfile.TemporaryDirectory(prefix="recourse-bench-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "recourse", "db", "upgrade"],
            env=recourse_env(url, Path(tmp)),
            check=True,
            stdout=subprocess.DEVNULL,
        )


def container(url: str, data_dir: Path, clock: Clock | None = None) -> Container:
    settings = Settings(database_url=url, data_dir=data_dir, embedded_worker=False)
    return build(settings, clock=clock, fast_hashing=True)


def describe_setup(url: str | None = None) -> None:
    """How the figures were obtained: machine, load, software, database settings."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    say("machine", f"{os.cpu_count()} cores ({platform.machine()}), load average {load} at start")
    say(
        "software",
        f"Python {platform.python_version()}, SQLAlchemy {sqlalchemy_version}, "
        f"psycopg {psycopg.__version__}",
    )
    if url and url.startswith("postgresql"):
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()
                for name in ("shared_buffers", "synchronous_commit", "max_connections")
            }
        shown = ", ".join(f"{k} {v[0] if v else '?'}" for k, v in settings.items())
        say(
            "database",
            f"PostgreSQL {version[0] if version else '?'} on {PG_HOST}:{PG_PORT} ({shown})",
        )


@contextlib.contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A Rich progress bar on stderr (stdout keeps only figures); the yielded function advances
    it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    console = Console(stderr=True)
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timing_line(label: str, seconds: Sequence[float]) -> None:
    ms = [s * 1000 for s in seconds]
    say(
        label,
        f"n={len(ms)} mean {sum(ms) / len(ms):.2f} ms, p50 {percentile(ms, 50):.2f} ms, "
        f"p95 {percentile(ms, 95):.2f} ms, p99 {percentile(ms, 99):.2f} ms, "
        f"max {max(ms):.2f} ms",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Memory:
    pid: int
    role: str
    rss_mb: float
    peak_mb: float


def _status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def descendants(root: int) -> list[int]:
    """Every process below `root` (read from /proc), parents before children."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop(0)
        children = sorted(parents.get(pid, []))
        found.extend(children)
        todo.extend(children)
    return found


@dataclass
class Server:
    """`recourse serve --workers W --no-worker` on a loopback port, in its own process group."""

    url: str
    workers: int
    data_dir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        log = open(self.data_dir / "server.log", "wb")
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "recourse", "serve", "--host", "127.0.0.1"),
                *("--port", str(self.port), "--workers", str(self.workers), "--no-worker"),
            ],
            env=recourse_env(self.url, self.data_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited early; see {self.data_dir / 'server.log'}")
            if self._ready() and self._all_workers_up():
                return self
            time.sleep(0.3)
        self.stop()
        raise SystemExit("server did not become ready within 90 s")

    def _ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/readyz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def _all_workers_up(self) -> bool:
        return self.workers == 1 or len(self.web_pids()) >= self.workers

    def web_pids(self) -> list[int]:
        """The processes that answer requests: the server itself, or uvicorn's children."""
        assert self.proc is not None
        if self.workers == 1:
            return [self.proc.pid]
        children = descendants(self.proc.pid)
        return [pid for pid in children if "spawn_main" in _cmdline(pid)] or children

    def memory(self) -> list[Memory]:
        assert self.proc is not None
        found = []
        web = self.web_pids()
        for pid in [self.proc.pid, *descendants(self.proc.pid)]:
            role = "web" if pid in web else "supervisor" if pid == self.proc.pid else "helper"
            with contextlib.suppress(OSError):
                found.append(
                    Memory(
                        pid, role, _status_kb(pid, "VmRSS") / 1024, _status_kb(pid, "VmHWM") / 1024
                    )
                )
        return found

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __exit__(self, *_: object) -> None:
        self.stop()


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pids: list[int], *, reaped: bool = False) -> float:
    """User + system CPU the processes have used so far (from /proc; gone ones count 0);
    with `reaped`, also what their children that ended and were waited for used."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
        if reaped:
            total += int(fields[13]) + int(fields[14])  # cutime, cstime
    return total / tick


def postgres_pids() -> list[int]:
    """The database server's processes on this machine (its backends come and go)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == "postgres":
                        found.append(int(entry))
            except OSError:
                continue
    return found


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float:
    """CPU the database server has used so far: its processes alive now and, through the
    postmaster, which waits for each of its children, the backends that have ended (a
    client's connections, pgbench's, come and go)."""
    return cpu_seconds(postgres_pids(), reaped=True)


class CpuMeter:
    """Where the CPU went during a `with` block: the whole machine, the given processes, the
    database server (a backend that came and went inside the block included) and this
    process's finished children (wrk, pgbench)."""

    def __init__(self, pids: list[int] | None = None) -> None:
        self.pids = pids or []
        self.machine = self.own = self.database = self.children = self.wall = 0.0

    def __enter__(self) -> CpuMeter:
        self._start = (
            time.monotonic(),
            machine_busy_seconds(),
            cpu_seconds(self.pids),
            database_cpu_seconds(),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
        return self

    def __exit__(self, *_: object) -> None:
        wall, machine, own, pg, kids = self._start
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.wall = time.monotonic() - wall
        self.machine = machine_busy_seconds() - machine
        self.own = cpu_seconds(self.pids) - own
        self.database = database_cpu_seconds() - pg
        self.children = (now.ru_utime + now.ru_stime) - (kids.ru_utime + kids.ru_stime)

    def per(self, n: int) -> str:
        """The block's CPU per unit of work, in milliseconds."""
        ms = 1000 / max(n, 1)
        busy = self.machine / (self.wall * (os.cpu_count() or 1)) * 100 if self.wall else 0.0
        parts = [f"machine {self.machine * ms:.2f} ms ({busy:.0f} % of all cores busy)"]
        if self.pids:
            parts.append(f"web processes {self.own * ms:.2f} ms")
        parts.append(f"PostgreSQL {self.database * ms:.2f} ms")
        parts.append(f"load generator {self.children * ms:.2f} ms")
        return ", ".join(parts)


def memory_lines(server: Server, label: str = "RSS") -> float:
    """Print each process's resident and peak memory; return the largest web peak (MB)."""
    peaks = []
    for x in server.memory():
        say(f"{label} {x.role} pid {x.pid}", f"{x.rss_mb:.1f} MB now, peak {x.peak_mb:.1f} MB")
        if x.role == "web":
            peaks.append(x.peak_mb)
    return max(peaks, default=0.0)


def need_tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is not installed (Debian package {package!r})")
    return name


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests: int
    seconds: float
    ok: int
    non2xx: int
    socket_errors: int
    exhausted: bool
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    sample_error: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_get(url: str, *, connections: int, threads: int, seconds: float) -> tuple[int, float]:
    """Plain wrk GETs of one URL: how many requests were answered, in how many seconds."""
    cmd = [need_tool("wrk", "wrk"), "-t", str(threads), "-c", str(connections)]
    cmd += ["-d", f"{max(1, round(seconds))}s", url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = re.search(r"(\d+) requests in ([0-9.]+)(m?s)", out)
    if found is None:
        raise SystemExit(f"wrk printed no totals:\n{out}")
    took = float(found.group(2)) * (0.001 if found.group(3) == "ms" else 1.0)
    return int(found.group(1)), took


def run_wrk(
    base: str,
    orders_file: Path,
    *,
    connections: int,
    threads: int,
    seconds: float,
    first: int = 0,
    count: int | None = None,
    delay_ms: float = 0.0,
) -> WrkResult:
    """wrk with bench/cancel.lua: one POST .../cancellations per order in `orders_file`."""
    cmd = [need_tool("wrk", "wrk"), "-t", str(threads), "-c", str(connections)]
    cmd += ["-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(LUA_SCRIPT), base]
    cmd += ["--", str(orders_file), str(threads), str(first), str(count or 0), str(delay_ms)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    got = {}
    for line in out.splitlines():
        if line.startswith("BENCH "):
            name, _, value = line.removeprefix("BENCH ").partition(" ")
            got[name] = value.strip()
    if "requests" not in got:
        raise SystemExit(f"wrk printed no figures:\n{out}")
    return WrkResult(
        requests=int(got["requests"]),
        seconds=int(got["duration_us"]) / 1e6,
        ok=int(got["ok"]),
        non2xx=int(got["non2xx"]),
        socket_errors=int(got["socket_errors"]),
        exhausted=got["exhausted"] != "0",
        p50_ms=int(got["p50_us"]) / 1000,
        p90_ms=int(got["p90_us"]) / 1000,
        p99_ms=int(got["p99_us"]) / 1000,
        max_ms=int(got["max_us"]) / 1000,
        sample_error=got.get("sample_error", ""),
    )


def short(sql: str) -> str:
    """The statement's verb and table, enough to recognise it."""
    flat = re.sub(r"%\(\w+\)s(::\w+)?|\$\d+(::\w+)?|\?", "?", re.sub(r"\s+", " ", sql).strip())
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", flat, re.IGNORECASE)
    head = flat.split(" ", 1)[0].upper()
    detail = ""
    if head == "SELECT" and table:
        where = re.search(r"\bWHERE (.*?)(?: ORDER BY| LIMIT| FOR UPDATE|$)", flat)
        detail = f" WHERE {where.group(1)[:70]}" if where else ""
    if "FOR UPDATE" in flat:
        detail += " FOR UPDATE"
    return f"{head} {table.group(1) if table else ''}{detail}"


class ServerStatements:
    """PostgreSQL's own time per statement over a stretch of a benchmark, from the
    `pg_stat_statements` extension: each statement's calls, execution and planning time.

    The extension must be preloaded by the server (`shared_preload_libraries =
    'pg_stat_statements'`, and `pg_stat_statements.track_planning = on` for planning times;
    both need a restart). Without it `start()` says how to turn it on and `report()` prints
    nothing."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.available = False

    def start(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            loaded = conn.execute("SHOW shared_preload_libraries").fetchone()
            if loaded is None or "pg_stat_statements" not in str(loaded[0]):
                say(
                    "postgresql time per statement",
                    "not measured: preload pg_stat_statements (shared_preload_libraries, "
                    "pg_stat_statements.track_planning = on, restart) to see it",
                )
                return
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            conn.execute("SELECT pg_stat_statements_reset()")
        self.available = True

    def report(self, per: int, label: str, shorten: Callable[[str], str]) -> None:
        """The statements of this database since `start()`, by server time: calls and time per
        one of `per` units of work, and each statement's share."""
        if not self.available:
            return
        with psycopg.connect(self.url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT query, calls, total_exec_time, total_plan_time FROM pg_stat_statements"
                " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND query NOT ILIKE '%pg_stat_statements%'"
                " ORDER BY total_exec_time + total_plan_time DESC"
            ).fetchall()
        total = sum(float(r[2]) + float(r[3]) for r in rows) or 1.0
        say(
            f"postgresql time per statement ({label})",
            f"{total / per:.3f} ms of server time (execution + planning) per unit, over "
            f"{per} units; statements by their share:",
        )
        for query, calls, exec_ms, plan_ms in rows[:10]:
            spent = float(exec_ms) + float(plan_ms)
            print(
                f"  {spent / total:6.1%}  {calls / per:5.2f} calls, execution "
                f"{float(exec_ms) / per:.3f} ms, planning {float(plan_ms) / per:.3f} ms per "
                f"unit  {shorten(query)}"
            )
