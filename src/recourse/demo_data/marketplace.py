"""The demo marketplace: its stores with their policies and catalogues, its people and their
logins, created by the operator at the start of the history, and the policy a seller changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from recourse.demo_data.clock import History, hours
from recourse.domain.roles import Actor, Role
from recourse.services import accounts, stores

OPERATOR = Actor(Role.operator)
BUYER_LOGIN = ("buyer@demo.recourse.test", "demo-buyer-1")
SELLER_LOGIN = ("seller@demo.recourse.test", "demo-seller-1")
SUPPORT_LOGIN = ("support@demo.recourse.test", "demo-support-1")
SPANISH_BUYER_LOGIN = ("lucia@demo.recourse.test", "demo-buyer-8")  # reads Recourse in Spanish
SECOND_AGENT_LOGIN = ("priya@demo.recourse.test", "demo-support-2")  # decides appeals (D6)


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


# R2: where each demo store's approved returns go (one store has none on file, so a return
# approved by silence asks its sellers for one).
RETURN_ADDRESSES: dict[str, str] = {
    "volt": "Volt & Vector Returns, Lagerstraße 12, 10115 Berlin, Germany",
    "lune": "Maison Lune — Retours, 8 rue des Archives, 75004 Paris, France",
    "kanade": "Kanade Living Returns, 3-1-1 Shibuya, Tokyo 150-0002, Japan",
}


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
    buyer   | lucia   | Lucía Fernández   | ES | Europe/Madrid       | es    |
    support | priya   | Priya Nair        | IE | Europe/Dublin       | en_IE |
    """
)


def setup(history: History, start: datetime) -> None:
    """The operator creates the stores, then the people, from `start`; the sellers' policy
    changes are scheduled for their day."""
    for i, spec in enumerate(STORES):
        history.clock.set(start + hours(i * 30))
        history.store_ids[spec.key] = stores.create_store(
            history.c.uow(),
            history.ctx,
            actor=OPERATOR,
            name=spec.name,
            country=spec.country,
            policy=spec.policy,
            return_address=RETURN_ADDRESSES.get(spec.key),
        )
        history.progress.advance(history.task)
    for i, person in enumerate(PEOPLE):
        history.clock.set(start + timedelta(days=6 + i * 2, hours=history.rng.uniform(8, 20)))
        history.users[person.key] = user_id = accounts.create_user(
            history.c.uow(),
            history.ctx,
            history.c.hasher,
            actor=OPERATOR,
            data=accounts.UserInput(
                email=person.email,
                name=person.name,
                role=person.role,
                country=person.country,
                timezone=person.timezone,
                locale=person.locale,
                password=person.password,
                store_ids=tuple(history.store_ids[key] for key in person.stores),
            ),
        )
        user = accounts.actor_for_user(history.c.uow(), user_id)
        assert user is not None
        history.shippers.update((key, user.actor()) for key in person.stores)
        history.progress.advance(history.task)
    for spec in STORES:
        if spec.policy_change is not None:
            days_ago, changes = spec.policy_change
            when = (history.now - timedelta(days=days_ago)).replace(hour=9, minute=40)
            history.at(when, partial(change_policy, history, spec, changes))


def change_policy(history: History, spec: StoreSpec, changes: dict[str, Any]) -> None:
    stores.update_store_policy(
        history.c.uow(),
        history.ctx,
        actor=history.shippers[spec.key],
        store_id=history.store_ids[spec.key],
        changes=changes,
    )
