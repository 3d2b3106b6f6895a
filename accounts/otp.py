"""Two-step verification: an authenticator app (django-otp TOTP) and recovery codes (django-otp
static tokens, stored hashed), set up, checked at sign-in, and turned off."""

from __future__ import annotations

import hashlib
import logging
import secrets
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

logger = logging.getLogger(__name__)

# Ten codes, as GitHub and Google give: enough for a lost phone and a few trips without it.
RECOVERY_CODE_COUNT = 10
# 10 characters of base32: 50 random bits, shown as two groups of five.
RECOVERY_CODE_CHARS = "abcdefghijklmnopqrstuvwxyz234567"
RECOVERY_CODE_LENGTH = 10
DEVICE_NAME = "authenticator"


def two_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def staff_must_verify(user) -> bool:
    return bool(
        settings.REDRESS_STAFF_OTP_REQUIRED
        and getattr(user, "is_authenticated", False)
        and user.is_staff
    )


def _recovery_code_hash(code: str) -> str:
    # The codes are random (50 bits), not chosen by people, so one fast hash is enough to keep
    # a database reader from using them; 16 hex characters is what a static token column holds.
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()[:16]


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_CHARS) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator the user is setting up: a new secret until a first code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def provisioning_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def provisioning_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Turn two-step verification on once the app shows a right code; returns the device and
    the recovery codes (the only time they exist in clear), or None for a wrong code."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-pk")
        .first()
    )
    if device is None or not device.verify_token(_digits(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _recovery_codes_replace(user)
    logger.info("Two-step verification turned on for user %s", user.pk)
    return device, codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=_recovery_code_hash(code)) for code in codes]
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    codes = _recovery_codes_replace(user)
    logger.info("Recovery codes replaced for user %s", user.pk)
    return codes


def recovery_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    logger.info("Two-step verification turned off for user %s", user.pk)


def _digits(code: str) -> str:
    return "".join(code.split())


def verify_code(*, user: User, code: str) -> Device | None:
    """The device that accepts this code: the authenticator app for six digits, otherwise a
    recovery code (used up by this). Each device throttles its own failures (django-otp doubles
    the wait after every wrong code), which is what stops guessing."""
    code = (code or "").strip()
    if not code:
        return None
    with transaction.atomic():
        if _digits(code).isdigit():
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            token = _digits(code)
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            token = _recovery_code_hash(code)
        for device in devices:
            if device.verify_token(token):
                return device
    return None
