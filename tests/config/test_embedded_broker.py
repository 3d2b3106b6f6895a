"""The embedded broker (kombu's filesystem transport) of `make run`: a task starts within a
fraction of a second, and enqueueing warns about nothing."""

from __future__ import annotations

import json

import pytest

from tests.config.test_settings import _manage

# The embedded default, whatever the test process itself runs on (Redis in CI).
EMBEDDED = ("REDIS_URL", "CELERY_BROKER_URL")

PRINT_BROKER = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS]))"
)


def _local(tmp_path, **env) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "REDRESS_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }


def _broker(env: dict) -> tuple[str, dict]:
    result = _manage("shell", "-c", PRINT_BROKER, env=env, unset=EMBEDDED)
    assert result.returncode == 0, result.stdout + result.stderr
    url, options = json.loads(result.stdout.strip().splitlines()[-1])
    return url, options


@pytest.mark.parametrize("given", [None, "filesystem://", "filesystem:///"])
def test_the_filesystem_broker_names_a_host_and_polls_ten_times_a_second(tmp_path, given):
    env = _local(tmp_path, **({"CELERY_BROKER_URL": given} if given else {}))

    url, options = _broker(env)

    # A host in the URL, so kombu has no "No hostname was supplied" to say.
    assert url == "filesystem://localhost/"
    # kombu's default is 1 s, and a worker that holds its one task (prefetch 1) sleeps that
    # long before it takes the next: one task a second.
    assert options["polling_interval"] == 0.1
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "celery/queue")


def test_redis_broker_has_no_polling_interval(tmp_path):
    # Redis pushes messages to the worker; nothing to poll. Nothing is connected to here.
    url, options = _broker(_local(tmp_path, REDIS_URL="redis://127.0.0.1:1/0"))

    assert url == "redis://127.0.0.1:1/0"
    assert options == {"visibility_timeout": 7 * 60 * 60}


ENQUEUE_TWICE = """
import io, logging, os, warnings
from django.conf import settings
from core.queue import enqueue_on_commit
from core.tasks import send_email
warnings.simplefilter("always")
captured = io.StringIO()
handler = logging.StreamHandler(captured)
handler.setLevel(logging.WARNING)
logging.getLogger().addHandler(handler)
with warnings.catch_warnings(record=True) as caught:
    for n in range(2):
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.test"])
queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
print("WARNINGS:", [str(w.message) for w in caught], repr(captured.getvalue()))
print("QUEUED:", len([f for f in os.listdir(queue) if f.endswith(".msg")]))
"""


def test_enqueueing_on_the_embedded_broker_warns_nothing(tmp_path):
    result = _manage("shell", "-c", ENQUEUE_TWICE, env=_local(tmp_path), unset=EMBEDDED)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No hostname" not in output
    assert "WARNINGS: [] ''" in result.stdout
    assert "QUEUED: 2" in result.stdout  # the messages did go to the folder
