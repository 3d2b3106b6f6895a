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


# --- Credit: merchants, complaints, cases and settlements as the credit engine reads them ------
# (built directly with the models; the ODR services that normally write them come later).


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "merchants.Merchant"

    legal_name = factory.Sequence(lambda n: f"Merchant {n} Trading Co., Ltd.")
    country = "CN"
    registration_number = factory.Sequence(lambda n: f"9131000{n:011d}")
    registration_number_normalized = factory.LazyAttribute(lambda m: m.registration_number)
    completeness = 0


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Complaint"

    consumer = factory.SubFactory(UserFactory)
    status = "submitted"
    reference = factory.Sequence(lambda n: f"RD-2026-{n:06d}")
    purchase_mode = "direct"
    shop_name = "Example shop"
    item_description = "A pair of shoes"
    amount = 20
    currency = "EUR"
    category = "non_delivery"
    description = "Never arrived."
    submitted_at = factory.LazyFunction(timezone.now)


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Respondent"

    complaint = factory.SubFactory(ComplaintFactory)
    role = "seller"
    merchant = factory.SubFactory(MerchantFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case; ``merchant=`` also names that merchant as the complaint's seller."""

    class Meta:
        model = "odr.Case"

    complaint = factory.SubFactory(ComplaintFactory)
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
