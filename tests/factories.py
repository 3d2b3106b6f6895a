"""factory_boy factories for every model, in one place."""

from __future__ import annotations

import hashlib
from decimal import Decimal

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


# --- odr (cases) --------------------------------------------------------------------------
# Merchants and complaints as far as cases need them; the merchants and complaints issues
# may bring fuller factories of their own.


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.Merchant"

    legal_name = factory.Sequence(lambda n: f"Merchant {n} Ltd")
    country = "HK"


class MerchantRepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.MerchantRepresentative"

    user = factory.SubFactory(UserFactory, role=User.Role.MERCHANT_REP)
    merchant = factory.SubFactory(MerchantFactory)


class SubmittedComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Complaint"

    consumer = factory.SubFactory(UserFactory)
    reference = factory.Sequence(lambda n: f"RD-2026-{n + 1:06d}")
    status = "submitted"
    draft_step = "review"
    language = "en"
    purchase_mode = "direct"
    shop_name = "Overseas Shop"
    shop_url = "https://shop.example.test/"
    order_number = factory.Sequence(lambda n: f"ORD-{n:05d}")
    item_description = "Wireless headphones"
    amount = Decimal("129.90")
    currency = "EUR"
    payment_method = "card"
    category = "not_as_described"
    right_at_stake = "information"
    description = "The headphones are counterfeit."
    remedy = "refund"
    remedy_amount = Decimal("129.90")
    consent_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Respondent"

    complaint = factory.SubFactory(SubmittedComplaintFactory)
    role = "seller"
    merchant = factory.SubFactory(MerchantFactory)


class EvidenceStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.EvidenceItem"

    complaint = factory.SubFactory(SubmittedComplaintFactory)
    kind = "statement"
    text = "The box had no serial number."
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.text.encode()).hexdigest())
    submitted_by = factory.LazyAttribute(lambda o: o.complaint.consumer)
