"""Webhooks: a grade change is POSTed to each active endpoint in the Standard Webhooks format,
checked here with the standard's own library (as a platform would), with retries."""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import importlib
import json
import re
import socket
import threading

import pytest
import time_machine
from celery.exceptions import Retry
from django.apps import apps
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from credit import method, services, tasks, webhooks
from credit.models import WebhookDelivery, WebhookEndpoint
from tests.factories import MerchantFactory, PlatformClientFactory

from .helpers import NOW, decided_case

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the queued statuses (then 200)."""

    def __init__(self):
        self.statuses: list[int] = []
        self.requests: list[dict] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/redress"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _eager_retries(monkeypatch):
    """Eager tasks normally re-raise Celery's Retry; without propagation Celery runs the retry
    at once (the countdown is ignored in eager mode), so a test sees every attempt."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def receiver():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(client=PlatformClientFactory(), url=receiver.url)


def _grade_merchant(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(method, "MIN_SAMPLE", 1)
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    return merchant


def _headers(request: dict) -> dict[str, str]:
    # HTTP header names are case-insensitive; urllib sends "Webhook-id", the standard writes
    # "webhook-id".
    return {name.lower(): value for name, value in request["headers"].items()}


# The Standard Webhooks reference implementation's own signing test vector
# (standard-webhooks/standard-webhooks, libraries/python/tests/test_webhooks.py,
# test_sign_function), written out here rather than computed.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_redress_signs_the_reference_test_vector_exactly():
    headers = webhooks.signed_headers(
        secret=VECTOR_SECRET, message_id=VECTOR_ID, timestamp=VECTOR_TIMESTAMP, body=VECTOR_BODY
    )

    assert headers == {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }


def test_new_endpoints_get_a_standard_secret_of_32_random_bytes():
    client = PlatformClientFactory()
    first = WebhookEndpoint.objects.create(client=client, url="https://a.example/hook")
    second = WebhookEndpoint.objects.create(client=client, url="https://b.example/hook")

    # "whsec_" + padded base64 of 32 bytes: 43 characters and one "=".
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", first.secret)
    assert len(base64.b64decode(first.secret.removeprefix("whsec_"))) == 32
    assert first.secret != second.secret


def test_a_grade_change_is_posted_signed_to_each_active_endpoint(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    WebhookEndpoint.objects.create(client=endpoint.client, url=receiver.url, active=False)

    merchant = _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers, body = _headers(request), request["body"]
    # What a platform does: the off-the-shelf library, the endpoint's secret, the raw body.
    payload = Webhook(endpoint.secret).verify(body, request["headers"])
    assert payload == json.loads(body)
    delivery = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == f"msg_{delivery.message_id.hex}"
    assert re.fullmatch(r"[0-9]+", headers["webhook-timestamp"])
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]{43}=", headers["webhook-signature"])
    assert not [name for name in headers if name.startswith("x-redress")]
    assert payload["event"] == "merchant.grade_changed"
    assert payload["merchant"]["public_id"] == str(merchant.public_id)
    assert payload["previous_grade"] == "NR"
    assert payload["grade"] not in {"NR", ""}
    assert payload["credit_url"].endswith(f"/api/v1/merchants/{merchant.public_id}/credit/")
    assert delivery.endpoint == endpoint
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert delivery.delivered_at is not None


def _tampered(headers: dict, body: bytes):
    """Each change a forger or a broken proxy could make to a genuine request."""
    timestamp = int(headers["webhook-timestamp"])
    grade = json.loads(body)["grade"]
    yield "body", headers, body + b" "
    yield "grade", headers, body.replace(f'"grade":"{grade}"'.encode(), b'"grade":"A+"')
    yield "timestamp", {**headers, "webhook-timestamp": str(timestamp - 1)}, body
    yield "id", {**headers, "webhook-id": "msg_another"}, body
    yield "signature", {**headers, "webhook-signature": VECTOR_SIGNATURE}, body


def test_a_tampered_request_fails_the_standard_library_check(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)
    headers, body = _headers(receiver.requests[0]), receiver.requests[0]["body"]
    Webhook(endpoint.secret).verify(body, headers)  # the genuine request passes

    for change, forged_headers, forged_body in _tampered(headers, body):
        assert (forged_headers, forged_body) != (headers, body), change
        with pytest.raises(WebhookVerificationError):
            Webhook(endpoint.secret).verify(forged_body, forged_headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(VECTOR_SECRET).verify(body, headers)


def test_a_captured_request_replayed_after_five_minutes_is_refused(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)
    headers, body = _headers(receiver.requests[0]), receiver.requests[0]["body"]
    sent_at = dt.datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=dt.UTC)

    with time_machine.travel(sent_at + dt.timedelta(minutes=4, seconds=59), tick=False):
        Webhook(endpoint.secret).verify(body, headers)
    late = time_machine.travel(sent_at + dt.timedelta(minutes=5, seconds=1), tick=False)
    with late, pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(endpoint.secret).verify(body, headers)


def test_no_grade_change_sends_nothing(receiver, endpoint, django_capture_on_commit_callbacks):
    merchant = MerchantFactory()  # no cases: not rated, and still not rated after

    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_failing_endpoint_is_retried_until_it_accepts(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    receiver.statuses = [500, 503, 429]

    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 4
    assert (delivery.attempts, delivery.last_status_code) == (4, 200)
    assert delivery.delivered_at is not None
    assert delivery.error == ""
    # Every attempt is the same message (one webhook-id, the receiver's idempotency key), each
    # signed anew with its own timestamp.
    ids = {_headers(request)["webhook-id"] for request in receiver.requests}
    assert ids == {f"msg_{delivery.message_id.hex}"}
    for request in receiver.requests:
        Webhook(endpoint.secret).verify(request["body"], request["headers"])


def test_a_delivery_sent_again_from_the_log_keeps_its_webhook_id(
    settings, receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CREDIT_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.statuses = [500]
    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is None

    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_redeliver(delivery_ids=[delivery.pk])

    first, again = (_headers(request) for request in receiver.requests)
    assert first["webhook-id"] == again["webhook-id"] == f"msg_{delivery.message_id.hex}"
    Webhook(endpoint.secret).verify(receiver.requests[1]["body"], receiver.requests[1]["headers"])


def test_delivery_gives_up_after_the_last_attempt(
    settings, receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CREDIT_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500] * 10

    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3
    assert (delivery.attempts, delivery.last_status_code, delivery.error) == (3, 500, "HTTP 500")
    assert delivery.delivered_at is None


@pytest.mark.parametrize("status", [400, 404, 302])
def test_a_refused_or_redirected_delivery_is_not_retried(
    receiver, endpoint, django_capture_on_commit_callbacks, status, monkeypatch
):
    receiver.statuses = [status]

    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert (delivery.attempts, delivery.last_status_code) == (1, status)
    assert delivery.delivered_at is None


def test_an_unreachable_endpoint_is_recorded(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CREDIT_WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    WebhookEndpoint.objects.create(
        client=PlatformClientFactory(), url=f"http://127.0.0.1:{port}/hook"
    )

    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 2
    assert delivery.last_status_code is None
    assert "URLError" in delivery.error


def test_a_delivered_delivery_is_not_sent_again(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    _grade_merchant(monkeypatch, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()

    tasks.deliver_webhook.delay(delivery.pk)

    assert len(receiver.requests) == 1


def test_a_deactivated_endpoint_gets_nothing_queued_for_it(
    receiver, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(method, "MIN_SAMPLE", 1)
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)  # not run: no commit hooks
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)

    tasks.deliver_webhook.delay(WebhookDelivery.objects.get().pk)

    assert receiver.requests == []
    assert "inactive" in WebhookDelivery.objects.get().error


def test_backoff_doubles_up_to_the_maximum(settings):
    settings.CREDIT_WEBHOOK_BACKOFF = 30
    settings.CREDIT_WEBHOOK_BACKOFF_MAX = 200

    assert [services.webhook_backoff(n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_only_http_addresses_are_posted_to():
    outcome = webhooks.post(
        url="file:///etc/passwd", secret=VECTOR_SECRET, message_id=VECTOR_ID, payload={}, timeout=1
    )

    assert (outcome.ok, outcome.transient) == (False, False)


def test_a_failed_attempt_is_retried_after_the_backoff(settings, receiver, endpoint, monkeypatch):
    settings.CREDIT_WEBHOOK_BACKOFF = 30
    receiver.statuses = [503]
    _grade_merchant_without_delivery(monkeypatch)
    delivery = WebhookDelivery.objects.get()
    countdowns = []

    def retry(*, countdown):
        countdowns.append(countdown)
        return Retry()

    monkeypatch.setattr(tasks.deliver_webhook, "retry", retry)
    tasks.deliver_webhook.apply(args=[delivery.pk])

    assert countdowns == [30]
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code, delivery.delivered_at) == (1, 503, None)


def _grade_merchant_without_delivery(monkeypatch):
    monkeypatch.setattr(method, "MIN_SAMPLE", 1)
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)  # no commit: nothing sent
    return merchant


LEGACY_SECRET = "0123456789abcdef" * 4  # the old form: 64 hex characters, used as the key


def test_the_migration_rewrites_old_secrets_in_the_standard_form_with_the_same_key():
    migration = importlib.import_module("credit.migrations.0004_standard_webhooks")
    endpoint = WebhookEndpoint.objects.create(
        client=PlatformClientFactory(), url="https://a.example/hook", secret=LEGACY_SECRET
    )
    current = WebhookEndpoint.objects.create(client=endpoint.client, url="https://b.example/hook")
    current_secret = current.secret

    migration._secrets_to_standard_form(apps, None)

    endpoint.refresh_from_db()
    current.refresh_from_db()
    # base64 of the 64 characters themselves: the HMAC key bytes do not change.
    assert endpoint.secret == (
        "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg=="
    )
    assert current.secret == current_secret

    migration._secrets_to_old_form(apps, None)

    endpoint.refresh_from_db()
    current.refresh_from_db()
    assert endpoint.secret == LEGACY_SECRET
    assert current.secret == current_secret


def test_staff_find_a_delivery_by_the_webhook_id_a_platform_quotes(client, superuser):
    endpoint = WebhookEndpoint.objects.create(
        client=PlatformClientFactory(), url="https://a.example/hook"
    )
    wanted, _other = (
        WebhookDelivery.objects.create(
            endpoint=endpoint, event="merchant.grade_changed", payload={}
        )
        for _ in range(2)
    )
    webhook_id = f"msg_{wanted.message_id.hex}"
    client.force_login(superuser)

    found = client.get("/admin/credit/webhookdelivery/", {"q": f" {webhook_id} "})
    malformed = client.get("/admin/credit/webhookdelivery/", {"q": "msg_not-an-id"})
    page = client.get(f"/admin/credit/webhookdelivery/{wanted.pk}/change/")

    assert list(found.context["cl"].result_list) == [wanted]
    assert malformed.status_code == 200
    assert list(malformed.context["cl"].result_list) == []
    assert webhook_id in page.content.decode()
