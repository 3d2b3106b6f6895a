"""PostgreSQL restarted under load: while it is down every request gets a clean 503 (a page, or
the API's JSON error, with Retry-After, never a traceback), and once it is back the site answers
again by itself: no restart of the web server, stale connections replaced."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.factories import DEFAULT_PASSWORD, MerchantFactory, UserFactory

from .processes import PG_BIN, Server, require, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Load threads, and how long the load may run at most whatever happens.
THREADS = 4
LOAD_LIMIT_SECONDS = 60


def _clone_test_database(test_database_url: str, cluster, name: str) -> None:
    """Copy the test database (schema, migrations' rows, what this test made) into the private
    cluster: much faster than migrating it from scratch."""
    import subprocess

    dump = subprocess.run(  # noqa: S603
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", test_database_url],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    cluster.psql("postgres", "-c", f'CREATE DATABASE "{name}"')
    cluster.psql(name, stdin=dump)


class Load(threading.Thread):
    """Sends the given requests round and round until stopped; keeps every answer."""

    def __init__(self, base: str, targets: list[tuple[str, dict]], answers: list):
        super().__init__(daemon=True)
        self.base, self.targets, self.answers = base, targets, answers
        self.stopping = threading.Event()

    def run(self):
        session = requests.Session()
        ends = time.monotonic() + LOAD_LIMIT_SECONDS
        while not self.stopping.is_set() and time.monotonic() < ends:
            for path, headers in self.targets:
                try:
                    response = session.get(self.base + path, headers=headers, timeout=10)
                except requests.RequestException as exc:
                    self.answers.append((path, None, repr(exc), None))
                    continue
                retry_after = response.headers.get("Retry-After")
                self.answers.append((path, response.status_code, response.text, retry_after))


def _signed_in(base: str, user) -> requests.Session:
    from bench.visitor import sign_in

    session = requests.Session()
    sign_in(
        lambda method, path, label, **kw: session.request(method, base + path, **kw),
        user.email,
        DEFAULT_PASSWORD,
    )
    return session


def test_postgresql_restart_under_load_gives_clean_503s_and_recovers(
    test_database_url, private_postgres, env_for, tmp_path, stop_at_end, platform_api_client
):
    require((PG_BIN / "pg_dump").exists(), f"pg_dump is not in {PG_BIN}")
    merchant = MerchantFactory(legal_name="Sunny Trading Co")
    consumer = UserFactory(role="consumer")
    _clone_test_database(test_database_url, private_postgres, "redress")
    server = stop_at_end(
        Server(env_for(private_postgres.url_for("redress"), None), tmp_path / "gunicorn.log")
    )
    api = {"X-Api-Key": platform_api_client.api_secret}
    pages = ["/merchants/?q=Sunny", f"/merchants/{merchant.public_id}/"]
    apis = ["/api/v1/health/", f"/api/v1/merchants/{merchant.public_id}/credit/"]
    # A signed-in page: its session, its user and the header's unread count are all read from
    # the database, before and while the page renders.
    session = _signed_in(server.base, consumer)
    signed_in_page = "/complaints/"
    for path in pages + apis:
        assert requests.get(server.base + path, headers=api, timeout=10).status_code == 200, path
    assert session.get(server.base + signed_in_page, timeout=10).status_code == 200

    answers: list = []
    targets = [("/", {}), *((p, {}) for p in pages), *((p, api) for p in apis)]
    load = [Load(server.base, targets, answers) for _ in range(THREADS)]
    for thread in load:
        thread.start()
    try:
        wait_until(lambda: len(answers) > 20, timeout=30, what="the load to run")
        private_postgres.stop()
        # Down: every request that needs the database is refused cleanly, every time.
        for path in pages:
            response = requests.get(server.base + path, timeout=10)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "30"
            assert "Redress is briefly unavailable" in response.text
        response = session.get(server.base + signed_in_page, timeout=10)
        assert response.status_code == 503
        assert "Redress is briefly unavailable" in response.text
        for path in apis:
            response = requests.get(server.base + path, headers=api, timeout=10)
            if path.endswith("/credit/") and response.status_code == 200:
                # A credit lookup needs no database while the worker still holds the key and
                # the merchant's id in memory (credit.cache, seconds) and Redis the credit.
                continue
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "30"
            assert response.json()["error"]["code"] == "service_unavailable"
        during = len(answers)
        wait_until(lambda: len(answers) > during + 20, timeout=30, what="load during the outage")
        private_postgres.start()
        # Back: the same server answers again, without being restarted.
        wait_until(
            lambda: all(
                requests.get(server.base + path, headers=api, timeout=10).status_code == 200
                for path in pages + apis
            ),
            timeout=30,
            what="the site to recover",
            log=server.log,
        )
        assert session.get(server.base + signed_in_page, timeout=10).status_code == 200
        after = len(answers)
        wait_until(lambda: len(answers) > after + 20, timeout=30, what="load after the restart")
    finally:
        for thread in load:
            thread.stopping.set()
        for thread in load:
            thread.join(timeout=15)

    statuses = {status for _, status, _, _ in answers}
    assert statuses <= {200, 503}, sorted(statuses, key=str)
    assert 503 in statuses
    assert not [body for _, _, body, _ in answers if "Traceback" in body]
    assert all(retry == "30" for _, status, _, retry in answers if status == 503)
    # The last round of every thread came after the recovery: all of it answered.
    assert all(status == 200 for _, status, _, _ in answers[-len(targets) :])
