"""The public API's check of a signed dossier (no key needed, throttled per client address)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PerAddressRateThrottle
from core.parsers import JSONParser
from core.schema import StrictInputSerializer

from . import dossiers


class VerifyRateThrottle(PerAddressRateThrottle):
    scope = "dossier-verify"
    rate_setting = "REDRESS_DOSSIER_VERIFY_RATE"


class _Text(serializers.CharField):
    """A JSON string, not a number or a boolean turned into one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _Hex64(serializers.RegexField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _Uuid(serializers.UUIDField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class VerifyRequest(StrictInputSerializer):
    number = _Uuid(help_text="The dossier number printed on it.")
    sha256 = _Hex64(
        r"^[0-9a-fA-F]{64}$", help_text="The SHA-256 of the signed text, printed on the dossier."
    )
    signature = _Text(
        required=False, allow_blank=True, max_length=200, help_text="Optional: the signature."
    )


class VerifyFileRequest(StrictInputSerializer):
    pdf_sha256 = _Hex64(
        r"^[0-9a-fA-F]{64}$", help_text="The SHA-256 of the PDF file (the file is not sent)."
    )


VerifyAnswer = inline_serializer(
    "DossierVerification",
    {
        "authentic": serializers.BooleanField(),
        "reason": serializers.CharField(
            allow_null=True,
            help_text="Why it is not authentic: unknown, hash_mismatch, signature_mismatch, "
            "bad_signature.",
        ),
        "dossier": inline_serializer(
            "VerifiedDossier",
            {
                "number": serializers.UUIDField(),
                "case_reference": serializers.CharField(),
                "issued_at": serializers.DateTimeField(),
                "key_id": serializers.CharField(),
                "erased": serializers.BooleanField(),
            },
            allow_null=True,
        ),
    },
)


def _answer(result: dossiers.Verification) -> Response:
    dossier = result.dossier
    return Response(
        {
            "authentic": result.authentic,
            "reason": result.reason or None,
            "dossier": {
                "number": str(dossier.uid),
                "case_reference": dossier.case.complaint.reference,
                "issued_at": dossier.issued_at,
                "key_id": dossier.key_id,
                "erased": bool(dossier.erased_at),
            }
            if result.authentic
            else None,
        }
    )


class _PublicView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]
    parser_classes = [JSONParser]


_EXAMPLES = [
    OpenApiExample(
        "not authentic",
        value={"authentic": False, "reason": "unknown", "dossier": None},
        response_only=True,
    )
]


class VerifyDossierView(_PublicView):
    @extend_schema(
        operation_id="dossier_verify",
        request=VerifyRequest,
        responses={200: VerifyAnswer},
        description=(
            "Whether a dossier is one Redress issued and is unchanged, by the number and the "
            "SHA-256 printed on it (and, optionally, its signature). No API key needed."
        ),
        examples=_EXAMPLES,
        tags=["dossiers"],
    )
    def post(self, request):
        given = VerifyRequest(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        return _answer(
            dossiers.verify(
                number=data["number"], sha256=data["sha256"], signature=data.get("signature", "")
            )
        )


class VerifyDossierFileView(_PublicView):
    @extend_schema(
        operation_id="dossier_verify_file",
        request=VerifyFileRequest,
        responses={200: VerifyAnswer},
        description=(
            "Whether a PDF file with this SHA-256 is, byte for byte, a dossier Redress issued. "
            "No API key needed."
        ),
        examples=_EXAMPLES,
        tags=["dossiers"],
    )
    def post(self, request):
        given = VerifyFileRequest(data=request.data)
        given.is_valid(raise_exception=True)
        return _answer(dossiers.verify_pdf_digest(given.validated_data["pdf_sha256"].lower()))
