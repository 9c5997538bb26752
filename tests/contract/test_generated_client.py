"""The OpenAPI document is a contract: a client generated from it by openapi-python-client, with
no line written by hand, compiles and cancels an order against a live server."""

from __future__ import annotations

import compileall
import functools
import hashlib
import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest

from recourse.container import Container
from recourse.services import accounts
from recourse.web.app import create_app
from tests.live_server import serve

Generate = Callable[[bytes], ModuleType]


EVIDENCE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


@pytest.fixture(scope="session")
def generate_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generate]:
    """Generates (once per distinct document) and imports a client package."""
    root = tmp_path_factory.mktemp("generated")
    sys.path.insert(0, str(root))

    @functools.cache
    def generate(spec: bytes) -> ModuleType:
        package = "recourse_client_" + hashlib.sha256(spec).hexdigest()[:12]
        source = root / f"{package}.json"
        source.write_bytes(spec)
        config = root / f"{package}.yml"
        # No post hooks: the generator would otherwise run ruff over its output. Evidence
        # files come back as the type their content proved; a client takes them as bytes.
        binary = "".join(f"  {t}: application/octet-stream\n" for t in EVIDENCE_TYPES)
        config.write_text(
            f"package_name_override: {package}\npost_hooks: []\ncontent_type_overrides:\n{binary}"
        )
        done = subprocess.run(
            [
                sys.executable, "-m", "openapi_python_client", "generate",
                "--path", str(source),
                "--output-path", str(root / package),
                "--meta", "none",
                "--config", str(config),
                "--fail-on-warning",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert compileall.compile_dir(root / package, quiet=1)
        return importlib.import_module(package)

    yield generate
    sys.path.remove(str(root))


# Request bodies are built with the generated models' from_dict, which turns each code into the
# enum the generator made for its field (their names follow the schema's layout, e.g.
# StoreInCountry); answers are read through the generated models' typed attributes.


def _call(client_package: ModuleType, tag: str, operation: str) -> Callable[..., Any]:
    """`sync_detailed` of one generated operation module, e.g. ("orders", "ingest_order_…")."""
    module = importlib.import_module(f"{client_package.__name__}.api.{tag}.{operation}")
    return module.sync_detailed


def _parsed(response: Any, status: int) -> Any:
    assert response.status_code == status, response.content
    return response.parsed


def test_generated_client_cancels_a_paid_order_as_the_buyer(
    container: Container, generate_client: Generate
) -> None:
    with serve(create_app(container)) as base_url:
        rc = generate_client(httpx.get(f"{base_url}/api/openapi.json").content)
        models = importlib.import_module(f"{rc.__name__}.models")
        operator_token = accounts.create_token(
            container.uow(), container.ctx, operator=True, email=None
        )
        op = rc.AuthenticatedClient(base_url=base_url, token=operator_token)

        store = _parsed(
            _call(rc, "stores", "create_store_api_v1_stores_post")(
                client=op, body=models.StoreIn.from_dict({"name": "Lumen", "country": "DE"})
            ),
            201,
        )
        buyer = _parsed(
            _call(rc, "users", "create_user_api_v1_users_post")(
                client=op,
                body=models.UserIn.from_dict(
                    {
                        "email": "ann@example.com",
                        "name": "Ann Weber",
                        "role": "buyer",
                        "country": "DE",
                        "timezone": "Europe/Berlin",
                    }
                ),
            ),
            201,
        )
        order = _parsed(
            _call(rc, "orders", "ingest_order_api_v1_orders_post")(
                client=op,
                body=models.OrderIn.from_dict(
                    {
                        "buyer_id": buyer.id,
                        "store_id": store.id,
                        "currency": "EUR",
                        "shipping_fee": 499,
                        "payment_method": "card",
                        "lines": [
                            {
                                "sku": "LAMP-1",
                                "title": "Desk lamp",
                                "unit_price": 2500,
                                "quantity": 2,
                                "tax": 475,
                            }
                        ],
                    }
                ),
            ),
            201,
        )
        total = order.totals.total.amount
        paid = _parsed(
            _call(rc, "orders", "payment_api_v1_orders_order_id_payment_post")(
                order.id,
                client=op,
                body=models.PaymentIn.from_dict(
                    {"status": "captured", "amount": total, "reference": "ch_1"}
                ),
            ),
            200,
        )
        buyer_token = accounts.create_token(
            container.uow(), container.ctx, operator=False, email="ann@example.com"
        )
        ann = rc.AuthenticatedClient(base_url=base_url, token=buyer_token)
        done = _parsed(
            _call(rc, "cancellations", "cancel_api_v1_orders_order_id_cancellations_post")(
                order.id,
                client=ann,
                body=models.CancelIn.from_dict({"reason": "changed_mind"}),
                idempotency_key="cancel-lamp",
            ),
            201,
        )

    assert total == 5000 + 475 + 499
    assert paid.status == "awaiting_shipment"
    assert done.status == "completed"
    assert done.order_id == order.id
    assert done.refund.amount.amount == total
    assert done.refund.amount.currency == "EUR"
    assert done.refund.cause == "cancellation"
