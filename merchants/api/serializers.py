"""Read-only representations of merchants and shops for platforms (no personal data of anyone
but the merchant's own disclosed contacts)."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import services
from ..models import Merchant, MerchantLink, Shop

MERCHANT_DETAIL = "api:merchants:merchant-detail"


class MerchantRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    url = serializers.HyperlinkedIdentityField(view_name=MERCHANT_DETAIL, lookup_field="public_id")

    class Meta:
        model = Merchant
        fields = ["public_id", "name", "url"]


class VerificationSerializer(serializers.Serializer):
    state = serializers.CharField(source="verification_state")
    verified_at = serializers.DateTimeField(allow_null=True, help_text="Null until verified.")
    expires_at = serializers.DateTimeField(
        source="verification_expires_at", allow_null=True, help_text="Null until verified."
    )


class ShopSerializer(serializers.ModelSerializer):
    url = serializers.URLField()
    merchant = MerchantRefSerializer()
    platform = MerchantRefSerializer(allow_null=True)

    class Meta:
        model = Shop
        fields = ["id", "name", "url", "url_normalized", "platform_shop_id", "merchant", "platform"]


class MerchantShopSerializer(ShopSerializer):
    class Meta(ShopSerializer.Meta):
        fields = ["id", "name", "url", "url_normalized", "platform_shop_id", "platform"]


class LinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MerchantLink.Kind.choices)
    direction = serializers.ChoiceField(
        choices=[("out", "this merchant is the source"), ("in", "this merchant is the target")]
    )
    merchant = MerchantRefSerializer()
    started_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)


class MerchantListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name=MERCHANT_DETAIL, lookup_field="public_id")
    page_url = serializers.SerializerMethodField()
    country = serializers.CharField(source="country.code")
    roles = serializers.SlugRelatedField(many=True, read_only=True, slug_field="role")
    verification = VerificationSerializer(source="*")

    class Meta:
        model = Merchant
        fields = [
            "public_id",
            "url",
            "page_url",
            "legal_name",
            "legal_name_latin",
            "trade_names",
            "country",
            "roles",
            "registration_number",
            "registry",
            "verification",
            "completeness",
            "disclosure_version",
        ]

    def get_page_url(self, merchant) -> str:
        request = self.context.get("request")
        path = merchant.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class MerchantDetailSerializer(MerchantListSerializer):
    missing_items = serializers.SerializerMethodField()
    shops = MerchantShopSerializer(many=True)
    links = serializers.SerializerMethodField()

    class Meta(MerchantListSerializer.Meta):
        fields = [
            *MerchantListSerializer.Meta.fields,
            "missing_items",
            "registered_address",
            "responsible_person",
            "contact_email",
            "contact_phone",
            "website",
            "date_established",
            "annual_order_volume",
            "shops",
            "links",
            "updated_at",
        ]

    def get_missing_items(self, merchant) -> list[str]:
        """Keys of the required disclosure items that are missing (see merchants.services)."""
        values = services.identity_snapshot(merchant)
        return list(services.disclosure_completeness(values).missing)

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, merchant):
        rows = [
            {
                "kind": link.kind,
                "direction": "out",
                "merchant": link.target,
                "started_on": link.started_on,
                "ended_on": link.ended_on,
            }
            for link in merchant.links_out.all()
        ] + [
            {
                "kind": link.kind,
                "direction": "in",
                "merchant": link.source,
                "started_on": link.started_on,
                "ended_on": link.ended_on,
            }
            for link in merchant.links_in.all()
        ]
        return LinkSerializer(rows, many=True, context=self.context).data


class UndisclosedCategorySerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The complaint category's code.")
    complaints = serializers.IntegerField()


class UndisclosedComplaintSerializer(serializers.Serializer):
    submitted_on = serializers.DateField(help_text="Day of submission (UTC).")
    category = serializers.CharField(help_text="The complaint category's code.")


class UndisclosedShopSerializer(serializers.Serializer):
    """What complaints say about a name or link the directory has no merchant for
    (selectors.directory_miss)."""

    complaints = serializers.IntegerField(
        help_text="Complaints accepted at screening that name this shop or link."
    )
    categories = serializers.SerializerMethodField()
    first_on = serializers.SerializerMethodField()
    latest_on = serializers.SerializerMethodField()
    recent = serializers.SerializerMethodField()

    @extend_schema_field(UndisclosedCategorySerializer(many=True))
    def get_categories(self, miss) -> list[dict]:
        return [{"category": code, "complaints": n} for code, n in miss.categories]

    def get_first_on(self, miss) -> dt.date:
        return miss.first_at.astimezone(dt.UTC).date()

    def get_latest_on(self, miss) -> dt.date:
        return miss.latest_at.astimezone(dt.UTC).date()

    @extend_schema_field(UndisclosedComplaintSerializer(many=True))
    def get_recent(self, miss) -> list[dict]:
        return [
            {"submitted_on": at.astimezone(dt.UTC).date(), "category": code}
            for at, code in miss.recent
        ]
