"""The load run's traffic (locust, started by bench/load.py): people browsing, consumers filing
complaints with evidence through the real form, platforms looking merchants up over the API.

The plan (accounts, API key, merchants) comes from REDRESS_LOAD_PLAN; what the run did (answers
by status, the complaints it submitted) goes to REDRESS_LOAD_SUMMARY when locust quits.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from collections import Counter
from pathlib import Path

from locust import HttpUser, between, events, task

from bench.visitor import VisitFailed, file_complaint, png, sign_in

PLAN = json.loads(Path(os.environ["REDRESS_LOAD_PLAN"]).read_text(encoding="utf-8"))
EVIDENCE = png(64, 48)
ACCOUNTS = itertools.cycle(PLAN["consumers"])
SUMMARY: dict = {"statuses": Counter(), "submitted": [], "visit_failures": []}


@events.request.add_listener
def _count(response=None, exception=None, **_kwargs):
    status = getattr(response, "status_code", None)
    SUMMARY["statuses"][str(status) if status else f"error: {type(exception).__name__}"] += 1


@events.quitting.add_listener
def _write_summary(**_kwargs):
    Path(os.environ["REDRESS_LOAD_SUMMARY"]).write_text(
        json.dumps(SUMMARY, indent=2), encoding="utf-8"
    )


class Browsing(HttpUser):
    """Someone looking merchants up before buying."""

    weight = 5
    wait_time = between(0.5, 2)

    @task(2)
    def home(self):
        self.client.get(random.choice(["/", "/zh-hans/"]), name="home")

    @task(3)
    def search(self):
        term = random.choice(PLAN["search_terms"])
        self.client.get("/merchants/", params={"q": term}, name="merchant search")

    @task(4)
    def merchant_page(self):
        merchant = random.choice(PLAN["merchants"])
        self.client.get(f"/merchants/{merchant['public_id']}/", name="merchant page")


class Consumer(HttpUser):
    """A consumer who signs in and files complaints, evidence attached."""

    weight = 2
    wait_time = between(1, 3)

    def _send(self, method, path, label, **kwargs):
        return self.client.request(method, path, name=label, **kwargs)

    def on_start(self):
        account = next(ACCOUNTS)
        sign_in(self._send, account["email"], account["password"])

    @task(3)
    def file(self):
        try:
            public_id = file_complaint(
                self._send, order_number=f"LOAD-{uuid.uuid4().hex[:12]}", evidence=EVIDENCE
            )
        except VisitFailed as failure:
            SUMMARY["visit_failures"].append(str(failure))
        else:
            SUMMARY["submitted"].append(public_id)

    @task(1)
    def my_complaints(self):
        self.client.get("/complaints/", name="my complaints")


class Platform(HttpUser):
    """A marketplace checking merchants before it lets them sell."""

    weight = 2
    wait_time = between(0.2, 1)

    def on_start(self):
        self.client.headers["X-Api-Key"] = PLAN["api_key"]

    @task(3)
    def credit(self):
        merchant = random.choice(PLAN["merchants"])
        self.client.get(f"/api/v1/merchants/{merchant['public_id']}/credit/", name="api: credit")

    @task(2)
    def lookup(self):
        merchant = random.choice(PLAN["merchants"])
        self.client.get(
            "/api/v1/lookup/",
            params={
                "country": merchant["country"],
                "registration_number": merchant["registration_number"],
            },
            name="api: lookup",
        )

    @task(1)
    def bulk(self):
        merchants = random.sample(PLAN["merchants"], min(10, len(PLAN["merchants"])))
        self.client.post(
            "/api/v1/lookup/bulk/",
            json={"merchants": [m["public_id"] for m in merchants]},
            name="api: bulk lookup",
        )
