"""factory_boy factories for every model, in one place."""

from __future__ import annotations

import factory
from django.utils import timezone

from accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    role = User.Role.CONSUMER
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- complaints ---------------------------------------------------------------------------
import datetime as _dt  # noqa: E402
import hashlib as _hashlib  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

from complaints.models import (  # noqa: E402
    RIGHT_FOR_CATEGORY,
    Category,
    Complaint,
    EvidenceItem,
    PurchaseMode,
    Remedy,
    Respondent,
)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A draft with every step filled in but respondents (add them with RespondentFactory).
    ``submitted=True`` gives a submitted complaint with its reference."""

    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    consumer = factory.SubFactory(UserFactory)
    purchase_mode = PurchaseMode.DIRECT
    shop_url = "https://shop.example.test/item/1"
    shop_name = "Example Shop"
    order_number = factory.Sequence(lambda n: f"ORD-{n:05d}")
    order_date = _dt.date(2026, 10, 1)
    item_description = "Running shoes"
    amount = _Decimal("129.90")
    currency = "USD"
    payment_method = "card"
    category = Category.NON_DELIVERY
    right_at_stake = factory.LazyAttribute(lambda o: RIGHT_FOR_CATEGORY.get(o.category, ""))
    description = "Paid six weeks ago; the parcel never arrived and the shop stopped answering."
    remedy = Remedy.REFUND
    draft_step = "review"

    class Params:
        submitted = factory.Trait(
            status=Complaint.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            consent_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def _reference(obj, create, extracted, **kwargs):
        if create and obj.status == Complaint.Status.SUBMITTED and not obj.reference:
            obj.reference = f"RD-2026-{obj.pk:06d}"
            obj.save(update_fields=["reference"])


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    complaint = factory.SubFactory(ComplaintFactory)
    role = Respondent.Role.SELLER
    merchant = None
    named_name = "Example Shop"
    named_url = "https://shop.example.test/"
    reason = Respondent.Reason.DIRECT_SELLER
    # As the respondents step stores them (complaints.services.complaint_set_respondents).
    named_name_key = factory.LazyAttribute(
        lambda o: (
            "" if o.merchant else Respondent.named_keys(o.named_name, o.named_url)["named_name_key"]
        )
    )
    named_url_key = factory.LazyAttribute(
        lambda o: (
            "" if o.merchant else Respondent.named_keys(o.named_name, o.named_url)["named_url_key"]
        )
    )


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceItem

    complaint = factory.SubFactory(ComplaintFactory)
    kind = EvidenceItem.Kind.STATEMENT
    text = "The seller promised delivery within 7 days."
    size = factory.LazyAttribute(lambda o: len(o.text.encode()))
    sha256 = factory.LazyAttribute(lambda o: _hashlib.sha256(o.text.encode()).hexdigest())
    submitted_by = factory.LazyAttribute(lambda o: o.complaint.consumer)


# --- merchants --------------------------------------------------------------------------------
# Merchants and shops are created through merchants.services, as in production: every merchant
# has its disclosure version 1 and its derived columns (search text, normalised numbers/URLs).


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.Merchant"

    legal_name = factory.Sequence(lambda n: f"Example Trading {n} GmbH")
    country = "DE"
    roles = factory.LazyFunction(lambda: ["supplier"])
    registration_number = factory.Sequence(lambda n: f"HRB {100000 + n}")
    registry = "Amtsgericht Hamburg"
    registered_address = "Beispielstraße 1, 20095 Hamburg"
    responsible_person = "Greta Sommer"
    contact_email = factory.Sequence(lambda n: f"contact{n}@merchant.example")

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        from merchants import services

        # Credit tests set the derived disclosure columns to exact values for hand-computed
        # scores; everything else goes through the service as in production.
        forced = {k: kwargs.pop(k) for k in ("completeness", "verification_state") if k in kwargs}
        merchant = services.merchant_create(actor=actor, data=kwargs)
        if forced:
            model_class.objects.filter(pk=merchant.pk).update(**forced)
            merchant.refresh_from_db()
        return merchant


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.Shop"

    merchant = factory.SubFactory(MerchantFactory)
    platform = None
    name = factory.Sequence(lambda n: f"Shop {n}")
    url = factory.Sequence(lambda n: f"https://shop{n}.market.example/")
    platform_shop_id = ""

    @classmethod
    def _create(cls, model_class, *args, merchant, platform, **kwargs):
        from merchants import services

        return services.shop_create(
            merchant_id=merchant.pk, platform_id=platform.pk if platform else None, **kwargs
        )


class MerchantRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.MerchantRepresentative"

    user = factory.SubFactory(UserFactory, role=User.Role.MERCHANT_REP)
    merchant = factory.SubFactory(MerchantFactory)


# --- credit: cases and settlements as the credit engine reads them -----------------------------
# Built directly with the models so the method's inputs are exact (the ODR services write them
# in production).


class CaseFactory(factory.django.DjangoModelFactory):
    """A case of a submitted complaint (20 EUR); ``merchant=`` names that merchant as seller."""

    class Meta:
        model = "odr.Case"

    complaint = factory.SubFactory(
        ComplaintFactory, submitted=True, amount=_Decimal("20"), currency="EUR"
    )
    state = "awaiting_merchant"
    accepted_at = factory.LazyFunction(timezone.now)
    merchant = None  # not a Case field: taken out in _create

    @classmethod
    def _create(cls, model_class, *args, merchant=None, **kwargs):
        case = super()._create(model_class, *args, **kwargs)
        if merchant is not None:
            RespondentFactory(complaint=case.complaint, merchant=merchant)
        return case


class SettlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "odr.Settlement"

    case = factory.SubFactory(CaseFactory)
    terms = "Full refund"
    amount = 20
    currency = "EUR"
    due_at = factory.LazyFunction(timezone.now)


class PlatformClientFactory(UserFactory):
    role = User.Role.PLATFORM_CLIENT


# --- odr: complaints as cases start from them -------------------------------------------------


class SubmittedComplaintFactory(ComplaintFactory):
    """A submitted complaint (reference, consent) about counterfeit headphones paid in EUR."""

    currency = "EUR"
    category = Category.NOT_AS_DESCRIBED
    description = "The headphones are counterfeit."
    item_description = "Wireless headphones"
    remedy_amount = _Decimal("129.90")
    language = "en"
    status = Complaint.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyFunction(timezone.now)


# --- evidence files, stored as uploads are (checked, hashed, in private storage) -------------


def png_upload(name: str = "receipt.png", *, size=(20, 20), color="blue"):
    """An uploaded PNG as the browser sends it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    """A file in a complaint's evidence, added through complaints.services.evidence_add_file."""

    class Meta:
        model = EvidenceItem

    complaint = factory.SubFactory(ComplaintFactory)
    upload = factory.LazyFunction(png_upload)
    submitted_by = None  # the complaint's consumer unless given

    @classmethod
    def _create(cls, model_class, *args, complaint, upload, submitted_by=None, **kwargs):
        from complaints.services import evidence_add_file

        return evidence_add_file(
            complaint=complaint, upload=upload, submitted_by=submitted_by or complaint.consumer
        )
