"""Fixtures of the fault tests: private servers started and stopped by the test itself."""

from __future__ import annotations

import pytest
from django.db import connection

from .processes import PrivatePostgres, PrivateRedis, process_env, require


@pytest.fixture
def test_database_url(transactional_db) -> str:
    """The URL of the test database, for processes that must see what the test commits.
    Those processes share it with the test, so it must be a server: PostgreSQL."""
    require(
        connection.vendor == "postgresql",
        "the fault tests need the test database on PostgreSQL (set DATABASE_URL)",
    )
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return (
        f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
        f"{s['NAME']}"
    )


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


@pytest.fixture
def private_postgres():
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def env_for(tmp_path, mail_dir):
    """``env_for(database_url, redis_url)``: the environment of a process a test starts."""

    def build(database_url: str, redis_url: str | None) -> dict:
        env = process_env(database_url=database_url, redis_url=redis_url, mail_dir=mail_dir)
        env["TEST_PRIVATE_STORAGE_ROOT"] = str(tmp_path / "private")
        return env

    return build


@pytest.fixture
def stop_at_end():
    """``stop_at_end(process)``: stop a started server or worker when the test ends, however
    it ends."""
    started = []
    yield lambda process: started.append(process) or process
    for process in reversed(started):
        process.stop()
