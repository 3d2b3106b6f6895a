"""Redress's own settings: every one the project defines (not Django's or a library's), each read
from the environment here and only here, with what it is, its unit and its default.

base.py imports this module; local.py, production.py and test.py may override a value after
that (they say so where they do). Code reads these as ``settings.NAME``: every one is always
defined, so no app repeats a default. The credit method's own numbers (half-life, minimum
sample) are not settings: they belong to the method version (credit.method).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .env import BASE_DIR, bool_var, env, int_var, url_var

# --- Files and addresses ------------------------------------------------------------------
# REDRESS_VAR_DIR (a folder; default ./var): where the embedded defaults keep their files (the
# SQLite database, the Celery queue folders, the file cache, uploads, collected static files).
VAR_DIR = Path(env.str("REDRESS_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# SITE_URL (an http(s) address, no trailing slash; default http://127.0.0.1:8000): the absolute
# base of links in e-mails and in API answers.
SITE_URL = url_var("SITE_URL", "http://127.0.0.1:8000")
# TRUSTED_PROXY_COUNT (a number of reverse proxies; default 0): behind that many proxies, the
# client address of every limit (sign-in lockouts, form rate limits, the API throttle) is read
# from X-Forwarded-For (core.clientip).
TRUSTED_PROXY_COUNT = int_var("TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- Sign-in (accounts) -------------------------------------------------------------------
# REDRESS_STAFF_OTP_REQUIRED (true/false; default true): staff must pass a second factor before
# any page (accounts.middleware). production.py forces it on; local.py reads the variable again
# with the default false and test.py turns it off, so the demo mediator of `make run` and the
# tests sign in with a password.
REDRESS_STAFF_OTP_REQUIRED = bool_var("REDRESS_STAFF_OTP_REQUIRED", True)

# --- Tamper evidence (core.integrity) -----------------------------------------------------
# REDRESS_INTEGRITY_CHECK_FILES (true/false; default true): every night the hash chains (case
# events, disclosure versions) are checked against their hashes and, unless this is false,
# every stored file too; breaks are logged as errors. The beat entry passes it to the task.
REDRESS_INTEGRITY_CHECK_FILES = bool_var("REDRESS_INTEGRITY_CHECK_FILES", True)

# --- Complaints ---------------------------------------------------------------------------
# Evidence limits, in bytes (1 MB = 1,000,000 bytes, as the refusal messages say):
# REDRESS_EVIDENCE_MAX_FILE_BYTES per file (default 10,000,000) and
# REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES per complaint (default 50,000,000).
REDRESS_EVIDENCE_MAX_FILE_BYTES = int_var("REDRESS_EVIDENCE_MAX_FILE_BYTES", 10_000_000, minimum=1)
REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES = int_var(
    "REDRESS_EVIDENCE_MAX_COMPLAINT_BYTES", 50_000_000, minimum=1
)
# Not read from the environment (bytes): no uploaded file is written to disk past this while it
# streams in: the largest per-file limit (evidence, or the 10 MB of merchants' documents). A
# larger file is refused by its size.
REDRESS_UPLOAD_MAX_BYTES = max(REDRESS_EVIDENCE_MAX_FILE_BYTES, 10_000_000)
# Complaint flooding (complaints.selectors.flood_hold_reason): the REDRESS_FLOOD_COMPLAINTS-th
# complaint (a count; default 3) from one account against one merchant within
# REDRESS_FLOOD_WINDOW_HOURS (hours; default 24) is held for screening, and so is any complaint
# beyond the first against one merchant from an account younger than
# REDRESS_FLOOD_NEW_ACCOUNT_HOURS (hours; default 48). A held complaint moves no credit until a
# mediator accepts it.
REDRESS_FLOOD_COMPLAINTS = int_var("REDRESS_FLOOD_COMPLAINTS", 3, minimum=1)
REDRESS_FLOOD_WINDOW_HOURS = int_var("REDRESS_FLOOD_WINDOW_HOURS", 24, minimum=1)
REDRESS_FLOOD_NEW_ACCOUNT_HOURS = int_var("REDRESS_FLOOD_NEW_ACCOUNT_HOURS", 48, minimum=0)
# REDRESS_MAX_COMPENSATION_MULTIPLE (a multiple of the amount paid; default 3): a refund is at
# most the amount paid; compensation (claimed, offered or settled) at most this many times it.
# A mediator may propose more, giving the reason (recorded in the case's events).
REDRESS_MAX_COMPENSATION_MULTIPLE = int_var("REDRESS_MAX_COMPENSATION_MULTIPLE", 3, minimum=1)

# --- Merchants ----------------------------------------------------------------------------
# REDRESS_VERIFICATION_VALID_DAYS (days; default 365): how long a verification of a merchant's
# disclosure stays valid before it must be renewed.
REDRESS_VERIFICATION_VALID_DAYS = int_var("REDRESS_VERIFICATION_VALID_DAYS", 365, minimum=1)

# --- Credit (platform API, caches, webhooks; docs/credit.md) ------------------------------
# CREDIT_API_RATE (requests per API key per period, e.g. 600/minute; s, min, hour, day also
# accepted; default 600/minute).
CREDIT_API_RATE = env.str("CREDIT_API_RATE", default="600/minute")
if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", CREDIT_API_RATE):
    raise ImproperlyConfigured(
        f"Environment variable CREDIT_API_RATE must look like 600/minute, not {CREDIT_API_RATE!r}."
    )
# CREDIT_API_MAX_AGE (seconds; default 300): how long platforms may reuse a credit response
# before revalidating it (ETag makes that cheap).
CREDIT_API_MAX_AGE = int_var("CREDIT_API_MAX_AGE", 300, minimum=0)
# CREDIT_API_KEY_CACHE_SECONDS (seconds; default 10): how long each web process keeps an API key
# in memory: revoking a key, disabling its account or changing its role takes effect in every
# process within this time (credit.cache).
CREDIT_API_KEY_CACHE_SECONDS = int_var("CREDIT_API_KEY_CACHE_SECONDS", 10)
# Not read from the environment:
# Seconds the cache keeps a merchant's current credit; recomputation deletes the entry, this is
# only a safety net.
CREDIT_CACHE_TIMEOUT = 60 * 60
# Each web process also remembers the current credits it read (credit.cache): a new snapshot is
# answered by every process within CREDIT_MEMORY_CHECK_SECONDS (seconds) of its commit, and
# nothing is remembered longer than CREDIT_MEMORY_SECONDS (seconds; the bound while Redis cannot
# be reached).
CREDIT_MEMORY_CHECK_SECONDS = 0.25
CREDIT_MEMORY_SECONDS = 60
# Seconds the cache keeps a merchant page's complaint figures (counts by category, resolution
# rate, median days, ratings: credit.cache.complaint_statistics). A new credit snapshot shows
# new figures at once; figures that change without moving the credit (a case accepted, a
# rating) are at most this old.
CREDIT_STATISTICS_CACHE_SECONDS = 300
# Seconds the mediators' desk may show counts of all open cases (open, unassigned, overdue,
# due soon, held, waiting on the consumer, by stage, the week's chart), the queue's number of
# matching cases and its list of merchant countries before counting again: each count reads
# every open case (hundreds of thousands at full scale). A mediator's own count is always live.
# 0: count on every page.
ODR_DESK_CACHE_SECONDS = int_var("ODR_DESK_CACHE_SECONDS", 30, minimum=0)
# Seconds the API's merchant directory may answer an old total ("count") for one search before
# counting again (every merchant, at full scale); its pages are always read fresh. 0: every time.
DIRECTORY_COUNT_CACHE_SECONDS = int_var("DIRECTORY_COUNT_CACHE_SECONDS", 60, minimum=0)
# Seconds the public statistics page (transparency.statistics.public_statistics) may show
# figures computed earlier for the same filters before counting again: each count reads every
# complaint of the period (a million at full scale). 0: count on every page.
TRANSPARENCY_STATISTICS_CACHE_SECONDS = int_var(
    "TRANSPARENCY_STATISTICS_CACHE_SECONDS", 600, minimum=0
)
# Webhook deliveries: seconds each request may take, and attempts in all.
CREDIT_WEBHOOK_TIMEOUT = 10
CREDIT_WEBHOOK_MAX_ATTEMPTS = 8
# Seconds before the second attempt; each later one waits twice as long, up to the maximum
# (seconds).
CREDIT_WEBHOOK_BACKOFF = 30
CREDIT_WEBHOOK_BACKOFF_MAX = 6 * 60 * 60

# --- odr (cases, deadlines, retention) ----------------------------------------------------
# Calendar days per stage (docs/design.md gives the sources), each from
# REDRESS_DEADLINE_<STAGE>_DAYS (days, at least 1): screening 2, the consumer's extra
# information 7, the merchant's first answer 10 (as the EU ODR platform gave traders),
# negotiation 30, mediation 45, paying a settlement 15. REDRESS_DEADLINES maps each stage to a
# timedelta.
_REDRESS_DEADLINE_DEFAULTS = {
    "screening": 2,
    "consumer_info": 7,
    "merchant_response": 10,
    "negotiation": 30,
    "mediation": 45,
    "fulfilment": 15,
}
REDRESS_DEADLINES = {
    _stage: timedelta(days=int_var(f"REDRESS_DEADLINE_{_stage.upper()}_DAYS", _days, minimum=1))
    for _stage, _days in _REDRESS_DEADLINE_DEFAULTS.items()
}
# Not read from the environment: reminders go out once, this long before a deadline, to whoever
# must act by then.
REDRESS_REMINDER_BEFORE = timedelta(hours=48)
# REDRESS_RETENTION_DAYS (days; default 1095): privacy: closed cases are pseudonymised this many
# days after they closed (their outcomes stay, so merchants' credit does not move). Three years
# by default: the general limitation period for civil claims in China (Civil Code art. 188) and
# within the range of EU states'. REDRESS_RETENTION is the same as a timedelta.
REDRESS_RETENTION_DAYS = int_var("REDRESS_RETENTION_DAYS", 3 * 365, minimum=1)
REDRESS_RETENTION = timedelta(days=REDRESS_RETENTION_DAYS)

# --- referrals (the signed dossier, referrals to outside bodies) ----------------------------
# REDRESS_SIGNING_KEY (the base64 of a 32-byte Ed25519 private key; default: on the embedded
# default a key generated once in var/signing/, in production required): signs the dossiers
# Redress issues (core.signatures). Make one with `python manage.py signing_key new`.
# REDRESS_SIGNING_OLD_PUBLIC_KEYS (comma-separated base64 Ed25519 public keys; default none):
# after a rotation, the public keys of the earlier signing keys, whose signatures stay valid.
REDRESS_SIGNING_KEY = env.str("REDRESS_SIGNING_KEY", default="")
REDRESS_SIGNING_OLD_PUBLIC_KEYS = [
    _key.strip()
    for _key in env.str("REDRESS_SIGNING_OLD_PUBLIC_KEYS", default="").split(",")
    if _key.strip()
]
# REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS (days; default 30): this long after a referral was
# sent, and again each time as long again, the consumer is asked what the body decided.
# Not read from the environment: the public dossier check (page-less API) takes this many
# requests per client address (referrals.api.VerifyRateThrottle); test.py raises it.
REDRESS_DOSSIER_VERIFY_RATE = "60/minute"
# The open complaint data (transparency, docs/transparency.md): a complaint whose consumer
# agreed is published once the merchant answered or this many days after the case was accepted
# (the US CFPB's complaint database waits 15 days).
TRANSPARENCY_PUBLISH_AFTER_DAYS = int_var("TRANSPARENCY_PUBLISH_AFTER_DAYS", 15, minimum=0)
# Seconds the open complaint data's page and API may show the number of entries matching a
# filter (counting them all joins every published complaint) before counting again; the entries
# shown are always read fresh.
TRANSPARENCY_COUNT_CACHE_SECONDS = int_var("TRANSPARENCY_COUNT_CACHE_SECONDS", 60, minimum=0)
# Not read from the environment: the open data's public API takes this many requests per client
# address (transparency.api.OpenDataRateThrottle); test.py raises it.
TRANSPARENCY_API_RATE = "60/minute"
REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS = int_var(
    "REDRESS_REFERRAL_OUTCOME_REMINDER_DAYS", 30, minimum=1
)
