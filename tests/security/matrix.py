"""Every URL pattern of the site and what each role must get from it.

``url_patterns()`` walks the URL configuration (admin and the language-prefixed pages
included). ``SITE`` gives each non-admin pattern a concrete URL on the objects of
``tests.security.world`` and the expected answer per role, for GET and, where the view takes a
form, for POST; ``ADMIN_MODELS`` does the same for every model the admin registers (each gives
six patterns), ``ADMIN_OTHER`` for the rest of the admin. A pattern found in the URL
configuration and in none of them fails the coverage test: a new URL needs its row here.

Expected answers: a status code as a string, ``login`` (302 to the sign-in page with ``next``),
``admin-login`` (302 to the admin's sign-in page with ``next``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .world import ROLES, World

# --- the URL configuration -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # the full pattern, e.g. "complaints/<uuid:public_id>/"
    name: str | None
    callback: Callable
    i18n: bool  # under i18n_patterns: also served with the /zh-hans/ prefix


def url_patterns() -> list[Pattern]:
    def walk(patterns, prefix: str, i18n: bool):
        for p in patterns:
            if isinstance(p, URLResolver):
                in_i18n = i18n or isinstance(p.pattern, LocalePrefixPattern)
                # The language prefix is not part of the route (it is "" or "zh-hans/").
                own = "" if isinstance(p.pattern, LocalePrefixPattern) else str(p.pattern)
                yield from walk(p.url_patterns, prefix + own, in_i18n)
            elif isinstance(p, URLPattern):
                yield Pattern(prefix + str(p.pattern), p.name, p.callback, i18n)

    return list(walk(get_resolver().url_patterns, "", False))


# --- expectations ----------------------------------------------------------------------------

PEOPLE = ("consumer_a", "consumer_b", "respondent_rep", "other_rep", "mediator", "superuser")
# Pages know nothing of API keys: a request with a key and no session is a visitor.
VISITORS = ("anonymous", "platform_key", "revoked_key")
STAFF = ("mediator", "superuser")


def expect(default: str, **roles: str) -> dict[str, str]:
    """``default`` for every role but those named; ``visitors=``/``people=``/``staff=`` name
    those groups at once (a role named on its own wins over its group)."""
    groups = {"visitors": VISITORS, "people": PEOPLE, "staff": STAFF}
    table = dict.fromkeys(ROLES, default)
    for group, members in groups.items():
        if group in roles:
            table.update(dict.fromkeys(members, roles[group]))
    table.update({k: v for k, v in roles.items() if k not in groups})
    return table


# Signed-in pages of any account: visitors are sent to sign in.
SIGNED_IN = expect("200", visitors="login")
# A page of one object: its owner sees it, everyone else gets 404, visitors sign in first.
OWNER_ONLY = expect("404", visitors="login", consumer_a="200")
# A form that only takes POST: GET is 405 once signed in.
POST_ONLY_GET = expect("405", visitors="login")
# The platform API: a valid key, nothing else.
API = expect("401", platform_key="200")


@dataclass(frozen=True)
class Entry:
    url: Callable[[World], str]
    get: dict[str, str]
    post: dict[str, str] | None = None
    post_data: Callable[[World], dict] | None = None
    json: bool = False  # POST a JSON body (the API)


def _first_api_key() -> int:
    from credit.models import ApiKey

    return ApiKey.objects.order_by("pk").values_list("pk", flat=True)[0]


def _first_referral_body() -> int:
    from referrals.models import ReferralBody

    return ReferralBody.objects.order_by("pk").values_list("pk", flat=True)[0]


def _first_collective() -> int:
    from odr.models import CollectiveCase

    return CollectiveCase.objects.order_by("pk").values_list("pk", flat=True)[0]


def _r(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


SITE: dict[str, Entry] = {
    "i18n/setlang/": Entry(
        lambda w: reverse("set_language"),
        get=expect("302"),
        post=expect("302"),
        post_data=lambda w: {"language": "zh-hans", "next": "/"},
    ),
    "": Entry(_r("home"), get=expect("200")),
    # --- accounts
    "accounts/register/": Entry(
        _r("register"), get=expect("200"), post=expect("200"), post_data=lambda w: {}
    ),
    "accounts/register/done/": Entry(_r("register_done"), get=expect("200")),
    "accounts/verify/<uidb64>/<token>/": Entry(
        # A made-up token, for an account that exists and is confirmed: refused all the same.
        lambda w: reverse(
            "verify_email", args=[urlsafe_base64_encode(force_bytes(w.users["consumer_a"].pk)), "x"]
        ),
        get=expect("400"),
    ),
    "accounts/verify/resend/": Entry(
        _r("resend_verification"), get=expect("200"), post=expect("200"), post_data=lambda w: {}
    ),
    "accounts/login/": Entry(
        _r("login"),
        get=expect("302", visitors="200"),
        post=expect("302", visitors="200"),
        post_data=lambda w: {"username": "nobody@example.test", "password": "wrong"},
    ),
    "accounts/logout/": Entry(_r("logout"), get=expect("405"), post=expect("302")),
    # The code step after the password: without a sign-in under way it sends back to sign in.
    "accounts/login/code/": Entry(
        _r("login_verify"), get=expect("302"), post=expect("302"), post_data=lambda w: {"code": "1"}
    ),
    # Two-step verification: each account's own, no id in the URL (nobody in the world has an
    # app yet, so the actions on one send back to the overview).
    "accounts/two-step/": Entry(_r("two_factor"), get=SIGNED_IN),
    "accounts/two-step/set-up/": Entry(
        _r("two_factor_setup"), get=SIGNED_IN, post=SIGNED_IN, post_data=lambda w: {}
    ),
    "accounts/two-step/recovery-codes/": Entry(
        _r("two_factor_recovery_codes"), get=POST_ONLY_GET, post=expect("302", visitors="login")
    ),
    "accounts/two-step/turn-off/": Entry(
        _r("two_factor_disable"), get=POST_ONLY_GET, post=expect("302", visitors="login")
    ),
    "accounts/": Entry(_r("account"), get=SIGNED_IN),
    # Privacy rights: each account's own data, no id in the URL.
    "accounts/data/": Entry(
        _r("privacy:account_export"), get=POST_ONLY_GET, post=expect("200", visitors="login")
    ),
    "accounts/erase/": Entry(
        _r("privacy:account_erase"),
        get=SIGNED_IN,
        # Only consumers erase their account; the empty form is refused as incomplete.
        post=expect("404", visitors="login", consumer_a="400", consumer_b="400"),
        post_data=lambda w: {},
    ),
    "accounts/erased/": Entry(_r("privacy:account_erased"), get=expect("200")),
    "accounts/password/change/": Entry(
        _r("password_change"), get=SIGNED_IN, post=SIGNED_IN, post_data=lambda w: {}
    ),
    "accounts/password/change/done/": Entry(_r("password_change_done"), get=SIGNED_IN),
    "accounts/password/reset/": Entry(
        _r("password_reset"), get=expect("200"), post=expect("200"), post_data=lambda w: {}
    ),
    "accounts/password/reset/done/": Entry(_r("password_reset_done"), get=expect("200")),
    "accounts/password/reset/<uidb64>/<token>/": Entry(
        _r("password_reset_confirm", "MQ", "not-a-token"), get=expect("200")
    ),
    "accounts/password/reset/complete/": Entry(_r("password_reset_complete"), get=expect("200")),
    # --- complaints
    "complaints/": Entry(_r("complaints:mine"), get=SIGNED_IN),
    # The rights guides are public.
    "complaints/guides/": Entry(_r("complaints:guides"), get=expect("200")),
    "complaints/guides/<slug:category>/": Entry(
        _r("complaints:guide", "customs"), get=expect("200")
    ),
    # The referral directory is public; an unknown or inactive body is a 404.
    "referrals/": Entry(_r("referrals:list"), get=expect("200")),
    "referrals/<int:pk>/": Entry(
        lambda w: reverse("referrals:detail", args=[_first_referral_body()]), get=expect("200")
    ),
    # For platforms: the page is public; asking for access takes an account of its own (the
    # world's people have complaints, merchants or staff roles: refused, 400); only a platform
    # client's session manages keys (tests/credit/test_onboarding.py), to anyone else a 404.
    "platforms/": Entry(_r("platforms:home"), get=expect("200")),
    "platforms/request/": Entry(
        _r("platforms:request"),
        get=SIGNED_IN,
        post=expect("400", visitors="login"),
        post_data=lambda w: {},
    ),
    "platforms/keys/": Entry(
        _r("platforms:keys"),
        get=expect("404", visitors="login"),
        post=expect("404", visitors="login"),
        post_data=lambda w: {"name": "matrix"},
    ),
    "platforms/keys/<int:pk>/revoke/": Entry(
        lambda w: reverse("platforms:key_revoke", args=[_first_api_key()]),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login"),
        post_data=lambda w: {},
    ),
    "platforms/keys/<int:pk>/rotate/": Entry(
        lambda w: reverse("platforms:key_rotate", args=[_first_api_key()]),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login"),
        post_data=lambda w: {},
    ),
    "referrals/jurisdiction/": Entry(_r("referrals:jurisdiction"), get=expect("200")),
    # The public statistics (issue 17): aggregates only, for everyone.
    "statistics/": Entry(_r("transparency:statistics"), get=expect("200")),
    "referrals/verify/": Entry(
        _r("referrals:verify"),
        get=expect("200"),
        # Neither a number and hash nor a file: the form says what to give.
        post=expect("400"),
        post_data=lambda w: {},
    ),
    # The signed dossier and the referrals of a referred case: its consumer and staff.
    "referrals/dossiers/<uuid:uid>.pdf": Entry(
        lambda w: reverse("referrals:dossier_pdf", args=[w.extra["referral"].dossier.uid]),
        get=expect("404", visitors="login", consumer_a="200", staff="200"),
    ),
    "referrals/cases/<str:reference>/": Entry(
        lambda w: reverse("referrals:case", args=[w.extra["referral"].case.complaint.reference]),
        get=expect("404", visitors="login", consumer_a="200", staff="200"),
    ),
    "referrals/sent/<int:pk>/report/": Entry(
        lambda w: reverse("referrals:report", args=[w.extra["referral"].pk]),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login", consumer_a="302"),
        post_data=lambda w: {"status": "acknowledged"},
    ),
    "complaints/new/": Entry(
        _r("complaints:new"),
        get=expect("403", visitors="login", consumer_a="200", consumer_b="200"),
        post=expect("403", visitors="login", consumer_a="200", consumer_b="200"),
        post_data=lambda w: {},
    ),
    "complaints/merchant/": Entry(_r("complaints:merchant_list"), get=SIGNED_IN),
    "complaints/merchant/<uuid:public_id>/": Entry(
        _r("complaints:merchant_detail", lambda w: w.complaint.public_id),
        get=expect("404", visitors="login", respondent_rep="200"),
    ),
    "complaints/<uuid:public_id>/": Entry(
        _r("complaints:detail", lambda w: w.complaint.public_id), get=OWNER_ONLY
    ),
    "complaints/<uuid:public_id>/edit/<slug:step>/": Entry(
        _r("complaints:edit", lambda w: w.draft.public_id, "purchase"),
        # Who may not file complaints at all is told so (403) before any complaint is looked up.
        get=expect("403", visitors="login", consumer_a="200", consumer_b="404"),
        post=expect("403", visitors="login", consumer_a="200", consumer_b="404"),
        post_data=lambda w: {},
    ),
    "complaints/<uuid:public_id>/evidence/add/": Entry(
        _r("complaints:evidence_add", lambda w: w.complaint.public_id),
        get=POST_ONLY_GET,
        # The owner's empty submission is shown again with the form's error.
        post=expect("404", visitors="login", consumer_a="200"),
        post_data=lambda w: {},
    ),
    "complaints/<uuid:public_id>/evidence/<int:item_id>/": Entry(
        _r(
            "complaints:evidence_download", lambda w: w.complaint.public_id, lambda w: w.evidence.pk
        ),
        get=expect(
            "404",
            visitors="login",
            consumer_a="200",
            respondent_rep="200",
            mediator="200",
            superuser="200",
        ),
    ),
    "complaints/<uuid:public_id>/evidence/<int:item_id>/e-mail/": Entry(
        _r(
            "complaints:evidence_email",
            lambda w: w.complaint.public_id,
            lambda w: w.email_evidence.pk,
        ),
        get=expect(
            "404",
            visitors="login",
            consumer_a="200",
            respondent_rep="200",
            mediator="200",
            superuser="200",
        ),
    ),
    "complaints/<uuid:public_id>/evidence/<int:item_id>/remove/": Entry(
        _r(
            "complaints:evidence_remove",
            lambda w: w.draft.public_id,
            lambda w: w.draft_evidence.pk,
        ),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login", consumer_a="302"),
    ),
    # --- merchants
    "merchants/": Entry(_r("merchants:search"), get=expect("200"), post=expect("405")),
    # The open complaint data: public, read-only.
    "open-data/": Entry(_r("transparency:open_data"), get=expect("200"), post=expect("405")),
    "open-data/export.csv": Entry(
        _r("transparency:open_data_csv"), get=expect("200"), post=expect("405")
    ),
    "open-data/export.json": Entry(
        _r("transparency:open_data_json"), get=expect("200"), post=expect("405")
    ),
    "complaints/<uuid:public_id>/publication/": Entry(
        _r("complaints:publication", lambda w: w.complaint.public_id),
        get=POST_ONLY_GET,
        # The owner's choice (none: nothing published) is saved and the page shown again.
        post=expect("404", visitors="login", consumer_a="302"),
        post_data=lambda w: {},
    ),
    "merchants/mine/": Entry(_r("merchants:mine"), get=SIGNED_IN),
    "merchants/mine/<uuid:public_id>/propose/": Entry(
        _r("merchants:propose", lambda w: w.merchant.public_id),
        get=expect("404", visitors="login", respondent_rep="200"),
        post=expect("404", visitors="login", respondent_rep="200"),
        post_data=lambda w: {},
    ),
    "merchants/mine/<uuid:public_id>/documents/": Entry(
        _r("merchants:documents", lambda w: w.merchant.public_id),
        get=expect("404", visitors="login", respondent_rep="200"),
        post=expect("404", visitors="login", respondent_rep="200"),
        post_data=lambda w: {},
    ),
    "merchants/documents/<int:pk>/download/": Entry(
        _r("merchants:document_download", lambda w: w.document.pk),
        get=expect("404", staff="200"),
    ),
    "merchants/<uuid:public_id>/": Entry(
        _r("merchants:detail", lambda w: w.merchant.public_id), get=expect("200")
    ),
    # --- cases and notifications
    "cases/": Entry(_r("odr:case_list"), get=SIGNED_IN),
    "cases/<str:reference>/": Entry(
        _r("odr:case_detail", lambda w: w.complaint.reference),
        get=expect("404", visitors="login", consumer_a="200", respondent_rep="200"),
    ),
    "cases/<str:reference>/dossier/": Entry(
        _r("odr:dossier", lambda w: w.complaint.reference),
        get=expect("404", visitors="login", consumer_a="200", staff="200"),
    ),
    "cases/<str:reference>/dossier.json": Entry(
        _r("odr:dossier_json", lambda w: w.complaint.reference),
        get=expect("404", visitors="login", consumer_a="200", staff="200"),
    ),
    "cases/<str:reference>/act/<slug:action>/": Entry(
        _r("odr:case_action", lambda w: w.complaint.reference, "message"),
        get=POST_ONLY_GET,
        # An empty message: the parties get the page back with the error.
        post=expect("404", visitors="login", consumer_a="400", respondent_rep="400"),
        post_data=lambda w: {},
    ),
    "cases/<str:reference>/offers/<int:offer_id>/<slug:action>/": Entry(
        _r("odr:offer_action", lambda w: w.complaint.reference, lambda w: w.offer.pk, "withdraw"),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login", consumer_a="302", respondent_rep="302"),
        post_data=lambda w: {},
    ),
    "notifications/": Entry(_r("odr:notification_list"), get=SIGNED_IN),
    "notifications/read-all/": Entry(
        _r("odr:notification_read_all"), get=POST_ONLY_GET, post=expect("302", visitors="login")
    ),
    "notifications/<int:pk>/read/": Entry(
        _r("odr:notification_read", lambda w: w.notification.pk),
        get=POST_ONLY_GET,
        post=expect("404", visitors="login", consumer_a="302"),
    ),
    # --- the API: a key and nothing else; public pages check a key only when one is sent
    "api/schema/": Entry(_r("api-schema"), get=expect("200", revoked_key="401")),
    "api/docs/": Entry(_r("api-docs"), get=expect("200", revoked_key="401")),
    "api/v1/health/": Entry(_r("api:health"), get=expect("200")),
    "api/v1/merchants/": Entry(_r("api:merchant-list"), get=API),
    # The open complaint data: no key needed, whoever asks.
    "api/v1/open-complaints/": Entry(_r("api:open-complaint-list"), get=expect("200")),
    "api/v1/open-complaints/<uuid:public_id>/": Entry(
        _r("api:open-complaint-detail", lambda w: w.extra["open_entry"].public_id),
        get=expect("200"),
    ),
    "api/v1/merchants/<uuid:public_id>/": Entry(
        _r("api:merchants:merchant-detail", lambda w: w.merchant.public_id), get=API
    ),
    "api/v1/shops/": Entry(_r("api:merchants:shop-list"), get=API),
    "api/v1/shops/<int:pk>/": Entry(
        lambda w: reverse("api:merchants:shop-detail", args=[w.extra["shop"].pk]), get=API
    ),
    "api/v1/merchants/<uuid:public_id>/credit/": Entry(
        _r("api:merchant-credit", lambda w: w.merchant.public_id), get=API
    ),
    "api/v1/merchants/<uuid:public_id>/credit/history/": Entry(
        _r("api:merchant-credit-history", lambda w: w.merchant.public_id), get=API
    ),
    "api/v1/lookup/": Entry(
        lambda w: (
            reverse("api:lookup")
            + "?"
            + urlencode(
                {
                    "country": w.merchant.country.code,
                    "registration_number": w.merchant.registration_number,
                }
            )
        ),
        get=API,
    ),
    "api/v1/lookup/bulk/": Entry(
        _r("api:lookup-bulk"),
        get=expect("401", platform_key="405"),
        post=API,
        post_data=lambda w: {"merchants": [str(w.merchant.public_id)]},
        json=True,
    ),
    # Public: anyone holding a dossier may check it.
    "api/v1/dossiers/verify/": Entry(
        _r("api:dossier-verify"),
        get=expect("405"),
        post=expect("200"),
        post_data=lambda w: {
            "number": str(w.extra["referral"].dossier.uid),
            "sha256": w.extra["referral"].dossier.sha256,
        },
        json=True,
    ),
    "api/v1/dossiers/verify-file/": Entry(
        _r("api:dossier-verify-file"),
        get=expect("405"),
        post=expect("200"),
        post_data=lambda w: {"pdf_sha256": w.extra["referral"].dossier.pdf_sha256},
        json=True,
    ),
    "api/v1/^[\\s\\S]*$": Entry(lambda w: "/api/v1/no-such-endpoint/", get=expect("404")),
}

# --- the admin -------------------------------------------------------------------------------

# What staff may do with each model the admin shows: v(iew), a(dd), c(hange), d(elete).
# Mediators have the mediators group's permissions; the superuser has every permission, less
# what an admin class refuses to everyone (evidence, cases, versions are never edited).
ADMIN_MODELS: dict[str, dict[str, str]] = {
    "auth.group": {"mediator": "", "superuser": "vacd"},
    "axes.accessattempt": {"mediator": "", "superuser": "vcd"},
    "axes.accesslog": {"mediator": "", "superuser": "vcd"},
    "axes.accessfailurelog": {"mediator": "", "superuser": "vcd"},
    "accounts.user": {"mediator": "v", "superuser": "vacd"},
    "accounts.privacyrequest": {"mediator": "", "superuser": "v"},
    # Mediators keep the directory (view and change); a merchant's history is never erased, so
    # nobody deletes a merchant.
    "merchants.merchant": {"mediator": "vc", "superuser": "vac"},
    "merchants.disclosureproposal": {"mediator": "v", "superuser": "v"},
    "merchants.disclosureversion": {"mediator": "v", "superuser": "v"},
    "merchants.verificationdocument": {"mediator": "v", "superuser": "v"},
    "complaints.complaint": {"mediator": "v", "superuser": "vc"},
    "complaints.respondent": {"mediator": "vc", "superuser": "vc"},
    "complaints.evidenceitem": {"mediator": "v", "superuser": "v"},
    "odr.case": {"mediator": "v", "superuser": "v"},
    "odr.settlement": {"mediator": "v", "superuser": "v"},
    "odr.caserating": {"mediator": "v", "superuser": "v"},
    # Staff keep the referral directory; a body referrals point at is made inactive, never
    # deleted.
    "referrals.referralbody": {"mediator": "vac", "superuser": "vac"},
    # Referrals are made from a referred case and then only change status; signed dossiers
    # are never edited.
    "referrals.referral": {"mediator": "vac", "superuser": "vac"},
    # Collective cases are made from cases (an action, the suggestions), never added or
    # deleted; their title may be corrected.
    "odr.collectivecase": {"mediator": "vc", "superuser": "vc"},
    "referrals.signeddossier": {"mediator": "v", "superuser": "v"},
    # The shops nobody disclosed: a list to read (linking happens on the respondents' screen).
    "transparency.undisclosedshop": {"mediator": "v", "superuser": "v"},
    # Narratives are reviewed (changed while pending), never added or deleted.
    "transparency.narrativereview": {"mediator": "vc", "superuser": "vc"},
    "credit.apikey": {"mediator": "", "superuser": "va"},
    "credit.creditsnapshot": {"mediator": "v", "superuser": "v"},
    "credit.webhookendpoint": {"mediator": "", "superuser": "vacd"},
    # Administrators decide on platforms' requests for API access.
    "credit.platformaccessrequest": {"mediator": "", "superuser": "vc"},
    "credit.webhookdelivery": {"mediator": "", "superuser": "vd"},
}

# The six patterns the admin gives each model, and the right each needs.
ADMIN_MODEL_PAGES = {
    "": "v",
    "add/": "a",
    "<path:object_id>/history/": "v",
    "<path:object_id>/delete/": "d",
    "<path:object_id>/change/": "v",
    "<path:object_id>/": None,  # redirects to the change page
}


def admin_model_expectation(model: str, page: str) -> dict[str, str]:
    needed = ADMIN_MODEL_PAGES[page]
    table = expect("admin-login")
    for role in STAFF:
        rights = ADMIN_MODELS[model][role]
        if needed is None:
            table[role] = "302"
        elif needed == "v":
            # The change page shows read-only what may be viewed.
            table[role] = "200" if {"v", "c"} & set(rights) else "403"
        else:
            table[role] = "200" if needed in rights else "403"
    return table


def admin_model_url(model: str, page: str, w: World) -> str:
    app_label, model_name = model.split(".")
    base = f"/admin/{app_label}/{model_name}/"
    if "<path:object_id>" not in page:
        return base + page
    from django.apps import apps

    model_class = apps.get_model(app_label, model_name)
    obj = model_class.objects.order_by("pk").first()
    assert obj is not None, f"the world has no {model}"
    return base + page.replace("<path:object_id>", str(obj.pk))


STAFF_ONLY = expect("admin-login", staff="200")

ADMIN_OTHER: dict[str, Entry] = {
    "admin/": Entry(lambda w: "/admin/", get=STAFF_ONLY),
    "admin/login/": Entry(lambda w: "/admin/login/", get=expect("200", staff="302")),
    "admin/logout/": Entry(
        lambda w: "/admin/logout/", get=expect("302", staff="405"), post=expect("302")
    ),
    "admin/password_change/": Entry(lambda w: "/admin/password_change/", get=STAFF_ONLY),
    # A collective case referred together: mediators' form (an empty one is shown again).
    "admin/referrals/referral/collective/<int:collective_id>/": Entry(
        lambda w: f"/admin/referrals/referral/collective/{_first_collective()}/",
        get=expect("admin-login", staff="200"),
        post=expect("admin-login", staff="200"),
        post_data=lambda w: {},
    ),
    # The suggested collective cases: mediators' (staff without mediate_case get 403); a POST
    # naming no case is refused with a message and the list shown again.
    "admin/odr/collectivecase/suggestions/": Entry(
        lambda w: "/admin/odr/collectivecase/suggestions/",
        get=expect("admin-login", staff="200"),
        post=expect("admin-login", staff="200"),
        post_data=lambda w: {},
    ),
    "admin/password_change/done/": Entry(lambda w: "/admin/password_change/done/", get=STAFF_ONLY),
    # Without the parameters the admin's autocomplete widgets send, staff get 403 too.
    "admin/autocomplete/": Entry(
        lambda w: "/admin/autocomplete/", get=expect("admin-login", staff="403")
    ),
    "admin/jsi18n/": Entry(lambda w: "/admin/jsi18n/", get=STAFF_ONLY),
    "admin/r/<path:content_type_id>/<path:object_id>/": Entry(
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(w.merchant).pk}/{w.merchant.pk}/",
        get=expect("admin-login", staff="302"),
    ),
    (
        "admin/^(?P<app_label>auth|axes|accounts|merchants|complaints|odr|referrals|credit"
        "|transparency)/$"
    ): Entry(lambda w: "/admin/odr/", get=STAFF_ONLY),
    "admin/(?P<url>.*)$": Entry(
        lambda w: "/admin/no-such-page/", get=expect("admin-login", staff="404")
    ),
    "admin/accounts/user/<id>/password/": Entry(
        lambda w: f"/admin/accounts/user/{w.users['consumer_a'].pk}/password/",
        get=expect("admin-login", mediator="403", superuser="200"),
    ),
    "admin/odr/case/<path:object_id>/act/<slug:action>/": Entry(
        lambda w: f"/admin/odr/case/{w.case.pk}/act/message/", get=STAFF_ONLY
    ),
    "admin/odr/case/<path:object_id>/evidence/<int:evidence_id>/": Entry(
        lambda w: f"/admin/odr/case/{w.case.pk}/evidence/{w.evidence.pk}/", get=STAFF_ONLY
    ),
}


def admin_model_routes() -> dict[str, tuple[str, str]]:
    """route -> (model, page) for every model registered with the admin."""
    routes = {}
    for model in admin.site._registry:
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        for page in ADMIN_MODEL_PAGES:
            routes[f"admin/{model._meta.app_label}/{model._meta.model_name}/{page}"] = (key, page)
    return routes
