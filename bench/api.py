"""The platform API under load: wrk against gunicorn (bench settings) on loopback, each figure
beside the bare DRF endpoint served by the same gunicorn in the same run."""

from __future__ import annotations

from pathlib import Path

from accounts.models import User
from credit.models import CreditSnapshot
from credit.services import api_key_create

from . import wrk
from .results import Result, check

LUA = Path(__file__).resolve().parent / "lua"
CONNECTIONS = 16
THREADS = 2
WARM_UP_SECONDS = 12
# Merchants the lookups draw from: enough that most requests are for a merchant not asked for
# in the last second, as at a marketplace's checkout.
SAMPLE_MERCHANTS = 2000


def platform_key() -> str:
    """A platform client with a real API key; returns the key's secret."""
    client, _ = User.objects.get_or_create(
        email="bench-platform@redress.test",
        defaults={"full_name": "Bench platform", "role": User.Role.PLATFORM_CLIENT},
    )
    _, secret = api_key_create(client=client, name="bench", created_by=None)
    return secret


def sample_merchants(limit: int = SAMPLE_MERCHANTS) -> list[str]:
    """Public ids of merchants with a current snapshot, spread over the id range."""
    return [
        str(pk)
        for pk in CreditSnapshot.objects.filter(is_current=True)
        .order_by("?")
        .values_list("merchant__public_id", flat=True)[:limit]
    ]


def _figures(run: dict) -> dict:
    return {
        "requests_per_second": round(run["requests_per_second"], 1),
        "p50_ms": run["p50_ms"],
        "p90_ms": run["p90_ms"],
        "p99_ms": run["p99_ms"],
        "requests": run["requests"],
        "non_2xx": run["non_2xx"],
        "socket_errors": run["socket_errors"],
    }


def measure(server, *, seconds: int, secret: str, merchants: list[str], log) -> list[Result]:
    env = {"BENCH_API_KEY": secret, "BENCH_MERCHANTS": ",".join(merchants)}
    credit = {"script": str(LUA / "credit.lua"), "env": env}
    bulk = {"script": str(LUA / "bulk.lua"), "env": env}
    common = {"connections": CONNECTIONS, "threads": THREADS}

    def load(path: str, duration: int, **options) -> dict:
        return wrk.run(f"{server.base_url}{path}", seconds=duration, **common, **options)

    # Warm up: every worker has imported everything, opened its connections and (for the
    # credit lookups) seen nearly every merchant drawn from once, as the workers of a running
    # site have seen the merchants asked about: 12 s are about 7,000 lookups per worker for
    # 2,000 merchants (3 s, as before, left half of them to be read from PostgreSQL during the
    # measurement).
    load("/bench/bare/", 2)
    load("/api/v1/", WARM_UP_SECONDS, **credit)
    load("/api/v1/", 2, **bulk)

    bare = load("/bench/bare/", seconds)
    log(_line("bare DRF endpoint", bare))
    lookup = load("/api/v1/", seconds, **credit)
    log(_line("credit lookup", lookup))
    # A platform's bulk call on its own (one request per worker at a time: its latency is the
    # work of 100 lookups, not the queue in front of it), then under the same 16 connections.
    bulk_run = wrk.run(
        f"{server.base_url}/api/v1/",
        seconds=seconds,
        connections=server.workers,
        threads=server.workers,
        **bulk,
    )
    log(_line(f"bulk of 100, {server.workers} conn.", bulk_run))
    bulk_loaded = load("/api/v1/", seconds, **bulk)
    log(_line("bulk of 100, 16 conn.", bulk_loaded))

    setup = {
        "connections": CONNECTIONS,
        "threads": THREADS,
        "seconds": seconds,
        "gunicorn_workers": server.workers,
        "merchants_drawn_from": len(merchants),
    }
    ratio = lookup["requests_per_second"] / bare["requests_per_second"]
    failed = lookup["non_2xx"] + lookup["socket_errors"]
    return [
        Result(
            "credit_lookup_vs_bare_drf",
            round(ratio, 3),
            "ratio",
            ">= 0.6",
            check(ratio, ">= 0.6") and not failed,
            {**setup, "credit_lookup": _figures(lookup), "bare_drf": _figures(bare)},
        ),
        Result(
            "credit_lookup_p99",
            lookup["p99_ms"],
            "ms",
            "<= 15",
            check(lookup["p99_ms"], "<= 15") and not failed,
            {**setup, "p50_ms": lookup["p50_ms"], "bare_drf_p99_ms": bare["p99_ms"]},
        ),
        Result(
            "bulk_lookup_100_p50",
            bulk_run["p50_ms"],
            "ms",
            "<= 50",
            check(bulk_run["p50_ms"], "<= 50")
            and not (bulk_run["non_2xx"] + bulk_run["socket_errors"]),
            {
                **setup,
                "connections": server.workers,
                "threads": server.workers,
                "bulk_lookup": _figures(bulk_run),
                "bare_drf_p50_ms": bare["p50_ms"],
            },
        ),
        Result(
            "bulk_lookup_100_p50_16_connections",
            bulk_loaded["p50_ms"],
            "ms",
            "n/a",
            None,
            {**setup, "bulk_lookup": _figures(bulk_loaded)},
        ),
    ]


def _line(label: str, run: dict) -> str:
    def ms(value):
        return "     -" if value is None else f"{value:6.2f}"

    return (
        f"  {label:<22} {run['requests_per_second']:>8.1f} req/s  p50 {ms(run['p50_ms'])} ms"
        f"  p99 {ms(run['p99_ms'])} ms  errors {run['non_2xx'] + run['socket_errors']}"
    )
