"""`recourse demo`: a sample marketplace with ninety days of history, made by the real use cases.

Every store, person, order, payment, parcel and carrier scan goes through the service functions
the API and the worker call, on a clock moved through the past; a worker on that clock fires the
deadlines that fell due along the way. The demo's rows, timelines and emails are therefore what
production would have made of the same history, and nothing in them lies in the future.
"""

from __future__ import annotations

import heapq
import itertools
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import outbox
from recourse.domain.calendar import add_business_days_at
from recourse.domain.order import NewLine, OrderStatus, PaymentMethod, PaymentStatus, order_totals
from recourse.domain.roles import Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway
from recourse.services import accounts, cancellations, orders, shipping, stores

OPERATOR = Actor(Role.operator)
BUYER_LOGIN = ("buyer@demo.recourse.test", "demo-buyer-1")
SELLER_LOGIN = ("seller@demo.recourse.test", "demo-seller-1")
SUPPORT_LOGIN = ("support@demo.recourse.test", "demo-support-1")
SEED = 20260302
# Deadlines fire at the latest this long after they fall due while the history is replayed.
WORKER_CADENCE = timedelta(hours=6)


class DemoInfo(TypedDict):
    logins: dict[str, tuple[str, str]]
    token: str


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    title: str
    price: int


@dataclass(frozen=True, slots=True)
class Carrier:
    name: str
    tracking: str  # '#' stands for a digit
    transit_days: tuple[float, float]


@dataclass(frozen=True, slots=True)
class StoreSpec:
    key: str
    name: str
    country: str
    timezone: str
    currency: str
    policy: dict[str, Any]
    products: tuple[Product, ...]
    fees: tuple[int, int]  # domestic, abroad
    free_over: int  # domestic orders of at least this much ship free
    vat_zone: frozenset[str]  # destinations the store charges VAT for
    carriers: tuple[Carrier, Carrier]  # domestic, abroad
    policy_change: tuple[int, dict[str, Any]] | None = None  # days ago, changes


@dataclass(frozen=True, slots=True)
class Person:
    role: Role
    key: str
    name: str
    country: str
    timezone: str
    locale: str
    stores: tuple[str, ...]
    password: str

    @property
    def email(self) -> str:
        return f"{self.key}@demo.recourse.test"


def _people(rows: str) -> tuple[Person, ...]:
    """Demo passwords are `demo-<role>-<n>`, numbered per role in the order listed."""
    people: list[Person] = []
    for row in rows.strip().splitlines():
        role, key, name, country, tz, locale, staffs = (cell.strip() for cell in row.split("|"))
        n = 1 + sum(p.role == role for p in people)
        password = f"demo-{role}-{n}"
        people.append(
            Person(Role(role), key, name, country, tz, locale, tuple(staffs.split()), password)
        )
    return tuple(people)


def _products(prefix: str, rows: str) -> tuple[Product, ...]:
    items = []
    for row in rows.strip().splitlines():
        sku, price, title = (cell.strip() for cell in row.split("|"))
        items.append(Product(f"{prefix}-{sku}", title, int(price)))
    return tuple(items)


VAT_PERCENT = {"DE": 19, "FR": 20, "NL": 21, "JP": 10}
EU = frozenset({"DE", "FR", "NL"})

