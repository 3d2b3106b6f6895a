"""Pages at scale: median time and SQL queries of each page, in this process's database.

Run twice per benchmark, in separate processes: on a database of ten rows (``--build rows10``
builds it first) and on the full dataset. The query count of a page must be the same in both,
whatever the number of rows behind it.

    python -m bench.pages [--build rows10] --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

REPEAT = 15
WARM_UP = 3


def _subjects():
    from accounts.models import User
    from complaints.models import Respondent
    from merchants.models import Merchant

    from .api import platform_key
    from .dataset import BENCH_CONSUMER_EMAIL, BENCH_MEDIATOR_EMAIL

    consumer = User.objects.get(email=BENCH_CONSUMER_EMAIL)
    mediator = User.objects.get(email=BENCH_MEDIATOR_EMAIL)
    # The merchant with the most complaints (it also has the most shops, links and versions).
    busiest = (
        Respondent.objects.filter(merchant__roles__role__in=["supplier", "agent_spot"])
        .values("merchant_id")
        .order_by()
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    merchant = Merchant.objects.get(pk=busiest["merchant_id"])
    return consumer, mediator, merchant, platform_key()


def _consumer_case(consumer):
    """The bench consumer's case with the longest history, an open one first (the page then
    shows its forms too): the case page at its fullest."""
    from django.db.models import F

    from odr.models import Case

    return (
        Case.objects.filter(complaint__consumer=consumer)
        .select_related("complaint")
        .annotate(n=Count("events"))
        .order_by(F("closed_at").desc(nulls_first=True), "-n", "pk")
        .first()
    )


def _verify_second_factor(client, user) -> None:
    """Production settings require staff to pass the second factor before the admin: mark the
    session verified with a confirmed authenticator, as django-otp's login does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _clients():
    consumer, mediator, merchant, secret = _subjects()
    consumer_client, mediator_client, anonymous = Client(), Client(), Client()
    consumer_client.force_login(consumer)
    mediator_client.force_login(mediator)
    _verify_second_factor(mediator_client, mediator)
    api = Client(headers={"X-Api-Key": secret})
    return consumer, merchant, consumer_client, mediator_client, anonymous, api


def measure(log=print) -> dict:
    from complaints.models import Complaint, Respondent
    from merchants.models import Merchant
    from odr.models import Case
    from transparency.models import OpenComplaint

    consumer, merchant, consumer_client, mediator_client, anonymous, api = _clients()
    case = _consumer_case(consumer)
    pages = {
        "case_page": (
            consumer_client,
            f"/cases/{case.complaint.reference}/",
            case.events.count(),
        ),
        "my_complaints": (
            consumer_client,
            "/complaints/",
            min(20, Complaint.objects.filter(consumer=consumer).count()),
        ),
        "merchant_page": (
            anonymous,
            f"/merchants/{merchant.public_id}/",
            min(20, merchant.shops.count()),
        ),
        "admin_case_queue": (mediator_client, "/admin/odr/case/", min(50, Case.objects.count())),
        "api_merchant_list": (api, "/api/v1/merchants/", min(25, Merchant.objects.count())),
        # The public statistics of the last 12 months (issue 17): twelve months shown, every
        # complaint behind them. Its figures are kept for TRANSPARENCY_STATISTICS_CACHE_SECONDS,
        # so after the warm-up this measures the page as visitors get it; set it to 0 in the
        # environment to measure the counting itself.
        "statistics": (anonymous, "/statistics/", 12),
        # The open complaint data (issue 17): the newest 50 of every published complaint, one
        # filtered by category, and the same through the public API.
        "open_data": (anonymous, "/open-data/", 50),
        "open_data_filtered": (anonymous, "/open-data/?category=customs&merchant_country=CN", 50),
        "api_open_data": (anonymous, "/api/v1/open-complaints/", 50),
        # A directory search for a seller nobody disclosed: the warning's two queries over the
        # unlinked respondents.
        "directory_miss": (anonymous, "/merchants/?q=Overseas+supplier+7", 1),
    }
    figures = {}
    for name, (client, url, rows) in pages.items():
        for _ in range(WARM_UP):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        times, counts = [], []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries.captured_queries))
        figures[name] = {
            "url": url,
            "rows": rows,
            "median_ms": round(statistics.median(times), 2),
            "queries": max(counts),
            "status": response.status_code,
            "total_rows": {
                "case_page": case.events.count(),
                "my_complaints": Complaint.objects.filter(consumer=consumer).count(),
                "merchant_page": merchant.shops.count(),
                "admin_case_queue": Case.objects.count(),
                "api_merchant_list": Merchant.objects.count(),
                "statistics": Complaint.objects.count(),
                "open_data": OpenComplaint.objects.count(),
                "open_data_filtered": OpenComplaint.objects.count(),
                "api_open_data": OpenComplaint.objects.count(),
                "directory_miss": Respondent.objects.filter(merchant__isnull=True).count(),
            }[name],
        }
        log(
            f"  {name:<20} {figures[name]['median_ms']:8.2f} ms  {max(counts):>3} queries "
            f"({rows} rows shown of {figures[name]['total_rows']:,})"
        )
    return figures


