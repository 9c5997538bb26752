"""§2 ingest: the lines the marketplace hands over, checked against what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recourse.domain.errors import InvalidInput
from recourse.domain.money import MAX_AMOUNT

# Units of one order line: a marketplace order, not a warehouse transfer. With MAX_AMOUNT it
# keeps unit price times quantity inside 64 bits, and it fits a 32-bit column.
MAX_QUANTITY = 10_000


@dataclass(frozen=True, slots=True)
class NewLine:
    sku: str
    title: str
    unit_price: int
    quantity: int
    discount: int = 0
    tax: int = 0

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity


def _within(field: str, value: int, largest: int, what: str) -> None:
    if value < 0:
        raise InvalidInput(field, f"{what}_negative")
    if value > largest:
        raise InvalidInput(field, f"{what}_too_large", max=largest)


def validate_new_lines(lines: Sequence[NewLine], shipping_fee: int) -> None:
    """§2 ingest: every number within what is stored (MAX_QUANTITY, MAX_AMOUNT, and the total
    too), whoever calls; each check names the offending field."""
    if not lines:
        raise InvalidInput("lines", "order_without_lines")
    _within("shipping_fee", shipping_fee, MAX_AMOUNT, "shipping_fee")
    seen: set[str] = set()
    for i, line in enumerate(lines):
        where = f"lines[{i}]"
        if line.quantity <= 0:
            raise InvalidInput(f"{where}.quantity", "quantity_below_one")
        if line.quantity > MAX_QUANTITY:
            raise InvalidInput(
                f"{where}.quantity",
                "quantity_too_large",
                max=MAX_QUANTITY,
            )
        _within(f"{where}.unit_price", line.unit_price, MAX_AMOUNT, "unit_price")
        _within(f"{where}.discount", line.discount, MAX_AMOUNT, "discount")
        _within(f"{where}.tax", line.tax, MAX_AMOUNT, "tax")
        if line.discount > line.unit_price * line.quantity:
            raise InvalidInput(
                f"{where}.discount",
                "discount_exceeds_line",
                line_amount=line.unit_price * line.quantity,
                discount=line.discount,
            )
        if not line.sku.strip():
            raise InvalidInput(f"{where}.sku", "sku_empty")
        if line.sku in seen:
            raise InvalidInput(f"{where}.sku", "sku_twice", sku=line.sku)
        seen.add(line.sku)
    total = sum(line.gross - line.discount + line.tax for line in lines) + shipping_fee
    if total > MAX_AMOUNT:
        raise InvalidInput(
            "lines",
            "order_total_too_large",
            total=total,
            max=MAX_AMOUNT,
        )
