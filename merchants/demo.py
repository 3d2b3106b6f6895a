"""Demo merchants (all fictional, on .example domains): every role and verification state."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User

from . import services
from .models import DisclosureProposal, Merchant, MerchantLink, Shop
from .normalize import normalize_registration_number, normalize_shop_url

# A one-page PDF with no content: enough for staff to open a "document" in the admin.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

MERCHANTS = {
    "harbourline": {
        "legal_name": "Harbourline Marketplace Ltd.",
        "trade_names": ["Harbourline"],
        "roles": ["platform"],
        "country": "GB",
        "registration_number": "09 876 543",
        "registry": "Companies House (England and Wales)",
        "registered_address": "1 Example Quay, London E14 0XX, United Kingdom",
        "responsible_person": "Olivia Marsh",
        "contact_email": "trust@harbourline.example",
        "contact_phone": "+44 20 7946 0000",
        "website": "https://harbourline.example/",
        "date_established": "2014-05-20",
        "annual_order_volume": 2400000,
    },
    "xinghe": {
        "legal_name": "星河集市网络科技有限公司",
        "legal_name_latin": "Xinghe Bazaar Network Technology Co., Ltd.",
        "trade_names": ["星河集市", "Xinghe Bazaar"],
        "roles": ["platform"],
        "country": "CN",
        "registration_number": "91330106MA2H7K3Q5X",
        "registry": "杭州市市场监督管理局 (Hangzhou Market Supervision Administration)",
        "registered_address": "浙江省杭州市西湖区示例路 88 号",
        "responsible_person": "周明",
        "contact_email": "service@xinghe-bazaar.example",
        "contact_phone": "+86 571 8000 0000",
        "website": "https://xinghe-bazaar.example/",
        "date_established": "2016-09-01",
    },
    "yuegou": {
        "legal_name": "杭州悦购代购服务有限公司",
        "legal_name_latin": "Hangzhou Yuegou Purchasing Services Co., Ltd.",
        "roles": ["agent_spot"],
        "country": "CN",
        "registration_number": "91330105MA2KX8L21P",
        "registry": "杭州市拱墅区市场监督管理局",
        "registered_address": "浙江省杭州市拱墅区示例大街 12 号 3 楼",
        "responsible_person": "李悦",
        "contact_email": "hello@yuegou.example",
        "contact_phone": "+86 571 8100 0001",
        "date_established": "2019-03-15",
        "annual_order_volume": 18000,
    },
    "pacific": {
        "legal_name": "Pacific Errand Buyers LLC",
        "trade_names": ["Pacific Errands"],
        "roles": ["agent_non_spot"],
        "country": "US",
        "registration_number": "DE-7712043",
        "registry": "Delaware Division of Corporations",
        "registered_address": "100 Example Street, Suite 5, Wilmington, DE 19801, USA",
        "responsible_person": "Jordan Lee",
        "contact_email": "orders@pacific-errands.example",
        "website": "https://pacific-errands.example/",
        "date_established": "2020-11-02",
    },
    "nordlicht": {
        "legal_name": "Nordlicht Naturkosmetik GmbH",
        "roles": ["supplier"],
        "country": "DE",
        "registration_number": "HRB 123456",
        "registry": "Amtsgericht Hamburg",
        "registered_address": "Beispielstraße 7, 20095 Hamburg, Deutschland",
        "responsible_person": "Greta Sommer",
        "contact_email": "kontakt@nordlicht.example",
        "contact_phone": "+49 40 0000 1234",
        "website": "https://nordlicht.example/",
        "date_established": "2011-02-01",
    },
    "sakura": {
        "legal_name": "さくら雑貨株式会社",
        "legal_name_latin": "Sakura Zakka K.K.",
        "roles": ["supplier"],
        "country": "JP",
        "registration_number": "0100-01-123456",
        "registry": "東京法務局 (Tokyo Legal Affairs Bureau)",
        "registered_address": "東京都台東区例町 1-2-3",
        "responsible_person": "佐藤花子",
        "contact_email": "info@sakura-zakka.example",
        "date_established": "2008-04-01",
    },
    "xunda": {
        "legal_name": "迅达国际货运代理有限公司",
        "legal_name_latin": "Xunda International Freight Forwarding Co., Ltd.",
        "roles": ["carrier"],
        "country": "HK",
        "registration_number": "71234567",
        "contact_phone": "+852 3000 0000",
    },
}

SHOPS = [
    # (merchant, platform or None, name, url, platform shop id)
    ("yuegou", "xinghe", "悦购海外精品店", "https://shop57321.xinghe-bazaar.example/", "57321"),
    (
        "nordlicht",
        "harbourline",
        "Nordlicht Naturkosmetik",
        "https://harbourline.example/store/nordlicht",
        "NL-2201",
    ),
    (
        "sakura",
        "harbourline",
        "Sakura Zakka",
        "https://harbourline.example/store/sakura-zakka",
        "SZ-0815",
    ),
    ("pacific", None, "Pacific Errands", "https://pacific-errands.example/", ""),
]

LINKS = [
    ("yuegou", "nordlicht", MerchantLink.Kind.AGENT_SUPPLIER, dt.date(2023, 3, 1)),
    ("pacific", "sakura", MerchantLink.Kind.AGENT_SUPPLIER, dt.date(2022, 7, 15)),
    ("sakura", "xunda", MerchantLink.Kind.SELLER_CARRIER, dt.date(2021, 1, 10)),
    ("nordlicht", "xunda", MerchantLink.Kind.SELLER_CARRIER, None),
    ("yuegou", "xinghe", MerchantLink.Kind.SELLER_PLATFORM, dt.date(2019, 6, 1)),
    ("nordlicht", "harbourline", MerchantLink.Kind.SELLER_PLATFORM, dt.date(2020, 2, 1)),
    ("sakura", "harbourline", MerchantLink.Kind.SELLER_PLATFORM, dt.date(2018, 9, 1)),
]

REPRESENTED = "yuegou"


def _find(spec: dict) -> Merchant | None:
    return Merchant.objects.filter(
        country=spec["country"],
        registration_number_normalized=normalize_registration_number(spec["registration_number"]),
    ).first()


def seed() -> dict:
    staff = User.objects.get(email="mediator@redress.test")
    rep = User.objects.get(email="rep@redress.test")
    now = timezone.now()

    merchants: dict[str, Merchant] = {}
    created: set[str] = set()
    for key, spec in MERCHANTS.items():
        merchant = _find(spec)
        if merchant is None:
            merchant = services.merchant_create(actor=staff, data=spec)
            created.add(key)
        merchants[key] = merchant

    for owner, platform, name, url, shop_id in SHOPS:
        if not Shop.objects.filter(
            merchant=merchants[owner], url_normalized=normalize_shop_url(url)
        ).exists():
            services.shop_create(
                merchant_id=merchants[owner].pk,
                platform_id=merchants[platform].pk if platform else None,
                name=name,
                url=url,
                platform_shop_id=shop_id,
                actor=staff,
            )

    for source, target, kind, since in LINKS:
        if not MerchantLink.objects.filter(
            source=merchants[source], target=merchants[target], kind=kind
        ).exists():
            services.link_create(
                source_id=merchants[source].pk,
                target_id=merchants[target].pk,
                kind=kind,
                started_on=since,
                actor=staff,
            )

    services.representative_link(merchant_id=merchants[REPRESENTED].pk, user=rep, actor=staff)

    # Verification states, each reached the way staff and representatives reach it.
    for key in ("harbourline", "xinghe"):
        if key in created:
            services.verification_verify(merchant_id=merchants[key].pk, reviewer=staff)
    if "yuegou" in created:
        yuegou = merchants["yuegou"].pk
        services.merchant_update(
            merchant_id=yuegou,
            actor=staff,
            data={"registered_address": "浙江省杭州市拱墅区示例大街 12 号 5 楼"},
        )
        proposal = services.proposal_submit(
            merchant_id=yuegou, user=rep, data={"trade_names": ["悦购", "Yuegou Global"]}
        )
        services.proposal_approve(proposal_id=proposal.pk, reviewer=staff)
        services.verification_verify(
            merchant_id=yuegou, reviewer=staff, note="Business licence checked."
        )
    if not DisclosureProposal.objects.filter(
        merchant=merchants["yuegou"], state=DisclosureProposal.State.PENDING
    ).exists():
        services.proposal_submit(
            merchant_id=merchants["yuegou"].pk,
            user=rep,
            data={"contact_phone": "+86 571 8100 0002"},
        )
    if "pacific" in created:
        services.document_upload(
            merchant_id=merchants["pacific"].pk,
            user=staff,
            kind="registry_extract",
            uploaded=SimpleUploadedFile("certificate-of-formation.pdf", _DEMO_PDF),
        )
    if "nordlicht" in created:
        services.verification_mark_pending(merchant_id=merchants["nordlicht"].pk, actor=staff)
        services.verification_reject(
            merchant_id=merchants["nordlicht"].pk,
            reviewer=staff,
            reason="The registry extract names a different managing director.",
        )
    if "sakura" in created:
        services.verification_verify(
            merchant_id=merchants["sakura"].pk,
            reviewer=staff,
            valid_days=365,
            now=now - dt.timedelta(days=400),
        )
        services.verifications_expire_due(now=now)

    return {
        "notes": [
            f"Merchants: {len(merchants)} fictional demo merchants at /merchants/ "
            f"(every role and verification state); rep@redress.test represents "
            f"{merchants[REPRESENTED].display_name}.",
        ]
    }