STORES = (
    StoreSpec(
        key="volt",
        name="Volt & Vector",
        country="DE",
        timezone="Europe/Berlin",
        currency="EUR",
        policy={"buyer_cancel": "instant", "processing_days": 2, "return_window_days": 14},
        products=_products(
            "VV",
            """
            HP-ANC700-BLK | 24900 | Aurel ANC-700 wireless noise-cancelling headphones, black
            EB-PODS2-WHT  | 11900 | Aurel Pods 2 true-wireless earbuds, white
            KB-TKL-BRN-DE | 12990 | Keyforge TKL mechanical keyboard, brown switches, DE layout
            MS-ERGO-M     |  4990 | Handwell ergonomic vertical mouse, medium
            MON-27Q       | 28900 | Lumio 27" QHD IPS monitor, 75 Hz
            SSD-NV4-1TB   |  8990 | Stratus 1 TB NVMe SSD, PCIe 4.0
            PB-20K-65W    |  5490 | Voltcell 20,000 mAh power bank, USB-C PD 65 W
            CBL-C2C-2M    |  1490 | Braided USB-C to USB-C cable, 2 m, 100 W
            HUB-7IN1      |  3990 | 7-in-1 USB-C hub with 4K HDMI and card reader
            SPK-PBL-GRN   |  6990 | Pebble waterproof Bluetooth speaker, moss green
            CAM-4K        |  9990 | Clarity 4K webcam with privacy shutter
            LMP-LINEA     |  5990 | Linea LED desk lamp with wireless charging pad
            """,
        ),
        fees=(499, 1990),
        free_over=10000,
        vat_zone=EU,
        carriers=(
            Carrier("DHL", "0034043416##########", (1, 3)),
            Carrier("DHL Express", "##########", (3, 8)),
        ),
        policy_change=(34, {"return_window_days": 30, "buyer_pays_remorse_return_shipping": False}),
    ),
    StoreSpec(
        key="lune",
        name="Maison Lune",
        country="FR",
        timezone="Europe/Paris",
        currency="EUR",
        policy={
            "buyer_cancel": "approval",
            "cancel_response_hours": 48,
            "allow_partial_cancel": True,
            "processing_days": 3,
            "restocking_fee_percent": 10,
        },
        products=_products(
            "ML",
            """
            DRS-CELESTE-SAG-38 |  8900 | Linen shirt dress Céleste, sage, FR 38
            JMP-MERINO-OAT-M   |  9500 | Merino crew-neck jumper, oatmeal, M
            BOT-ALIX-COG-39    | 16900 | Leather ankle boots Alix, cognac, EU 39
            SCF-JARDIN-90      |  7500 | Silk scarf Jardin d'hiver, 90 x 90 cm
            TRS-WOOL-NVY-40    | 11000 | Wide-leg wool trousers, navy, FR 40
            TOP-BRETON-S       |  4200 | Breton striped top, ecru and navy, S
            TRN-GAB-STN-38     | 24500 | Cotton-gabardine trench coat, stone, FR 38
            BAG-TOTE-NAT       |  3500 | Canvas tote bag Lune, natural
            HAT-CASH-CHR       |  6500 | Cashmere beanie, charcoal
            JNS-RAW-2830       |  9900 | High-rise straight jeans, raw denim, W28 L30
            """,
        ),
        fees=(590, 1900),
        free_over=15000,
        vat_zone=EU,
        carriers=(
            Carrier("La Poste Colissimo", "6A###########", (1, 3)),
            Carrier("La Poste Colissimo International", "CB#########FR", (4, 9)),
        ),
    ),
    StoreSpec(
        key="kanade",
        name="Kanade Living",
        country="JP",
        timezone="Asia/Tokyo",
        currency="JPY",
        policy={
            "buyer_cancel": "approval",
            "cancel_response_hours": 24,
            "processing_days": 3,
            "accepts_remorse_returns": False,
            "return_window_days": 0,
            "return_response_business_days": 5,
        },
        products=_products(
            "KN",
            """
            MUG-HASAMI-IND  |  2200 | Hasami porcelain mug, 300 ml, indigo glaze
            TET-NAMBU-08    | 12800 | Nambu cast-iron tetsubin kettle, 0.8 l
            STL-HINOKI      |  8900 | Hinoki bath stool
            NRN-ASANOHA     |  6600 | Linen noren curtain, 85 x 150 cm, asanoha pattern
            PLT-MINO-21-5   |  9900 | Mino-yaki dinner plates, 21 cm, set of 5
            CHP-EBONY-5     |  1980 | Ebony chopsticks, set of 5 pairs
            DNB-IGA-2       |  7480 | Iga-yaki donabe clay pot for two to three
            BRD-HINOKI-42   |  5500 | Hinoki cutting board, 42 cm
            FRS-SEIGAIHA-70 |  1650 | Furoshiki wrapping cloth, 70 cm, seigaiha waves
            RUN-SASHIKO-180 |  4400 | Sashiko cotton table runner, 180 cm
            """,
        ),
        fees=(800, 3200),
        free_over=10000,
        vat_zone=frozenset({"JP"}),
        carriers=(
            Carrier("Yamato Transport", "####-####-####", (1, 2)),
            Carrier("Japan Post EMS", "EJ#########JP", (4, 10)),
        ),
    ),
    StoreSpec(
        key="oud",
        name="Dar Al Oud",
        country="KW",
        timezone="Asia/Kuwait",
        currency="KWD",
        policy={
            "buyer_cancel": "instant",
            "allow_partial_cancel": True,
            "processing_days": 1,
            "return_window_days": 7,
            "return_response_business_days": 2,
        },
        products=_products(
            "DAO",
            """
            OIL-CAMB-3      | 45000 | Cambodian oud oil, 3 ml
            BKH-LAYL-50     |  6500 | Bakhoor Al Layl incense, 50 g
            EDP-ROSEAMB-100 | 28750 | Rose and amber eau de parfum, 100 ml
            MBK-BRASS       | 12250 | Brass mabkhara incense burner
            MSK-TAHARA-12   |  3500 | White musk tahara, 12 ml
            SET-DISC-3X10   | 19900 | Discovery set: oud, rose and musk, 3 x 10 ml
            MTR-MAJLIS-6    | 32000 | Oud muattar Majlis, 6 ml
            MST-SANDAL-250  |  8250 | Sandalwood and saffron body mist, 250 ml
            """,
        ),
        fees=(1500, 6750),
        free_over=30000,
        vat_zone=frozenset(),
        carriers=(
            Carrier("Aramex", "###########", (1, 2)),
            Carrier("Aramex", "###########", (3, 8)),
        ),
    ),
)

