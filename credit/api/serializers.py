"""Input validation and output shapes of the platform API (no serializer writes a model)."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.schema import StrictInputSerializer
from credit import cache, explain, method
from credit.models import Grade
from merchants.api.serializers import MerchantListSerializer
from merchants.normalize import (
    InvalidRegistrationNumber,
    InvalidURL,
    normalize_registration_number,
    normalize_shop_url,
)

BULK_LOOKUP_LIMIT = 100
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


# --- Input ----------------------------------------------------------------------------------


class LookupQuerySerializer(serializers.Serializer):
    shop_url = serializers.CharField(required=False, max_length=1000)
    country = serializers.CharField(required=False, max_length=2, min_length=2)
    registration_number = serializers.CharField(required=False, max_length=100)

    def validate_shop_url(self, value: str) -> str:
        try:
            normalize_shop_url(value)
        except InvalidURL as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    def validate_country(self, value: str) -> str:
        code = value.upper()
        if code not in dict(countries):
            raise serializers.ValidationError(_("Enter a two-letter ISO 3166 country code."))
        return code

    def validate_registration_number(self, value: str) -> str:
        try:
            normalize_registration_number(value)
        except InvalidRegistrationNumber as exc:
            raise serializers.ValidationError(str(exc)) from None
        return value

    def validate(self, attrs):
        by_url = "shop_url" in attrs
        by_registration = "country" in attrs or "registration_number" in attrs
        if by_url and by_registration:
            raise serializers.ValidationError(
                {"shop_url": [_("Give shop_url, or country and registration_number, not both.")]}
            )
        if not by_url and not by_registration:
            raise serializers.ValidationError(
                {"shop_url": [_("Give shop_url, or country and registration_number.")]}
            )
        if by_registration:
            for name in ("country", "registration_number"):
                if name not in attrs:
                    raise serializers.ValidationError(
                        {name: [_("country and registration_number go together.")]}
                    )
        return attrs


class PublicIdField(serializers.UUIDField):
    """A public id exactly as the schema documents it: a UUID string with its dashes. DRF's
    UUIDField also takes a number (so ``false`` became id 0) and other spellings."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not _UUID.fullmatch(data):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class BulkLookupSerializer(StrictInputSerializer):
    """The merchants to look up, by public id."""

    merchants = serializers.ListField(
        child=PublicIdField(),
        allow_empty=False,
        min_length=1,  # allow_empty gives the message, min_length the minItems in the schema
        max_length=BULK_LOOKUP_LIMIT,
        help_text=f"Public ids of 1 to {BULK_LOOKUP_LIMIT} merchants.",
    )


# --- Output ---------------------------------------------------------------------------------


class FactorSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=method.FACTORS)
    name = serializers.CharField()
    question = serializers.CharField(help_text="What the factor measures.")
    value = serializers.FloatField(
        allow_null=True,
        help_text="0-1 after decay and shrinkage; null when the factor does not apply.",
    )
    weight = serializers.FloatField(help_text="Share of the score (the weights add up to 1).")
    observed = serializers.FloatField(
        allow_null=True, required=False, help_text="The merchant's own share before shrinkage."
    )
    cases = serializers.IntegerField(help_text="Cases this factor counted.")
    favourable = serializers.IntegerField(
        allow_null=True, required=False, help_text="Of those, the cases in the merchant's favour."
    )
    effective_sample = serializers.FloatField(
        allow_null=True, required=False, help_text="The cases counted, weighted by their age."
    )
    explanation = serializers.CharField(help_text="The factor in plain words.")


class SampleSerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Distinct cases that counted.")
    effective = serializers.FloatField(help_text="The same, weighted by age (decay).")
    minimum = serializers.FloatField(help_text="Effective sample needed to be rated.")


class CreditSerializer(serializers.Serializer):
    rated = serializers.BooleanField(help_text="False when there is too little data (grade NR).")
    score = serializers.IntegerField(allow_null=True, help_text="0-1000; null when not rated.")
    grade = serializers.ChoiceField(choices=Grade.values)
    method_version = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    sample = SampleSerializer()
    factors = FactorSerializer(many=True)


class MerchantCreditSerializer(CreditSerializer):
    merchant = serializers.UUIDField(help_text="The merchant's public id.")


class MerchantSummarySerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")
    legal_name = serializers.CharField()
    legal_name_latin = serializers.CharField()
    trade_names = serializers.ListField(child=serializers.CharField())
    country = serializers.CharField(source="country.code")
    registration_number = serializers.CharField()
    website = serializers.CharField()
    roles = serializers.SerializerMethodField()
    verification_state = serializers.CharField()
    disclosure_completeness = serializers.IntegerField(
        source="completeness", help_text="0-100: share of the required identity items disclosed."
    )
    credit_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, merchant) -> list[str]:
        return sorted(r.role for r in merchant.roles.all())

    @extend_schema_field(OpenApiTypes.URI)
    def get_credit_url(self, merchant) -> str:
        return settings.SITE_URL + reverse(
            "api:merchant-credit", kwargs={"public_id": merchant.public_id}
        )


class MerchantWithGradeSerializer(MerchantListSerializer):
    """A row of the merchant directory with the merchant's current grade (annotated by
    credit.selectors.with_current_grade)."""

    grade = serializers.ChoiceField(
        choices=Grade.values,
        source="credit_grade",
        read_only=True,
        help_text="Current credit grade; NR when not rated.",
    )
    score = serializers.IntegerField(
        source="credit_score", read_only=True, allow_null=True, help_text="0-1000; null when NR."
    )
    credit_url = serializers.HyperlinkedIdentityField(
        view_name="api:merchant-credit", lookup_field="public_id"
    )

    class Meta(MerchantListSerializer.Meta):
        fields = [*MerchantListSerializer.Meta.fields, "grade", "score", "credit_url"]


class LookupResultSerializer(serializers.Serializer):
    merchant = MerchantSummarySerializer()
    credit = CreditSerializer()


class BulkLookupResultSerializer(serializers.Serializer):
    results = LookupResultSerializer(many=True)
    not_found = serializers.ListField(
        child=serializers.UUIDField(), help_text="Requested ids that match no merchant."
    )


class HistoryEntrySerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True)
    grade = serializers.ChoiceField(choices=Grade.values)
    method_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    current = serializers.BooleanField(source="is_current")
    case_count = serializers.IntegerField()
    effective_sample = serializers.FloatField()
    factors = serializers.SerializerMethodField(help_text="Each factor's value (0-1 or null).")

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(allow_null=True)))
    def get_factors(self, snapshot) -> dict:
        return {key: snapshot.factors.get(key, {}).get("value") for key in method.FACTORS}


def present_credit(payload: dict) -> dict:
    """The API shape of a cached credit payload (credit.cache), factors in plain words."""
    minimum = float(method.MIN_SAMPLE)
    if payload.get("snapshot_id") is None:
        return {
            "rated": False,
            "score": None,
            "grade": Grade.NOT_RATED.value,
            "method_version": method.METHOD_VERSION,
            "computed_at": None,
            "sample": {"cases": 0, "effective": 0.0, "minimum": minimum},
            "factors": [],
        }
    return {
        "rated": payload["grade"] != Grade.NOT_RATED,
        "score": payload["score"],
        "grade": payload["grade"],
        "method_version": payload["method_version"],
        "computed_at": payload["computed_at"],
        "sample": {
            "cases": payload["case_count"],
            "effective": payload["effective_sample"],
            "minimum": minimum,
        },
        "factors": explain.describe_factors(payload["factors"]),
    }


def credit_data(payload: dict) -> dict:
    """CreditSerializer's output for a cached credit payload, in the active language, kept in
    this process's memory by snapshot (credit.cache.presented): the same snapshot is asked for
    again and again, and explaining and serializing its factors is most of a lookup's work."""
    key = (
        payload.get("snapshot_id"),
        get_language(),
        method.METHOD_VERSION,
        method.MIN_SAMPLE,
    )
    return cache.presented(key, lambda: CreditSerializer(present_credit(payload)).data)


def merchant_summary(merchant) -> dict:
    """MerchantSummarySerializer's output for a merchant (its roles prefetched), kept in this
    process's memory like credit_data, under everything the summary is made of: a change of the
    disclosure, the verification, the completeness or the roles gives a new key."""
    key = (
        "summary",
        merchant.pk,
        merchant.updated_at,
        merchant.disclosure_version,
        merchant.verification_state,
        merchant.completeness,
        tuple(sorted(r.role for r in merchant.roles.all())),
    )
    return cache.presented(key, lambda: MerchantSummarySerializer(merchant).data)
