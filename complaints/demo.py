"""Demo complaints: submitted ones and drafts for the two demo consumers, with small evidence."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from merchants.models import Merchant, MerchantRole, Shop

from . import services
from .models import Complaint
from .respondents import Party

# Demo complaints have fixed public ids, so a second run finds them instead of adding more.
_NAMESPACE = uuid.UUID("2f1d9a4e-6c7b-4e8a-9d3f-5a1b2c3d4e5f")


def _public_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, key)


def _merchant_with_role(role: str) -> Merchant | None:
    return Merchant.objects.filter(roles__role=role).order_by("pk").first()


def _party(merchant: Merchant | None, name: str, url: str) -> Party:
    """The directory merchant when the merchants demo made one, otherwise the party as named."""
    return Party(merchant=merchant) if merchant else Party(name=name, url=url)


def _parcel_photo(caption: str) -> bytes:
    image = Image.new("RGB", (320, 200), "#d9c7a7")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 160), outline="#6b4f2a", width=4)
    draw.line((40, 100, 280, 100), fill="#6b4f2a", width=3)
    draw.text((52, 170), caption, fill="#1d2430")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _scenarios() -> list[dict]:
    today = timezone.localdate()
    spot_agent = _merchant_with_role(MerchantRole.AGENT_SPOT)
    non_spot_agent = _merchant_with_role(MerchantRole.AGENT_NON_SPOT)
    supplier = _merchant_with_role(MerchantRole.SUPPLIER)
    platform = _merchant_with_role(MerchantRole.PLATFORM)
    shop = (
        Shop.objects.filter(platform__isnull=False)
        .select_related("merchant", "platform")
        .order_by("pk")
        .first()
    )
    return [
        {
            "key": "consumer-handbag",
            "consumer": "consumer@redress.test",
            "submit": True,
            "language": "en",
            "purchase": {
                "purchase_mode": "agent_spot",
                "shop_url": "https://tokyo-spot.example/shop/88",
                "shop_name": "",
                "platform_name": "Example Mall",
                "agent_name": spot_agent.display_name if spot_agent else "Tokyo Spot Buyer",
                "order_number": "TS-20461",
                "order_date": today - timedelta(days=45),
                "item_description": "Designer leather handbag",
                "amount": Decimal("2399.00"),
                "currency": "CNY",
                "payment_method": "alipay",
                "consumer_country": "CN",
                "delivery": "delivered",
                "delivery_date": today - timedelta(days=38),
                "seller_informed": "yes",
                "goods_exception": "none",
            },
            "problem": {
                "category": "not_as_described",
                "description": (
                    "The agent sold the bag as genuine, from its Tokyo stock. The stitching and "
                    "the serial tag do not match the brand's; a store says it is a copy. The "
                    "agent refuses a refund."
                ),
            },
            "remedy": {"remedy": "refund", "remedy_amount": None, "remedy_details": ""},
            "parties": {
                "agent": _party(
                    spot_agent, "Tokyo Spot Buyer 东京现货代购", "https://tokyo-spot.example/"
                ),
                "platform": _party(platform, "Example Mall", "https://mall.example/"),
            },
            "files": [
                ("handbag tag.png", _parcel_photo("serial tag TS-20461")),
                (
                    "chat with agent.txt",
                    (
                        b"2026-09-30 10:02 Agent: All our stock is genuine, bought in Ginza.\n"
                        b"2026-10-21 19:40 Me: The tag is wrong, the store says it is a copy.\n"
                        b"2026-10-22 08:15 Agent: No refunds on sale items.\n"
                    ),
                ),
            ],
            "statement": "On the phone the agent said again that all its stock is genuine.",
        },
        {
            "key": "consumer-headphones",
            # Not consumer@redress.test, which files the handbag against the same merchant
            # today: a third complaint of its own against it would be held as flooding.
            "consumer": "consumer2@redress.test",
            "submit": True,
            "language": "en",
            "purchase": {
                "purchase_mode": "marketplace",
                "shop_url": shop.url if shop else "https://mall.example/shop/sunny-audio",
                "shop_name": shop.name if shop else "Sunny Audio",
                "platform_name": (
                    shop.platform.display_name if shop and shop.platform else "Example Mall"
                ),
                "agent_name": "",
                "order_number": "EM-558120",
                "order_date": today - timedelta(days=60),
                "item_description": "Wireless headphones",
                "amount": Decimal("89.99"),
                "currency": "USD",
                "payment_method": "card",
                "consumer_country": "DE",
                "delivery": "not_delivered",
                "seller_informed": "yes",
                "goods_exception": "none",
            },
            "problem": {
                "category": "non_delivery",
                "description": (
                    "Paid two months ago. Tracking stopped at the export hub after day 3 and "
                    "the seller no longer answers messages."
                ),
            },
            "remedy": {"remedy": "refund", "remedy_amount": None, "remedy_details": ""},
            "parties": {
                "seller": _party(
                    shop.merchant if shop else supplier,
                    "Sunny Audio",
                    "https://mall.example/shop/sunny-audio",
                ),
                "platform": _party(
                    shop.platform if shop else platform, "Example Mall", "https://mall.example/"
                ),
            },
            "files": [
                (
                    "tracking.txt",
                    b"EM-558120 tracking\nDay 1: accepted\nDay 3: export hub\n(no further scan)\n",
                )
            ],
            "statement": "",
        },
        {
            "key": "consumer-kettle-draft",
            "consumer": "consumer@redress.test",
            "submit": False,
            "purchase": {
                "purchase_mode": "direct",
                "shop_url": "https://kitchen-direct.example/kettle-2l",
                "shop_name": "Kitchen Direct",
                "platform_name": "",
                "agent_name": "",
                "order_number": "KD-3391",
                "order_date": today - timedelta(days=20),
                "item_description": "Electric kettle",
                "amount": Decimal("45.00"),
                "currency": "EUR",
                "payment_method": "paypal",
                "consumer_country": "GB",
                "delivery": "delivered",
                "delivery_date": today - timedelta(days=8),
                "seller_informed": "yes",
                "goods_exception": "none",
            },
            "problem": {
                "category": "defective",
                "description": "The kettle's base sparks when switched on.",
            },
        },
        {
            "key": "consumer2-stroller",
            "consumer": "consumer2@redress.test",
            "submit": True,
            "language": "zh-hans",
            "purchase": {
                "purchase_mode": "agent_non_spot",
                "shop_url": "https://daigou-helper.example/order/5521",
                "shop_name": "",
                "platform_name": "",
                "agent_name": (
                    non_spot_agent.display_name if non_spot_agent else "海淘帮 Daigou Helper"
                ),
                "order_number": "DH-5521",
                "order_date": today - timedelta(days=75),
                "item_description": "婴儿推车",
                "amount": Decimal("3200.00"),
                "currency": "CNY",
                "payment_method": "wechat_pay",
                "consumer_country": "CN",
                "delivery": "delivered",
                "delivery_date": today - timedelta(days=68),
                "seller_informed": "yes",
                "goods_exception": "none",
            },
            "problem": {
                "category": "after_sales_refused",
                # Chinese text takes Chinese (full-width) punctuation.
                "description": "推车使用两周后刹车失灵。代购称不负责售后，让我自己联系海外卖家。",  # noqa: RUF001
            },
            "remedy": {
                "remedy": "compensation",
                "remedy_amount": Decimal("1500.00"),
                "remedy_details": "维修费用及期间的损失。",
            },
            "parties": {
                "agent": _party(
                    non_spot_agent, "海淘帮 Daigou Helper", "https://daigou-helper.example/"
                ),
                "seller": _party(supplier, "Berlin Baby GmbH", "https://berlin-baby.example/"),
            },
            "files": [("刹车.png", _parcel_photo("brake, 2 weeks"))],
            "statement": "代购在微信上说：售后问题请自己找德国卖家。",  # noqa: RUF001
        },
        {
            "key": "consumer2-perfume-draft",
            "consumer": "consumer2@redress.test",
            "submit": False,
            "purchase": {
                "purchase_mode": "marketplace",
                "shop_url": "https://mall.example/shop/scent-world",
                "shop_name": "Scent World",
                "platform_name": "Example Mall",
                "agent_name": "",
                "order_number": "EM-771203",
                "order_date": today - timedelta(days=10),
                "item_description": "Perfume, 100 ml",
                "amount": Decimal("120.00"),
                "currency": "SGD",
                "payment_method": "platform_wallet",
                "consumer_country": "FR",
                "delivery": "delivered",
                "delivery_date": today - timedelta(days=5),
                "seller_informed": "not_sure",
                "goods_exception": "none",
            },
        },
    ]


def _create(scenario: dict, consumer: User) -> Complaint:
    complaint = services.complaint_start(
        consumer=consumer, public_id=_public_id(scenario["key"]), data=scenario["purchase"]
    )
    for step in ("problem", "remedy"):
        if step in scenario:
            complaint = services.complaint_save_step(
                complaint=complaint, consumer=consumer, step=step, data=scenario[step]
            )
    if "parties" not in scenario:
        return complaint
    parties = scenario["parties"]
    services.complaint_set_respondents(
        complaint=complaint,
        consumer=consumer,
        seller=parties.get("seller", Party()),
        agent=parties.get("agent", Party()),
        platform=parties.get("platform", Party()),
    )
    for name, data in scenario.get("files", []):
        services.evidence_add_file(
            complaint=complaint, upload=SimpleUploadedFile(name, data), submitted_by=consumer
        )
    if scenario.get("statement"):
        services.evidence_add_statement(
            complaint=complaint, text=scenario["statement"], submitted_by=consumer
        )
    if scenario["submit"]:
        complaint = services.complaint_submit(
            complaint=complaint, consumer=consumer, consent=True, language=scenario["language"]
        )
    return complaint


def seed() -> dict:
    notes = []
    for scenario in _scenarios():
        consumer = User.objects.filter(email=scenario["consumer"]).first()
        if consumer is None:
            continue
        complaint = Complaint.objects.filter(public_id=_public_id(scenario["key"])).first()
        if complaint is None:
            complaint = _create(scenario, consumer)
        label = complaint.reference or f"draft ({complaint.item_description})"
        notes.append(f"Complaint {label} by {consumer.email}")
    return {"logins": [], "notes": notes}
