"""make load: a bounded load run of mixed traffic against the site as it is deployed.

gunicorn with production settings (bench/load_settings.py), a Celery worker, PostgreSQL and
Redis; locust, headless, on loopback only, for at most 60 s: people browsing, consumers filing
complaints with evidence through the real form (CSRF and all), platforms calling the API with a
real key. Afterwards: no 5xx, and every complaint the load generator submitted is in the
database with its case opened by the worker. The figures go to bench/results/latest.json.

    LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/redress_load \\
    LOAD_REDIS_URL=redis://127.0.0.1:6379/13 uv run python -m bench.load

Nothing is dropped or flushed: the run migrates and seeds the database (idempotently) and
counts only the complaints it submitted itself.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "load"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

# Bounded: locust stops after RUN_SECONDS whatever happens (and lets a consumer finish the step
# it is in for at most STOP_TIMEOUT more seconds).
RUN_SECONDS = 45
STOP_TIMEOUT = 10
USERS = 12
SPAWN_RATE = 4
CONSUMER_ACCOUNTS = 20
EXTRA_MERCHANTS = 60
WEB_WORKERS = 3
CONSUMER_PASSWORD = "load-run-password-not-for-production"  # noqa: S105


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _environment() -> dict:
    database = os.environ.get(
        "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/redress_load"
    )
    redis = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
    if not database.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The load run needs PostgreSQL: set LOAD_DATABASE_URL=postgres://...")
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        DATABASE_URL=database,
        REDIS_URL=redis,
        SECRET_KEY=secrets.token_urlsafe(50),
        # Production requires a dossier signing key; a fresh one per run (nothing is kept).
        REDRESS_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
        ALLOWED_HOSTS=f"{HOST},localhost",
        REDRESS_VAR_DIR=str(VAR),
        STATIC_ROOT=str(VAR / "static"),
        PRIVATE_STORAGE_ROOT=str(VAR / "private"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # One key makes all the API traffic: its per-key limit is not what is measured here.
        CREDIT_API_RATE="1000000/minute",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def _ensure_database(url: str) -> None:
    """Create the database if it does not exist (never drops anything)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(env: dict) -> dict:
    """Migrate, collect static files, seed; returns the plan the load generator follows."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed_demo", force=True, verbosity=0)

    from accounts.models import User
    from credit.services import api_key_create
    from merchants.models import Merchant
    from merchants.services import merchant_create

    existing = Merchant.objects.filter(legal_name__startswith="Load Trading ").count()
    for index in range(existing, EXTRA_MERCHANTS):
        merchant_create(
            actor=None,
            data={
                "legal_name": f"Load Trading {index:03d} Co., Ltd.",
                "country": "CN",
                "roles": ["supplier"],
                "registration_number": f"91310000LOAD{index:05d}X",
                "registered_address": f"{index} Load Road, Shanghai",
                "responsible_person": "Li Load",
                "contact_email": f"load{index}@merchant.example",
            },
        )
    consumers = []
    for index in range(CONSUMER_ACCOUNTS):
        email = f"load-consumer-{index}@redress.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email,
            password=CONSUMER_PASSWORD,
            full_name=f"Load Consumer {index}",
            role=User.Role.CONSUMER,
            email_verified_at=timezone.now(),
        )
        consumers.append({"email": user.email, "password": CONSUMER_PASSWORD})
    client = User.objects.filter(email="load-platform@redress.test").first()
    if client is None:
        client = User.objects.create_user(
            email="load-platform@redress.test",
            password=secrets.token_urlsafe(20),
            full_name="Load Platform",
            role=User.Role.PLATFORM_CLIENT,
        )
    _key, secret = api_key_create(client=client, name="load run", created_by=None)
    merchants = list(
        Merchant.objects.exclude(registration_number="").values(
            "public_id", "country", "registration_number", "legal_name"
        )
    )
    for merchant in merchants:
        merchant["public_id"] = str(merchant["public_id"])
    return {
        "consumers": consumers,
        "api_key": secret,
        "merchants": merchants,
        "search_terms": ["Load", "Trading", "Sunny", "shop", "91310000", "代购", "Co"],
    }


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} never answered")


def _warm_up(base: str, plan: dict) -> None:
    """One request per kind of page on each web worker, so the figures are not first-request
    costs (imports, templates, connections)."""
    merchant = plan["merchants"][0]["public_id"]
    for _ in range(WEB_WORKERS):
        for path, headers in [
            ("/", {}),
            ("/merchants/?q=Load", {}),
            (f"/merchants/{merchant}/", {}),
            (f"/api/v1/merchants/{merchant}/credit/", {"X-Api-Key": plan["api_key"]}),
            ("/accounts/login/", {}),
        ]:
            request = urllib.request.Request(base + path, headers=headers)  # noqa: S310
            urllib.request.urlopen(request, timeout=60).close()  # noqa: S310


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _stats(prefix: Path) -> dict:
    """locust's per-request statistics (its --csv output), by request name."""
    rows = {}
    with (prefix.parent / f"{prefix.name}_stats.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            rows[row["Name"]] = row
    return rows


def main() -> int:
    from bench.results import Result, check, summary, write

    VAR.mkdir(parents=True, exist_ok=True)
    env = _environment()
    _ensure_database(env["DATABASE_URL"])
    plan = _prepare(env)
    plan_path, summary_path = VAR / "plan.json", VAR / "summary.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    summary_path.unlink(missing_ok=True)

    port = _free_port()
    base = f"http://{HOST}:{port}"
    web = _start(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--no-control-socket",
        ],
        env,
        VAR / "gunicorn.log",
    )
    worker = _start(
        [str(BIN / "celery"), "-A", "config", "worker", "--concurrency=1", "--loglevel=WARNING"],
        env,
        VAR / "worker.log",
    )
    try:
        _wait_for(f"{base}/api/v1/health/")
        _warm_up(base, plan)
        load_average = os.getloadavg()
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                f"{RUN_SECONDS}s",
                "--stop-timeout",
                str(STOP_TIMEOUT),
                "--csv",
                str(VAR / "locust"),
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env={
                **env,
                "REDRESS_LOAD_PLAN": str(plan_path),
                "REDRESS_LOAD_SUMMARY": str(summary_path),
            },
            check=True,
            timeout=RUN_SECONDS + STOP_TIMEOUT + 60,
        )
        elapsed = time.monotonic() - started
        run = json.loads(summary_path.read_text(encoding="utf-8"))
        submitted = run["submitted"]

        from complaints.models import Complaint
        from odr.models import Case

        saved = Complaint.objects.filter(
            public_id__in=submitted, status=Complaint.Status.SUBMITTED
        ).count()
        # The worker opens each complaint's case from the queue; give it a bounded moment.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            opened = Case.objects.filter(complaint__public_id__in=submitted).count()
            if opened == len(submitted):
                break
            time.sleep(1)
    finally:
        _stop(web)
        _stop(worker)

    stats = _stats(VAR / "locust")
    total = stats["Aggregated"]
    statuses = run["statuses"]
    server_errors = sum(n for s, n in statuses.items() if s.isdigit() and int(s) >= 500)
    other_failures = sum(n for s, n in statuses.items() if not s.isdigit() or int(s) >= 400)

    def result(name, value, unit, target, **detail):
        return Result(name, value, unit, target, check(value, target), detail)

    def p95(name):
        row = stats.get(name)
        return float(row["95%"]) if row and row["95%"] not in ("", "N/A") else None

    results = [
        result("load_server_errors", server_errors, "count", "== 0", statuses=statuses),
        result("load_failed_requests", other_failures, "count", "== 0"),
        result(
            "load_complaints_missing",
            len(submitted) - saved,
            "count",
            "== 0",
            submitted=len(submitted),
            in_database=saved,
        ),
        result("load_complaints_submitted", len(submitted), "count", ">= 1"),
        result("load_cases_not_opened", len(submitted) - opened, "count", "== 0"),
        result(
            "load_wizard_failures",
            len(run["visit_failures"]),
            "count",
            "== 0",
            first=run["visit_failures"][:3],
        ),
        result("load_requests", int(total["Request Count"]), "count", ">= 1"),
        # Offered, not capacity: the users' think time (between their requests) asks for about
        # 10 requests a second; a site that fell behind would serve far fewer.
        result(
            "load_requests_per_second",
            round(float(total["Requests/s"]), 1),
            "req/s",
            ">= 5",
            seconds=round(elapsed, 1),
        ),
        result("load_p95_all_ms", p95("Aggregated"), "ms", "<= 2000"),
        result("load_p95_merchant_page_ms", p95("merchant page"), "ms", "<= 1000"),
        result("load_p95_api_credit_ms", p95("api: credit"), "ms", "<= 500"),
        result("load_p95_wizard_submit_ms", p95("wizard: submit"), "ms", "<= 2000"),
    ]
    scale = (
        f"{USERS} users (browsing 5 : consumers 2 : platforms 2), {RUN_SECONDS} s, "
        f"{len(plan['merchants'])} merchants, {WEB_WORKERS} gunicorn workers + 1 Celery worker"
    )
    # The machine is shared (2 cores): its load when the run started says how to read the figures.
    path = write(
        results,
        scale=scale,
        suite="load",
        extra={"load_average_at_start": [round(x, 2) for x in load_average]},
    )
    print(summary(results))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    return 0 if all(r.passed is not False for r in results[:6]) else 1


if __name__ == "__main__":
    sys.exit(main())