def _headers(client) -> dict[str, str]:
    """The request headers that make wrk's requests those of ``client``: its session cookie
    (the session lives in the database and cache gunicorn shares) or its API key."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    if "HTTP_X_API_KEY" in client.defaults:
        return {"X-Api-Key": client.defaults["HTTP_X_API_KEY"]}
    if name in client.cookies:
        return {"Cookie": f"{name}={client.cookies[name].value}"}
    return {}


def under_wrk(figures: dict, *, seconds: int, log=print) -> None:
    """Each page under gunicorn (sync workers, one per core) and ``wrk`` with one connection
    per worker, so a request's latency is its own work and not a queue: p50 and p99 added to
    ``figures``."""
    from config import gunicorn as gunicorn_conf

    from . import servers, wrk

    _, _, consumer_client, mediator_client, anonymous, api_client = _clients()
    clients = {
        "case_page": consumer_client,
        "my_complaints": consumer_client,
        "merchant_page": anonymous,
        "admin_case_queue": mediator_client,
        "api_merchant_list": api_client,
        "statistics": anonymous,
        "open_data": anonymous,
        "open_data_filtered": anonymous,
        "api_open_data": anonymous,
        "directory_miss": anonymous,
    }
    web = servers.Gunicorn(workers=gunicorn_conf.workers, name="gunicorn-pages")
    try:
        for name, page in figures.items():
            options = {
                "connections": web.workers,
                "threads": web.workers,
                "headers": _headers(clients[name]),
            }
            wrk.run(f"{web.base_url}{page['url']}", seconds=2, **options)
            run = wrk.run(f"{web.base_url}{page['url']}", seconds=seconds, **options)
            if run["non_2xx"] or run["socket_errors"]:
                raise RuntimeError(f"{page['url']} under wrk: {run}")
            page["wrk"] = {
                "p50_ms": run["p50_ms"],
                "p90_ms": run["p90_ms"],
                "p99_ms": run["p99_ms"],
                "requests_per_second": round(run["requests_per_second"], 1),
                "requests": run["requests"],
                "connections": web.workers,
                "seconds": seconds,
            }
            log(
                f"  {name:<20} wrk p50 {run['p50_ms']:7.2f} ms  p99 {run['p99_ms']:7.2f} ms "
                f"({run['requests']} requests)"
            )
    finally:
        web.stop()


def main(argv: list[str] | None = None) -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--build", choices=["rows10"])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--wrk", type=int, default=0, help="seconds of wrk per page (0: none)")
    args = parser.parse_args(argv)
    django.setup()

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.build:
        from django.db import transaction
        from django.utils import timezone

        from .dataset import SCALES, build, vacuum_analyze

        with transaction.atomic():
            build(SCALES[args.build], now=timezone.now(), log=log)
        vacuum_analyze(log=log)
        from credit.services import credit_recompute

        credit_recompute()
    figures = measure(log)
    if args.wrk:
        under_wrk(figures, seconds=args.wrk, log=log)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
