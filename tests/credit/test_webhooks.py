"""Webhooks: a grade change is POSTed, signed, to each active endpoint, with retries."""

from __future__ import annotations

import http.server
import json
import socket
import threading

import pytest
from celery.exceptions import Retry

from credit import services, tasks, webhooks
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


def _grade_merchant(settings, django_capture_on_commit_callbacks):
    settings.CREDIT_MIN_SAMPLE = 1
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)
    return merchant


def test_a_grade_change_is_posted_signed_to_each_active_endpoint(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(client=endpoint.client, url=receiver.url, active=False)

    merchant = _grade_merchant(settings, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers, body = request["headers"], request["body"]
    assert headers["X-Redress-Event"] == "merchant.grade_changed"
    assert webhooks.verify(
        secret=endpoint.secret,
        timestamp=int(headers["X-Redress-Timestamp"]),
        body=body,
        signature=headers["X-Redress-Signature"],
    )
    assert headers["X-Redress-Signature"].startswith("sha256=")
    payload = json.loads(body)
    assert payload["merchant"]["public_id"] == str(merchant.public_id)
    assert payload["previous_grade"] == "NR"
    assert payload["grade"] not in {"NR", ""}
    assert payload["credit_url"].endswith(f"/api/v1/merchants/{merchant.public_id}/credit/")
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == endpoint
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert delivery.delivered_at is not None
    assert headers["X-Redress-Delivery"] == str(delivery.pk)


def test_a_signature_over_another_body_or_timestamp_does_not_verify(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    _grade_merchant(settings, django_capture_on_commit_callbacks)
    headers, body = receiver.requests[0]["headers"], receiver.requests[0]["body"]
    timestamp = int(headers["X-Redress-Timestamp"])
    signature = headers["X-Redress-Signature"]

    assert not webhooks.verify(
        secret=endpoint.secret, timestamp=timestamp + 1, body=body, signature=signature
    )
    assert not webhooks.verify(
        secret=endpoint.secret, timestamp=timestamp, body=body + b" ", signature=signature
    )
    assert not webhooks.verify(
        secret="another", timestamp=timestamp, body=body, signature=signature
    )


def test_no_grade_change_sends_nothing(receiver, endpoint, django_capture_on_commit_callbacks):
    merchant = MerchantFactory()  # no cases: not rated, and still not rated after

    with django_capture_on_commit_callbacks(execute=True):
        services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_failing_endpoint_is_retried_until_it_accepts(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503, 429]

    _grade_merchant(settings, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 4
    assert (delivery.attempts, delivery.last_status_code) == (4, 200)
    assert delivery.delivered_at is not None
    assert delivery.error == ""


def test_delivery_gives_up_after_the_last_attempt(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    settings.CREDIT_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500] * 10

    _grade_merchant(settings, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 3
    assert (delivery.attempts, delivery.last_status_code, delivery.error) == (3, 500, "HTTP 500")
    assert delivery.delivered_at is None


@pytest.mark.parametrize("status", [400, 404, 302])
def test_a_refused_or_redirected_delivery_is_not_retried(
    settings, receiver, endpoint, django_capture_on_commit_callbacks, status
):
    receiver.statuses = [status]

    _grade_merchant(settings, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert (delivery.attempts, delivery.last_status_code) == (1, status)
    assert delivery.delivered_at is None


def test_an_unreachable_endpoint_is_recorded(settings, django_capture_on_commit_callbacks):
    settings.CREDIT_WEBHOOK_MAX_ATTEMPTS = 2
    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    WebhookEndpoint.objects.create(
        client=PlatformClientFactory(), url=f"http://127.0.0.1:{port}/hook"
    )

    _grade_merchant(settings, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 2
    assert delivery.last_status_code is None
    assert "URLError" in delivery.error


def test_a_delivered_delivery_is_not_sent_again(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    _grade_merchant(settings, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()

    tasks.deliver_webhook.delay(delivery.pk)

    assert len(receiver.requests) == 1


def test_a_deactivated_endpoint_gets_nothing_queued_for_it(
    settings, receiver, endpoint, django_capture_on_commit_callbacks
):
    settings.CREDIT_MIN_SAMPLE = 1
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
        url="file:///etc/passwd",
        secret="s",
        event="merchant.grade_changed",
        delivery_id=1,
        payload={},
        timeout=1,
    )

    assert (outcome.ok, outcome.transient) == (False, False)


def test_a_failed_attempt_is_retried_after_the_backoff(settings, receiver, endpoint, monkeypatch):
    settings.CREDIT_WEBHOOK_BACKOFF = 30
    receiver.statuses = [503]
    _grade_merchant_without_delivery(settings)
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


def _grade_merchant_without_delivery(settings):
    settings.CREDIT_MIN_SAMPLE = 1
    merchant = MerchantFactory()
    decided_case(merchant, "resolved_by_merchant")
    services.credit_recompute(merchant_ids=[merchant.pk], now=NOW)  # no commit: nothing sent
    return merchant