PEOPLE = _people(
    """
    support | support | Sam Okafor        | GB | Europe/London       | en_GB |
    seller  | seller  | Lena Fischer      | DE | Europe/Berlin       | en    | volt lune
    seller  | camille | Camille Martin    | FR | Europe/Paris        | fr    | lune
    seller  | haruto  | Haruto Sato       | JP | Asia/Tokyo          | ja    | kanade
    seller  | yousef  | Yousef Al-Mutairi | KW | Asia/Kuwait         | ar    | oud
    buyer   | buyer   | Sophie Wagner     | DE | Europe/Berlin       | en    |
    buyer   | amelie  | Amélie Laurent    | FR | Europe/Paris        | fr    |
    buyer   | kenji   | Kenji Watanabe    | JP | Asia/Tokyo          | ja    |
    buyer   | fatima  | Fatima Al-Sabah   | KW | Asia/Kuwait         | ar    |
    buyer   | lucas   | Lucas Oliveira    | BR | America/Sao_Paulo   | pt_BR |
    buyer   | jordan  | Jordan Miller     | US | America/Los_Angeles | en_US |
    buyer   | noah    | Noah de Vries     | NL | Europe/Amsterdam    | nl    |
    """
)

# Who bought what, and where each order stands today; ":variant" adds a twist to its story.
PLAN = """
    buyer  volt    awaiting_payment payment_review awaiting_shipment awaiting_shipment:overdue
    buyer  volt    shipped shipped:partial delivered delivered:two_parcels completed completed
    buyer  volt    cancelled cancelled:by_buyer
    buyer  lune    awaiting_shipment:requested cancelled:expired cancelled:by_seller
    buyer  lune    shipped delivered completed
    buyer  kanade  awaiting_shipment completed
    buyer  oud     delivered
    amelie lune    awaiting_payment:failed awaiting_shipment awaiting_shipment:overdue shipped
    amelie lune    delivered:two_parcels completed cancelled awaiting_shipment:requested
    amelie volt    delivered completed
    kenji  kanade  payment_review awaiting_shipment awaiting_shipment:overdue shipped delivered
    kenji  kanade  delivered completed cancelled:failed
    kenji  volt    shipped completed
    fatima oud     awaiting_payment awaiting_shipment shipped delivered delivered completed
    fatima oud     completed:two_parcels cancelled
    fatima lune    delivered completed
    lucas  volt    awaiting_payment:bank_transfer shipped cancelled
    lucas  kanade  delivered completed
    lucas  lune    completed
    jordan volt    awaiting_shipment:bank_transfer delivered completed
    jordan oud     shipped
    jordan kanade  delivered completed:bank_transfer
    noah   volt    awaiting_shipment delivered delivered completed completed
    noah   lune    shipped delivered
"""


