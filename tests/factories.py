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

        return services.merchant_create(actor=actor, data=kwargs)


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
