"""Redis down (it is both the Celery broker and the cache): the site keeps serving pages and the
API and keeps accepting complaints; the enqueue failure is logged, never shown; the e-mail
leaves from the web process; and when Redis is back (empty: whatever was queued is gone) the
next sweep opens the case the broker never heard of."""

from __future__ import annotations

import pytest
import requests

from bench.visitor import file_complaint, png, sign_in
from complaints.models import Complaint
from odr.models import Case
from tests.factories import DEFAULT_PASSWORD, MerchantFactory, UserFactory

from .processes import Server, Worker, mails, send_task, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_with_redis_down_the_site_serves_and_keeps_complaints_and_the_sweep_catches_up(
    test_database_url, private_redis, env_for, mail_dir, tmp_path, stop_at_end, platform_api_client
):
    merchant = MerchantFactory(legal_name="Sunny Trading Co")
    consumer = UserFactory(role="consumer")
    env = env_for(test_database_url, private_redis.url)
    worker = stop_at_end(Worker(env, tmp_path / "worker.log", "worker", wait=False))
    server = stop_at_end(Server(env, tmp_path / "gunicorn.log"))
    worker.wait_ready()
    api = {"X-Api-Key": platform_api_client.api_secret}
    credit = f"/api/v1/merchants/{merchant.public_id}/credit/"
    # Up: the credit answer is cached in Redis.
    assert requests.get(server.base + credit, headers=api, timeout=10).status_code == 200

    private_redis.kill()

    for path in ["/", "/merchants/?q=Sunny", f"/merchants/{merchant.public_id}/", "/zh-hans/"]:
        assert requests.get(server.base + path, timeout=10).status_code == 200, path
    for path in [credit, "/api/v1/merchants/?q=Sunny", "/api/v1/health/"]:
        response = requests.get(server.base + path, headers=api, timeout=10)
        assert response.status_code == 200, (path, response.text[:300])
    session = requests.Session()

    def send(method, path, label, **kwargs):
        return session.request(method, server.base + path, timeout=20, **kwargs)

    sign_in(send, consumer.email, DEFAULT_PASSWORD)
    public_id = file_complaint(send, order_number="REDIS-DOWN-1", evidence=png())

    complaint = Complaint.objects.get(public_id=public_id)
    assert complaint.status == Complaint.Status.SUBMITTED
    assert complaint.evidence.filter(label="receipt.png").exists()
    assert not Case.objects.filter(complaint=complaint).exists()
    log = server.output()
    assert "Could not enqueue odr.tasks.open_case" in log
    assert "broker unreachable" in log
    # The confirmation e-mail could not wait for a broker: the web process sent it.
    [confirmation] = [m for m in mails(mail_dir) if complaint.reference in m]
    assert f"To: {consumer.email}" in confirmation

    private_redis.start()
    # What beat sends every minute, once the worker has its broker back.
    send_task(private_redis.url, "odr.tasks.sweep_deadlines")
    wait_until(
        lambda: Case.objects.filter(complaint=complaint).exists(),
        timeout=60,
        what="the sweep to open the case",
        log=worker.log,
    )
    case = Case.objects.get(complaint=complaint)
    assert case.state == "submitted"
    assert list(case.events.values_list("kind", flat=True)) == ["case_opened"]
    # Pages are served from the cache again.
    assert requests.get(server.base + credit, headers=api, timeout=10).status_code == 200