def seed(container: Container, *, console: Console) -> DemoInfo:
    """Build the demo marketplace in an empty database; return the logins the demo prints."""
    columns = (TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        _Seeder(container, progress).run()
    return demo_logins(container)


def demo_logins(container: Container) -> DemoInfo:
    """The fixed demo logins, and a fresh operator API token for the demo's database."""
    token = accounts.create_token(
        container.uow(), container.ctx, operator=True, email=None, name="demo"
    )
    return {
        "logins": {"buyer": BUYER_LOGIN, "seller": SELLER_LOGIN, "support": SUPPORT_LOGIN},
        "token": token,
    }


def _idle() -> None:
    """A moment on the clock when nothing but the worker's poll happens."""


def _hours(n: float) -> timedelta:
    return timedelta(hours=n)


def _minutes(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def _earlier_local(
    moment: datetime, timezone: str, window: tuple[int, int], *, floor: datetime
) -> datetime:
    """The latest whole-hour step back from `moment` that falls within local hours
    [start, end) and not before `floor`; `moment` itself when there is none."""
    zone = ZoneInfo(timezone)
    candidate = moment
    while candidate >= floor:
        if window[0] <= candidate.astimezone(zone).hour < window[1]:
            return candidate
        candidate -= _hours(1)
    return moment


@dataclass(eq=False)
class _Order:
    """One planned order: what it holds, and the ids the use cases gave it along the way."""

    buyer: Person
    store: StoreSpec
    status: OrderStatus
    variant: str
    lines: list[NewLine]
    shipping_fee: int
    method: PaymentMethod
    id: int = 0
    line_ids: dict[str, int] = field(default_factory=dict)
    parcels: dict[int, int] = field(default_factory=dict)

    @property
    def abroad(self) -> bool:
        return self.buyer.country != self.store.country

    @property
    def carrier(self) -> Carrier:
        return self.store.carriers[1 if self.abroad else 0]


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    run: Callable[[], object] = field(compare=False)
    counted: bool = field(default=True, compare=False)


class _Seeder:
    """Plans every order's story first, then plays all of them in one chronological pass."""

    def __init__(self, container: Container, progress: Progress) -> None:
        self.c = container
        self.progress = progress
        self.task = progress.add_task("Stores and people", total=len(STORES) + len(PEOPLE))
        self.now = container.clock.now()
        self.clock = FixedClock(self.now)
        self.ctx = replace(container.ctx, clock=self.clock)
        self.rng = random.Random(SEED)
        # The sandbox settles on the clock of whoever calls it: here, the seeded past.
        self.past_worker = make_worker(
            container,
            self.ctx,
            name="demo-seed",
            gateways={"sandbox": SandboxGateway(container.engine, self.clock)},
        )
        self.store_ids: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.shippers: dict[str, Actor] = {}
        self.steps: list[_Step] = []
        self.seq = itertools.count()
        self.order_number = 1048211
        with container.uow() as uow:
            platform = uow.platform.policy()
        self.window = _hours(platform.payment_window_hours)
        self.review = _hours(platform.payment_review_hours)
        self.protection = platform.protection_days
        self.autocancel = timedelta(days=platform.overdue_autocancel_days)

    def run(self) -> None:
        for order in self._plan():
            self._story(order)
        moment = min(self.steps).at
        self._setup(moment - timedelta(days=30))
        while moment < self.now:
            self._at(moment, _idle, counted=False)
            moment += WORKER_CADENCE
        total = sum(step.counted for step in self.steps) + 1
        self.progress.update(self.task, description="Orders, payments and parcels", completed=0)
        self.progress.update(self.task, total=total)
        while self.steps:
            step = heapq.heappop(self.steps)
            assert step.at <= self.now, "the demo's history must not reach the future"
            self.clock.set(step.at)
            if outbox.pending_count(self.c.engine, step.at):
                self.past_worker.run_once()
            step.run()
            self.progress.advance(self.task, int(step.counted))
        self.progress.update(self.task, description="Worker: deadlines and email")
        make_worker(self.c, self.c.ctx).run_once()
        self.progress.advance(self.task)

    def _at(self, at: datetime, run: Callable[[], object], *, counted: bool = True) -> None:
        heapq.heappush(self.steps, _Step(at, next(self.seq), run, counted))

    def _setup(self, start: datetime) -> None:
        for i, spec in enumerate(STORES):
            self.clock.set(start + _hours(i * 30))
            self.store_ids[spec.key] = stores.create_store(
                self.c.uow(),
                self.ctx,
                actor=OPERATOR,
                name=spec.name,
                country=spec.country,
                policy=spec.policy,
            )
            self.progress.advance(self.task)
        for i, person in enumerate(PEOPLE):
            self.clock.set(start + timedelta(days=6 + i * 2, hours=self.rng.uniform(8, 20)))
            self.users[person.key] = user_id = accounts.create_user(
                self.c.uow(),
                self.ctx,
                self.c.hasher,
                actor=OPERATOR,
                data=accounts.UserInput(
                    email=person.email,
                    name=person.name,
                    role=person.role,
                    country=person.country,
                    timezone=person.timezone,
                    locale=person.locale,
                    password=person.password,
                    store_ids=tuple(self.store_ids[key] for key in person.stores),
                ),
            )
            user = accounts.actor_for_user(self.c.uow(), user_id)
            assert user is not None
            self.shippers.update((key, user.actor()) for key in person.stores)
            self.progress.advance(self.task)
        for spec in STORES:
            if spec.policy_change is not None:
                days_ago, changes = spec.policy_change
                when = (self.now - timedelta(days=days_ago)).replace(hour=9, minute=40)
                self._at(when, partial(self._change_policy, spec, changes))

    def _plan(self) -> list[_Order]:
        by_key = {spec.key: spec for spec in STORES}
        buyers = {person.key: person for person in PEOPLE if person.role is Role.buyer}
        planned = []
        for row in PLAN.strip().splitlines():
            buyer_key, store_key, *statuses = row.split()
            for token in statuses:
                status, _, variant = token.partition(":")
                buyer, spec = buyers[buyer_key], by_key[store_key]
                planned.append(self._order(buyer, spec, OrderStatus(status), variant))
        return planned

    def _order(self, buyer: Person, spec: StoreSpec, status: OrderStatus, variant: str) -> _Order:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4), weights=(45, 30, 18, 7))[0]
        count = max(count, 2 if variant in ("partial", "two_parcels") else 1)
        vat = VAT_PERCENT.get(buyer.country, 0) if buyer.country in spec.vat_zone else 0
        lines = []
        for product in rng.sample(spec.products, count):
            quantity = rng.choice((1, 1, 1, 2, 3)) if product.price * 4 < spec.free_over else 1
            gross = product.price * quantity
            discount = gross * rng.choice((10, 15, 20)) // 100 if rng.random() < 0.25 else 0
            tax = ((gross - discount) * vat + 50) // 100
            lines.append(
                NewLine(product.sku, product.title, product.price, quantity, discount, tax)
            )
        subtotal = sum(line.gross - line.discount for line in lines)
        if buyer.country != spec.country:
            fee = spec.fees[1]
        else:
            fee = 0 if subtotal >= spec.free_over else spec.fees[0]
        if variant == "bank_transfer":
            method = PaymentMethod.bank_transfer
        else:
            method = rng.choice((PaymentMethod.card,) * 3 + (PaymentMethod.wallet,))
        return _Order(buyer, spec, status, variant, lines, fee, method)

    def _story(self, o: _Order) -> None:
        """Schedule the order's life so that today it stands where the plan says."""
        rng, now, s = self.rng, self.now, o.status
        bank = o.method is PaymentMethod.bank_transfer
        if s is OrderStatus.awaiting_payment:
            placed = self._awake(o, now - self.window * rng.uniform(0.05, 0.7), now - self.window)
            self._at(placed, partial(self._place, o))
            if o.variant == "failed":
                self._at(placed + _minutes(rng, 2, 9), partial(self._pay, o, PaymentStatus.failed))
            return
        if s is OrderStatus.payment_review:
            placed = now - self.review * rng.uniform(0.02, 0.5)
            self._at(placed, partial(self._place, o))
            self._at(placed + _minutes(rng, 1, 4), partial(self._pay, o, PaymentStatus.review))
            return
        if s is OrderStatus.cancelled and o.variant in ("by_buyer", "by_seller", "expired"):
            placed = self._awake(o, now - timedelta(days=rng.uniform(4, 40)))
            paid = placed + _minutes(rng, 1, 25)
            self._at(placed, partial(self._place, o))
            self._at(paid, partial(self._pay, o, PaymentStatus.captured))
            if o.variant == "by_buyer":
                self._at(
                    paid + _minutes(rng, 3, 25), partial(self._cancel, o, "ordered_by_mistake")
                )
            elif o.variant == "by_seller":
                self._at(paid + _hours(rng.uniform(2, 20)), partial(self._seller_cancel, o))
            else:
                self._at(
                    paid + _hours(rng.uniform(2, 6)), partial(self._cancel, o, "found_cheaper")
                )
            return
        if s is OrderStatus.awaiting_shipment and o.variant == "requested":
            paid = now - _hours(rng.uniform(4, 20))
            self._at(paid - _minutes(rng, 1, 25), partial(self._place, o))
            self._at(paid, partial(self._pay, o, PaymentStatus.captured))
            self._at(
                paid + _hours(rng.uniform(1, 3)), partial(self._cancel, o, "shipping_too_slow")
            )
            return
        if s is OrderStatus.cancelled:
            placed = self._awake(o, now - self.window - timedelta(days=rng.uniform(2, 60)))
            self._at(placed, partial(self._place, o, fire_pay_by=True))
            if o.variant == "failed":
                self._at(placed + _minutes(rng, 2, 9), partial(self._pay, o, PaymentStatus.failed))
            return
        if s is OrderStatus.awaiting_shipment:
            if o.variant == "overdue":
                paid = self._overdue_payment(o.store)
            else:
                paid = now - _hours(rng.uniform(0.3, 8))
            placed = paid - (_hours(rng.uniform(18, 44)) if bank else _minutes(rng, 1, 25))
            self._at(placed, partial(self._place, o))
            self._at(paid, partial(self._pay, o, PaymentStatus.captured))
            return
        if s is OrderStatus.shipped:
            placed = now - _hours(rng.uniform(30, 190 if o.abroad else 110))
        elif s is OrderStatus.delivered:
            placed = now - timedelta(days=rng.uniform(4, max(5, self.protection - 8)))
        else:
            placed = now - timedelta(days=self.protection + rng.uniform(6, 28))
        placed = self._awake(o, placed)
        paid = placed + (_hours(rng.uniform(18, 44)) if bank else _minutes(rng, 1, 25))
        shipped = paid + _hours(rng.uniform(3, 30))
        if s is OrderStatus.shipped:
            shipped = min(shipped, now - _hours(rng.uniform(2, 6)))
        shipped = _earlier_local(shipped, o.store.timezone, (8, 19), floor=paid + _hours(1))
        self._at(placed, partial(self._place, o))
        self._at(paid, partial(self._pay, o, PaymentStatus.captured))
        skus = [line.sku for line in o.lines]
        split = {"two_parcels": len(skus) // 2, "partial": len(skus) - 1}.get(o.variant, len(skus))
        self._parcel(
            o, 0, skus[:split], shipped, "transit" if s is OrderStatus.shipped else "deliver"
        )
        if o.variant == "two_parcels":
            second = min(shipped + _hours(rng.uniform(20, 72)), now - _hours(rng.uniform(3, 6)))
            second = _earlier_local(second, o.store.timezone, (8, 19), floor=shipped + _hours(1))
            mode = "deliver" if s is OrderStatus.completed else "maybe"
            self._parcel(o, 1, skus[split:], second, mode)

    def _awake(self, o: _Order, moment: datetime, floor: datetime | None = None) -> datetime:
        """People shop while awake: the moment, moved back into the buyer's 08:00-23:00."""
        return _earlier_local(moment, o.buyer.timezone, (8, 23), floor=floor or moment - _hours(12))

    def _overdue_payment(self, spec: StoreSpec) -> datetime:
        """A payment time whose ship-by passed recently: well before C4's automatic cancel."""
        days = int(spec.policy["processing_days"])
        target = self.now - self.autocancel * self.rng.uniform(0.1, 0.5)
        offset = _minutes(self.rng, 0, 59)
        best: tuple[timedelta, datetime] | None = None
        for back in range(2, 24 * 21):
            paid = self.now - _hours(back) - offset
            ship_by = add_business_days_at(
                paid,
                days,
                lambda day: self.ctx.holidays.is_holiday(spec.country, day),
                self.ctx.holidays.weekend(spec.country),
            )
            if ship_by < self.now - _hours(1) and (best is None or abs(ship_by - target) < best[0]):
                best = (abs(ship_by - target), paid)
        assert best is not None
        return best[1]

    def _parcel(self, o: _Order, n: int, skus: list[str], at: datetime, mode: str) -> None:
        """Ship `skus` at `at`, then the carrier's scans: `deliver` arrives before now,
        `maybe` arrives if the carrier's usual transit time has passed, `transit` never."""
        rng, now = self.rng, self.now
        digits = (rng.choice(string.digits) if ch == "#" else ch for ch in o.carrier.tracking)
        self._at(at, partial(self._ship, o, n, skus, "".join(digits)))
        first = at + _hours(rng.uniform(4, 14))
        arrives = at + timedelta(days=rng.uniform(*o.carrier.transit_days))
        latest = now - _hours(rng.uniform(1, 8))
        if mode == "deliver" and arrives > latest:
            arrives = latest
            first = min(first, at + (arrives - at) / 3)
        arrives = _earlier_local(arrives, o.buyer.timezone, (8, 20), floor=first + _hours(1))
        scans = [(first, CarrierEvent.in_transit)]
        if o.abroad:
            scans.append((first + (arrives - first) / 2, CarrierEvent.in_transit))
        if mode == "deliver" or (mode == "maybe" and arrives <= latest):
            scans.append((arrives, CarrierEvent.delivered))
        for happened, event in scans:
            if happened <= now - timedelta(minutes=20):
                recorded = min(happened + _minutes(rng, 2, 20), now)
                self._at(recorded, partial(self._scan, o, n, event, happened))

    def _tick(self, due: datetime) -> None:
        """Run the worker just after `due`, as the embedded worker would have; other deadlines
        fire at the next step or idle moment after they fall due."""
        at = min(due + _minutes(self.rng, 1, 4), self.now)
        self._at(at, self.past_worker.run_once, counted=False)

    def _change_policy(self, spec: StoreSpec, changes: dict[str, Any]) -> None:
        stores.update_store_policy(
            self.c.uow(),
            self.ctx,
            actor=self.shippers[spec.key],
            store_id=self.store_ids[spec.key],
            changes=changes,
        )

    def _place(self, o: _Order, *, fire_pay_by: bool = False) -> None:
        self.order_number += self.rng.randint(3, 40)
        o.id = orders.ingest_order(
            self.c.uow(),
            self.ctx,
            actor=OPERATOR,
            data=orders.OrderInput(
                buyer_id=self.users[o.buyer.key],
                store_id=self.store_ids[o.store.key],
                currency=o.store.currency,
                shipping_fee=o.shipping_fee,
                payment_method=o.method,
                lines=o.lines,
                external_id=f"MKT-{self.order_number}",
            ),
        )
        with self.c.uow() as uow:
            order = uow.orders.get(o.id)
        assert order is not None
        o.line_ids = {line.sku: line.id for line in order.lines}
        if fire_pay_by and order.deadlines.pay_by is not None:
            self._tick(order.deadlines.pay_by)

    def _pay(self, o: _Order, status: PaymentStatus) -> None:
        total = order_totals(o.store.currency, o.lines, o.shipping_fee).total.minor
        orders.record_payment(
            self.c.uow(),
            self.ctx,
            actor=OPERATOR,
            order_id=o.id,
            status=status,
            amount=total if status is PaymentStatus.captured else None,
            reference="pi_" + "".join(self.rng.choices(string.ascii_letters + string.digits, k=24)),
        )

    def _cancel(self, o: _Order, reason: str) -> None:
        """C4: the buyer cancels — at once in the grace window, else a request to the seller,
        which the worker approves at `respond_by` if nobody answers."""
        done = cancellations.cancel_order(
            self.c.uow(),
            self.ctx,
            actor=Actor(Role.buyer, self.users[o.buyer.key]),
            order_id=o.id,
            reason=reason,
        )
        if done.respond_by is not None and done.respond_by <= self.now:
            self._tick(done.respond_by)

    def _seller_cancel(self, o: _Order) -> None:
        """C8: the seller runs out of stock and cancels."""
        cancellations.cancel_order(
            self.c.uow(),
            self.ctx,
            actor=self.shippers[o.store.key],
            order_id=o.id,
            reason="out_of_stock",
        )

    def _ship(self, o: _Order, n: int, skus: list[str], tracking: str) -> None:
        quantities = {line.sku: line.quantity for line in o.lines}
        o.parcels[n] = shipping.ship_order(
            self.c.uow(),
            self.ctx,
            actor=self.shippers[o.store.key],
            order_id=o.id,
            lines=[ShipmentLine(o.line_ids[sku], quantities[sku]) for sku in skus],
            carrier=o.carrier.name,
            tracking_number=tracking,
        )
        if n == 0 and o.status is OrderStatus.completed:
            with self.c.uow() as uow:
                order = uow.orders.get(o.id)
            assert order is not None and order.deadlines.protection_ends_at is not None
            self._tick(order.deadlines.protection_ends_at)

    def _scan(self, o: _Order, n: int, event: CarrierEvent, happened: datetime) -> None:
        shipping.record_carrier_event(
            self.c.uow(),
            self.ctx,
            actor=OPERATOR,
            shipment_id=o.parcels[n],
            event=event,
            at=happened,
        )
