"""A person's way through the site over HTTP: signing in and filing a complaint through the real
six-step form, CSRF token and all. Shared by the load run (locust) and the fault tests (requests).

Every function takes ``send(method, path, label, **kwargs) -> response`` (a requests-style
response): the load run names each request by its ``label`` in its statistics, a test just
sends it. Redirects are followed, as a browser does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

Send = Callable[..., object]

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_COMPLAINT = re.compile(r"/complaints/([0-9a-f-]{36})/")


class VisitFailed(AssertionError):
    """A step did not end where a person would have been taken."""


def _csrf(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise VisitFailed("no CSRF token on the page")
    return match.group(1)


def _expect(response, status: int, where: str):
    if response.status_code != status:
        raise VisitFailed(f"{where}: HTTP {response.status_code} at {response.url}")
    return response


def sign_in(send: Send, email: str, password: str) -> None:
    page = _expect(send("GET", "/accounts/login/", "sign in"), 200, "sign-in page")
    done = send(
        "POST",
        "/accounts/login/",
        "sign in",
        data={"username": email, "password": password, "csrfmiddlewaretoken": _csrf(page.text)},
    )
    if "/accounts/login/" in done.url:
        raise VisitFailed(f"sign-in refused for {email}")


def png(width: int = 24, height: int = 16) -> bytes:
    """A small real PNG (the site reads the type from the content)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "steelblue").save(out, format="PNG")
    return out.getvalue()


def file_complaint(send: Send, *, order_number: str, evidence: bytes) -> str:
    """All six steps of /complaints/new/, signed in as a consumer; the complaint's public id."""
    page = _expect(send("GET", "/complaints/new/", "wizard: start"), 200, "first step")
    token = _FORM_TOKEN.search(page.text).group(1)
    page = _expect(
        send(
            "POST",
            "/complaints/new/",
            "wizard: purchase",
            data={
                "csrfmiddlewaretoken": _csrf(page.text),
                "token": token,
                "purchase_mode": "marketplace",
                "shop_url": "https://mall.example.test/shop/42",
                "shop_name": "Sunny Trading",
                "platform_name": "Example Mall",
                "agent_name": "",
                "order_number": order_number,
                "order_date": "2026-10-02",
                "item_description": "Leather handbag",
                "amount": "1299.00",
                "currency": "CNY",
                "payment_method": "alipay",
                "consumer_country": "CN",
                "delivery": "delivered",
                "delivery_date": "2026-10-09",
                "seller_informed": "yes",
                "goods_exception": "none",
            },
        ),
        200,
        "purchase step",
    )
    match = _COMPLAINT.search(page.url)
    if not match or "/edit/problem/" not in page.url:
        raise VisitFailed(f"the purchase step did not lead to the next one ({page.url})")
    public_id = match.group(1)
    edit = f"/complaints/{public_id}/edit"
    steps = [
        (
            "problem",
            {"category": "not_as_described", "description": "The bag is a counterfeit."},
            {},
        ),
        ("remedy", {"remedy": "refund", "remedy_amount": "", "remedy_details": ""}, {}),
        (
            "respondents",
            {
                "action": "continue",
                "seller_name": "Sunny Trading",
                "seller_url": "https://mall.example.test/shop/42",
                "platform_name": "Example Mall",
                "platform_url": "https://mall.example.test/",
            },
            {},
        ),
        (
            "evidence",
            {"action": "continue", "statement": "The seller stopped answering."},
            {"files": ("receipt.png", evidence, "image/png")},
        ),
    ]
    for step, data, files in steps:
        page = send(
            "POST",
            f"{edit}/{step}/",
            f"wizard: {step}",
            data={"csrfmiddlewaretoken": _csrf(page.text), **data},
            files=files or None,
        )
        _expect(page, 200, f"{step} step")
        if f"/edit/{step}/" in page.url:
            raise VisitFailed(f"the {step} step was not accepted")
    page = send(
        "POST",
        f"{edit}/review/",
        "wizard: submit",
        data={"csrfmiddlewaretoken": _csrf(page.text), "consent": "on"},
    )
    _expect(page, 200, "submission")
    if not page.url.rstrip("/").endswith(public_id):
        raise VisitFailed(f"the submission did not lead to the complaint ({page.url})")
    return public_id
