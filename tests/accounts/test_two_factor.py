"""Two-step verification: staff pass a second factor before any page where it is required;
any account may add an authenticator app, which sign-in then asks for; recovery codes work once.

Codes are the published RFC 6238 test vectors (appendix B, SHA-1 key "12345678901234567890"),
not computed by the code under test.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from tests.config.test_settings import PRODUCTION_ENV, _manage
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RFC_KEY = b"12345678901234567890"
RFC_KEY_HEX = RFC_KEY.hex()
# RFC 6238 appendix B, SHA-1, 8 digits: T=59 -> 94287082, T=1111111109 -> 07081804,
# T=1111111111 -> 14050471 (the next 30-second step), T=1234567890 -> 89005924. An app with six
# digits shows the last six.
NOW = 1111111109
CODE_AT_NOW = "081804"
LATER = 1111111111
CODE_LATER = "050471"
WRONG_CODE = "123456"

INVALID_EN = "This code is not valid."
INVALID_ZH = "此验证码无效。"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def otp_required(settings):
    settings.REDRESS_STAFF_OTP_REQUIRED = True


def _staff(**kwargs):
    from accounts.services import user_set_role

    return user_set_role(user=UserFactory(**kwargs), role=User.Role.MEDIATOR)


def _with_app(user):
    return TOTPDevice.objects.create(user=user, name="phone", key=RFC_KEY_HEX, confirmed=True)


def _password_step(client, user, next_url=""):
    data = {"username": user.email, "password": DEFAULT_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_django_otp_totp_gives_the_rfc_6238_codes():
    with time_machine.travel(59, tick=False):
        assert totp(RFC_KEY, step=30, digits=8) == 94287082
    with time_machine.travel(1234567890, tick=False):
        assert totp(RFC_KEY, step=30, digits=8) == 89005924
    assert totp(RFC_KEY, step=30, digits=8) == 7081804
    assert f"{totp(RFC_KEY, step=30, digits=6):06d}" == CODE_AT_NOW
    with time_machine.travel(LATER, tick=False):
        assert f"{totp(RFC_KEY, step=30, digits=6):06d}" == CODE_LATER


# --- staff where the second factor is required ------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/cases/", "/accounts/"])
def test_staff_without_an_app_are_sent_to_set_one_up(client, otp_required, url):
    client.force_login(_staff())

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('two_factor_setup')}?next={url.replace('/', '%2F')}"


def test_staff_signing_in_with_a_password_alone_do_not_reach_the_admin(client, otp_required):
    staff = _staff()
    assert _password_step(client, staff, "/admin/").status_code == 302

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize(
    ("prefix", "heading", "mismatch"),
    [
        ("", "Set up two-step verification", "This code does not match."),
        ("/zh-hans", "设置两步验证", "验证码不匹配。"),
    ],
)
def test_staff_set_up_an_app_and_then_reach_the_admin(
    client, otp_required, prefix, heading, mismatch
):
    staff = _staff()
    client.force_login(staff)
    url = f"{prefix}/accounts/two-step/set-up/?next=/admin/"

    page = client.get(url)
    assert heading in page.content.decode()
    assert "<svg" in page.content.decode()
    # Give the pending device the RFC key, so the expected codes are the published ones.
    pending = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = page.context["secret"].replace(" ", "")
    assert len(secret) == 32  # 20 random bytes in base32
    TOTPDevice.objects.filter(pk=pending.pk).update(key=RFC_KEY_HEX)

    wrong = client.post(url, {"code": WRONG_CODE, "next": "/admin/"})
    assert wrong.status_code == 200
    assert mismatch in wrong.content.decode()
    assert client.get("/admin/").status_code == 302

    # 2 s later: past the 1 s throttle after one wrong code.
    with time_machine.travel(LATER, tick=False):
        done = client.post(url, {"code": CODE_LATER, "next": "/admin/"})
        assert done.status_code == 200
        codes = done.context["codes"]
        assert len(codes) == 10
        assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", code) for code in codes)
        assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed is True


def test_staff_with_an_app_sign_in_with_password_then_code(client, otp_required):
    staff = _staff()
    _with_app(staff)

    response = _password_step(client, staff, "/admin/")

    assert response.status_code == 302
    assert response.url == reverse("login_verify")
    assert not _signed_in(client)
    assert client.get("/admin/").url.startswith("/admin/login/")

    wrong = client.post(reverse("login_verify"), {"code": WRONG_CODE})
    assert wrong.status_code == 200
    assert INVALID_EN in wrong.content.decode()
    assert not _signed_in(client)

    with time_machine.travel(NOW + 5, tick=False):  # the throttle after one failure: 1 s
        right = client.post(reverse("login_verify"), {"code": CODE_AT_NOW})
    assert right.status_code == 302
    assert right.url == "/admin/"
    assert _signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_wrong_code_is_refused_in_chinese(client):
    user = UserFactory()
    _with_app(user)
    _password_step(client, user)

    response = client.post("/zh-hans/accounts/login/code/", {"code": WRONG_CODE})

    assert response.status_code == 200
    assert INVALID_ZH in response.content.decode()
    assert not _signed_in(client)


def test_a_code_is_accepted_once(client):
    user = UserFactory()
    _with_app(user)
    _password_step(client, user)
    assert client.post(reverse("login_verify"), {"code": CODE_AT_NOW}).status_code == 302
    client.post(reverse("logout"))

    _password_step(client, user)
    replay = client.post(reverse("login_verify"), {"code": CODE_AT_NOW})

    assert replay.status_code == 200
    assert not _signed_in(client)


def test_staff_whose_session_predates_verification_enter_a_code(client, otp_required):
    staff = _staff()
    _with_app(staff)
    client.force_login(staff)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == f"{reverse('login_verify')}?next=%2Fadmin%2F"

    verified = client.post(reverse("login_verify"), {"code": CODE_AT_NOW, "next": "/admin/"})
    assert verified.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_turn_the_second_factor_off_where_it_is_required(client, otp_required):
    staff = _staff()
    _with_app(staff)
    _password_step(client, staff)
    client.post(reverse("login_verify"), {"code": CODE_AT_NOW})

    client.post(reverse("two_factor_disable"))

    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_where_not_required_staff_sign_in_with_a_password_alone(client):
    # The local settings of `make run`: the demo mediator has no app.
    from accounts import demo

    demo.seed()

    response = client.post(
        reverse("login"), {"username": "mediator@redress.test", "password": demo.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_production_settings_require_the_second_factor_for_staff():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.REDRESS_STAFF_OTP_REQUIRED)",
        env={**PRODUCTION_ENV, "REDRESS_STAFF_OTP_REQUIRED": "false"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


# --- other accounts ---------------------------------------------------------------------


def test_consumer_without_an_app_signs_in_with_a_password(client, otp_required):
    user = UserFactory()

    response = _password_step(client, user)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _signed_in(client)
    assert client.get("/accounts/").status_code == 200


def test_consumer_with_an_app_must_give_a_code(client):
    user = UserFactory()
    _with_app(user)

    response = _password_step(client, user, "/accounts/")
    assert response.url == reverse("login_verify")
    assert not _signed_in(client)
    assert client.get("/accounts/").status_code == 302

    response = client.post(reverse("login_verify"), {"code": CODE_AT_NOW})
    assert response.url == "/accounts/"
    assert _signed_in(client)


def test_the_code_step_expires(client):
    user = UserFactory()
    _with_app(user)
    _password_step(client, user)

    with time_machine.travel(NOW + 6 * 60, tick=False):
        response = client.post(reverse("login_verify"), {"code": CODE_AT_NOW})

    assert response.url == reverse("login")
    assert not _signed_in(client)


def test_the_code_step_needs_the_password_step_first(client):
    assert client.get(reverse("login_verify")).url == reverse("login")
    assert client.post(reverse("login_verify"), {"code": CODE_AT_NOW}).url == reverse("login")


def _recovery_codes(client, user):
    _with_app(user)
    _password_step(client, user)
    client.post(reverse("login_verify"), {"code": CODE_AT_NOW})
    response = client.post(reverse("two_factor_recovery_codes"))
    client.post(reverse("logout"))
    return response.context["codes"]


def test_a_recovery_code_signs_in_once_only(client):
    user = UserFactory()
    codes = _recovery_codes(client, user)

    _password_step(client, user)
    first = client.post(reverse("login_verify"), {"code": codes[0].upper()})
    assert first.status_code == 302
    assert _signed_in(client)
    assert "Recovery codes left: 9." in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))

    _password_step(client, user)
    again = client.post(reverse("login_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert INVALID_EN in again.content.decode()
    assert not _signed_in(client)


def test_recovery_codes_are_stored_hashed(client):
    user = UserFactory()
    codes = _recovery_codes(client, user)

    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))

    assert len(stored) == 10
    plain = {code.replace("-", "") for code in codes} | set(codes)
    assert not stored & plain


def test_new_recovery_codes_replace_the_old_ones(client):
    user = UserFactory()
    old = _recovery_codes(client, user)
    TOTPDevice.objects.filter(user=user).delete()
    new = _recovery_codes(client, user)

    _password_step(client, user)
    assert client.post(reverse("login_verify"), {"code": old[1]}).status_code == 200
    with time_machine.travel(NOW + 5, tick=False):  # past the 1 s throttle after a failure
        assert client.post(reverse("login_verify"), {"code": new[1]}).status_code == 302


def test_admin_sign_in_asks_for_the_code_of_an_account_with_an_app(client):
    staff = _staff()
    _with_app(staff)
    url = "/admin/login/?next=/admin/"
    data = {"username": staff.email, "password": DEFAULT_PASSWORD, "next": "/admin/"}

    without = client.post(url, data)
    assert without.status_code == 200
    assert INVALID_EN in without.content.decode()
    assert not _signed_in(client)

    with time_machine.travel(NOW + 5, tick=False):
        response = client.post(url, {**data, "otp_code": CODE_AT_NOW})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_user_can_turn_the_app_off(client):
    user = UserFactory()
    _with_app(user)
    _password_step(client, user)
    client.post(reverse("login_verify"), {"code": CODE_AT_NOW})

    client.post(reverse("two_factor_disable"))
    client.post(reverse("logout"))

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _password_step(client, user).url == reverse("home")
    assert _signed_in(client)


def test_turning_off_needs_a_verified_session(client):
    user = UserFactory()
    _with_app(user)
    client.force_login(user)

    response = client.post(reverse("two_factor_disable"))

    assert response.url.startswith(reverse("login_verify"))
    assert TOTPDevice.objects.filter(user=user).exists()


def test_an_administrator_clears_a_lost_phone(client, superuser):
    user = UserFactory()
    _with_app(user)
    client.force_login(superuser)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [user.pk]},
    )
    client.post(reverse("logout"))

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _password_step(client, user).url == reverse("home")


def test_mediators_cannot_clear_anyone_s_second_factor(client, mediator):
    user = UserFactory()
    _with_app(user)
    client.force_login(mediator)

    client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [user.pk]},
    )

    assert TOTPDevice.objects.filter(user=user).exists()


def test_with_lockouts_on_the_two_steps_sign_in_and_clear_earlier_failures(client, settings):
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    user = UserFactory(email="careful@example.test")
    _with_app(user)
    client.post(reverse("login"), {"username": "Careful@Example.test", "password": "wrong"})
    assert AccessAttempt.objects.filter(username="careful@example.test").exists()

    _password_step(client, user)
    response = client.post(reverse("login_verify"), {"code": CODE_AT_NOW})

    assert response.status_code == 302
    assert _signed_in(client)
    assert not AccessAttempt.objects.filter(username="careful@example.test").exists()
