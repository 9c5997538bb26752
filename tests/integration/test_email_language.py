"""M2: every email reads in its recipient's language — subject, plain text and HTML — with the
amounts and dates in their notation, whoever's request sent it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from recourse.integrations.clock import FixedClock
from recourse.integrations.mail import EmailRenderer, Recipient

MONEY = {"amount": 6980, "currency": "EUR", "formatted": "€69.80"}
ITEMS = [{"title": "Desk lamp", "sku": "LAMP-1", "quantity": 2}]
MOMENT = "2026-04-06T10:00:00+00:00"  # Madrid: Mon 06 Apr 2026, 12:00 CEST
EARLIEST, LATEST = "2026-04-07", "2026-04-14"
ES_AMOUNT = "69,80\xa0€"  # CLDR: a no-break space before the sign
ES_MOMENT = "lun 06 abr 2026, 12:00 CEST"
EN_MOMENT = "Mon 06 Apr 2026, 12:00 CEST"


@dataclass(frozen=True)
class Case:
    template: str
    context: dict[str, Any]
    subject: dict[str, str]
    sentences: dict[str, list[str]] = field(default_factory=dict)
    """Per language: what the plain-text body says (the HTML says it too, tags aside)."""


CASES = [
    Case(
        "cancellation_completed",
        {
            "order_id": 42,
            "whole": True,
            "automatic": True,
            "items": ITEMS,
            "refund": MONEY,
            "method": "card",
            "destination": "your card",
            "earliest": EARLIEST,
            "latest": LATEST,
        },
        {"en": "Order #42 is cancelled", "es": "El pedido #42 está cancelado"},
        {
            "en": [
                "Your order #42 is cancelled.",
                "  - 2 x Desk lamp\n",
                "The seller did not answer your request in time, so it was approved automatically.",
                "We are refunding €69.80 to your card.",
                "between Tue 7 Apr 2026 and Tue 14 Apr 2026 at the latest.",
                "Your order: http://recourse.test/orders/42",
            ],
            "es": [
                "Tu pedido #42 está cancelado.",
                "El vendedor no respondió a tu solicitud a tiempo, así que se aprobó "
                "automáticamente.",
                f"Te estamos devolviendo {ES_AMOUNT} en tu tarjeta.",
                "entre el mar 7 abr 2026 y, como muy tarde, el mar 14 abr 2026.",
                "Tu pedido: http://recourse.test/orders/42",
            ],
        },
    ),
    Case(
        "cancellation_completed",
        {"order_id": 42, "whole": False, "items": ITEMS, "refund": None},
        {"en": "Items of order #42 are cancelled", "es": "Artículos del pedido #42 cancelados"},
        {
            "en": ["Nothing was charged for these items, so there is nothing to refund."],
            "es": ["No se cobró nada por estos artículos, así que no hay nada que devolver."],
        },
    ),
    Case(
        "cancellation_rejected",
        {
            "order_id": 42,
            "reason": "already_shipped",
            "note": "On its way",
            "carrier": "DHL",
            "tracking_number": "JJD1",
        },
        {
            "en": "Order #42: the seller declined to cancel",
            "es": "Pedido #42: el vendedor rechazó la cancelación",
        },
        {
            "en": [
                "The seller declined your request to cancel order #42.",
                'Their reason: already shipped — "On its way"',
                "The parcel already left with DHL, tracking number JJD1.",
            ],
            "es": [
                "El vendedor rechazó tu solicitud de cancelar el pedido #42.",
                'Su motivo: ya enviado — "On its way"',
                "El paquete ya salió con DHL, con número de seguimiento JJD1.",
                "Puedes pedir al vendedor que lo intercepte",
            ],
        },
    ),
    Case(
        "cancellation_reminder",
        {"order_id": 42, "respond_by": MOMENT, "items": ITEMS},
        {
            "en": f"Reminder: answer the cancellation of order #42 by {EN_MOMENT}",
            "es": f"Recordatorio: responde a la cancelación del pedido #42 antes del {ES_MOMENT}",
        },
        {
            "en": [f"If you do not approve or reject it by {EN_MOMENT}, it is approved"],
            "es": [
                "La solicitud del comprador de cancelar el pedido #42 sigue esperando tu "
                "respuesta:",
                f"Si no la apruebas o rechazas antes del {ES_MOMENT}, se aprueba automáticamente.",
                "Responde aquí: http://recourse.test/seller/orders/42",
            ],
        },
    ),
    Case(
        "cancellation_requested",
        {
            "order_id": 42,
            "cancellation_id": 3,
            "respond_by": MOMENT,
            "reason": "Changed my mind",
            "note": None,
            "items": ITEMS,
            "refund": MONEY,
        },
        {
            "en": f"Order #42: the buyer asks to cancel — answer by {EN_MOMENT}",
            "es": f"Pedido #42: el comprador pide cancelar — responde antes del {ES_MOMENT}",
        },
        {
            "en": [
                f"Approve or reject by {EN_MOMENT}. Without an answer by then the cancellation "
                "is approved automatically and the buyer refunded €69.80.",
            ],
            "es": [
                "El comprador del pedido #42 te pide que canceles:",
                f"Aprueba o rechaza antes del {ES_MOMENT}. Si no respondes para entonces, la "
                f"cancelación se aprueba automáticamente y se devuelven {ES_AMOUNT} al "
                "comprador.",
                "No envíes estos artículos a menos que antes rechaces la solicitud.",
            ],
        },
    ),
    Case(
        "cancellation_seller_notice",
        {
            "order_id": 42,
            "whole": True,
            "automatic": False,
            "items": ITEMS,
            "reason": "Changed my mind",
        },
        {
            "en": "Order #42: cancelled — do not ship it",
            "es": "Pedido #42: cancelado — no lo envíes",
        },
        {
            "en": ["Do not ship the order; the buyer has been refunded for them."],
            "es": [
                "El pedido #42 está cancelado (Changed my mind):",
                "No envíes el pedido; ya se le ha devuelto el dinero al comprador.",
            ],
        },
    ),
    Case(
        "order_delivered",
        {
            "order_id": 42,
            "carrier": "DHL",
            "tracking_number": "JJD1",
            "protection_ends_at": MOMENT,
        },
        {"en": "Your order #42 was delivered", "es": "Tu pedido #42 se ha entregado"},
        {
            "en": [f"buyer protection covers you until {EN_MOMENT}."],
            "es": [
                "DHL informa de que tu paquete JJD1 del pedido #42 se ha entregado.",
                f"la protección al comprador te cubre hasta el {ES_MOMENT}.",
            ],
        },
    ),
    Case(
        "order_shipped",
        {"order_id": 42, "carrier": "DHL", "tracking_number": "JJD1", "items": ITEMS},
        {"en": "Your order #42 is on its way", "es": "Tu pedido #42 está en camino"},
        {
            "en": ["Carrier: DHL\nTracking number: JJD1\n"],
            "es": [
                "Buenas noticias: el vendedor ha enviado tu pedido #42, total o parcialmente.",
                "Transportista: DHL\nNúmero de seguimiento: JJD1\n",
                "Sigue el paquete y tu pedido en http://recourse.test/orders/42",
            ],
        },
    ),
    Case(
        "overdue_reminder",
        {"order_id": 42, "cancels_at": MOMENT, "items": ITEMS},
        {
            "en": f"Reminder: ship order #42 before {EN_MOMENT}",
            "es": f"Recordatorio: envía el pedido #42 antes del {ES_MOMENT}",
        },
        {
            "en": ["the cancellation counts as your store's fault."],
            "es": [
                "El pedido #42 ha superado su fecha límite de envío y aún no se ha enviado:",
                f"Si no se envía nada antes del {ES_MOMENT}, el pedido se cancela automáticamente",
            ],
        },
    ),
    Case(
        "payment_reminder",
        {"order_id": 42, "pay_by": MOMENT, "total": {"amount": 6980, "currency": "EUR"}},
        {
            "en": f"Reminder: pay for order #42 by {EN_MOMENT}",
            "es": f"Recordatorio: paga el pedido #42 antes del {ES_MOMENT}",
        },
        {
            "en": ["Order #42 (€69.80) is still waiting for your payment."],
            "es": [
                f"El pedido #42 ({ES_AMOUNT}) sigue esperando tu pago.",
                f"Si el pago no ha llegado antes del {ES_MOMENT}, el pedido se cancela solo",
            ],
        },
    ),
    Case(
        "refund_created",
        {
            "order_id": 42,
            "refund_id": 1,
            "amount": MONEY,
            "method": "bank_transfer",
            "destination": "your bank account",
            "cause": "cancellation",
            "earliest": EARLIEST,
            "latest": LATEST,
        },
        {
            "en": "Refund of €69.80 for order #42 is on its way",
            "es": f"El reembolso de {ES_AMOUNT} del pedido #42 está en camino",
        },
        {
            "en": ["We are refunding €69.80 for order #42 to your bank account."],
            "es": [
                f"Te estamos devolviendo {ES_AMOUNT} del pedido #42 en tu cuenta bancaria.",
                "Debería aparecer en tu extracto entre el mar 7 abr 2026 y, como muy tarde, el "
                "mar 14 abr 2026.",
                "Te escribiremos de nuevo cuando el dinero haya salido de nuestra cuenta.",
                "Sigue el reembolso: http://recourse.test/orders/42#refunds",
            ],
        },
    ),
    Case(
        "refund_failed",
        {"order_id": 42, "refund_id": 1, "amount": MONEY},
        {
            "en": "Your refund for order #42 is delayed",
            "es": "Tu reembolso del pedido #42 se ha retrasado",
        },
        {
            "en": ["could not process your refund of €69.80 for order #42."],
            "es": [
                f"El proveedor de pagos no pudo procesar tu reembolso de {ES_AMOUNT} del "
                "pedido #42.",
                "Nuestro equipo de soporte ya está avisado y lo enviará de nuevo; no tienes "
                "que hacer nada.",
            ],
        },
    ),
    Case(
        "refund_succeeded",
        {
            "order_id": 42,
            "refund_id": 1,
            "amount": MONEY,
            "trace_number": "TR-9",
            "latest": LATEST,
        },
        {
            "en": "Your refund of €69.80 has been sent",
            "es": f"Tu reembolso de {ES_AMOUNT} se ha enviado",
        },
        {
            "en": [
                "Your bank can trace it with reference TR-9.",
                "It should be on your statement by Tue 14 Apr 2026.",
            ],
            "es": [
                f"Tu reembolso de {ES_AMOUNT} del pedido #42 ya ha salido de nuestra cuenta.",
                "Tu banco puede rastrearlo con la referencia TR-9.",
                "Debería aparecer en tu extracto, como muy tarde, el mar 14 abr 2026.",
            ],
        },
    ),
]

GREETING = {"en": "Hello Ana,", "es": "Hola, Ana:"}
FOOTER = {
    "en": "You get this email because of your order on our marketplace.",
    "es": "Recibes este correo por tu pedido en nuestro marketplace.",
}


def render(case: Case, lang: str) -> EmailMessage:
    renderer = EmailRenderer(
        sender="Recourse <mail@recourse.test>",
        base_url="http://recourse.test",
        clock=FixedClock(datetime(2026, 4, 1, 9, tzinfo=UTC)),
    )
    recipient = Recipient(
        email="ana@example.com", name="Ana", timezone="Europe/Madrid", locale=lang
    )
    return renderer.render(case.template, recipient, case.context, message_id="outbox-1")


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


def untagged(html: str) -> str:
    return html.replace("<strong>", "").replace("</strong>", "").replace("“", '"').replace("”", '"')


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.template)
def test_each_email_reads_in_the_recipients_language(case: Case, lang: str) -> None:
    message = render(case, lang)
    text, html = parts(message)
    assert message["Subject"] == case.subject[lang]
    assert text.startswith(GREETING[lang] + "\n\n")
    assert GREETING[lang] in html and FOOTER[lang] in html
    assert f'<html lang="{lang}">' in html
    for sentence in case.sentences[lang]:
        assert sentence in text
        if "\n" not in sentence and "http" not in sentence:  # lines of the text alone
            assert sentence in untagged(html)


def test_a_spanish_email_says_it_is_in_spanish() -> None:
    message = render(CASES[0], "es")
    assert message["Content-Language"] == "es"


def test_the_item_lines_keep_the_quantity_and_the_title() -> None:
    text, html = parts(render(CASES[0], "es"))
    assert "  - 2 x Desk lamp\n" in text
    assert "<li>2 \u00d7 Desk lamp</li>" in html


@pytest.mark.parametrize(
    ("method", "lang", "where"),
    [
        ("card", "en", "It should be on your statement between"),
        ("store_balance", "en", "It should be in your store balance between"),
        ("coupon", "en", "The coupon should be in your account between"),
        ("store_balance", "es", "Debería estar en tu saldo de la tienda entre"),
    ],
)
def test_a_refund_says_where_it_shows_up_by_payment_method(
    method: str, lang: str, where: str
) -> None:
    case = Case(
        "cancellation_completed",
        {**CASES[0].context, "method": method},
        {},
    )
    text, html = parts(render(case, lang))

    assert where in text
    assert where in untagged(html)
    if method != "card":
        assert "statement" not in text and "extracto" not in text
