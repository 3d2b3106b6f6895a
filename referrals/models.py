"""Where a case that mediation cannot settle can go: consumer authorities, the European
Consumer Centres, econsumer.gov, consumer associations, ADR bodies and small-claims courts.

Every body is kept with its official website and the source of what is said about it; a contact,
cost or time limit nobody could cite stays empty, and the page links the official site instead.
Staff keep the list in the admin; the starter set is a data migration (0002).
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from complaints.models import Category


class BodyKind(models.TextChoices):
    CONSUMER_AUTHORITY = "consumer_authority", _("Consumer authority")
    ECC_NETWORK = "ecc_network", _("European Consumer Centre")
    INTERNATIONAL_PORTAL = "international_portal", _("International complaint portal")
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association or advice service")
    ADR_BODY = "adr_body", _("Alternative dispute resolution body")
    SMALL_CLAIMS = "small_claims", _("Small-claims procedure")
    INTERNET_COURT = "internet_court", _("Internet court")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEB_FORM = "web_form", _("Web form")
    POST = "post", _("Post")
    PHONE = "phone", _("Telephone")


def _listed(code: str) -> str:
    """A regular expression for one code in a comma-separated list (codes are [A-Za-z_])."""
    return rf"(^|,){re.escape(code)}(,|$)"


class ReferralBodyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def serving(self, country: str = "", category: str = "", trader_country: str = ""):
        """Bodies that take cases of consumers in ``country``, about traders in
        ``trader_country`` and of ``category`` (any may be empty: no filter)."""
        bodies = self
        if country:
            bodies = bodies.filter(
                models.Q(serves_all_countries=True) | models.Q(countries__regex=_listed(country))
            )
        if trader_country:
            bodies = bodies.filter(
                models.Q(serves_all_trader_countries=True)
                | models.Q(trader_countries__regex=_listed(trader_country))
            )
        if category:
            # No categories listed means every category.
            bodies = bodies.filter(
                models.Q(categories="") | models.Q(categories__regex=_listed(category))
            )
        return bodies


class ReferralBody(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name in Chinese"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind)
    serves_all_countries = models.BooleanField(
        _("serves consumers of every country"), default=False
    )
    countries = CountryField(_("countries served"), multiple=True, blank=True)
    # The traders it takes complaints about, by the trader's country.
    serves_all_trader_countries = models.BooleanField(
        _("takes complaints about traders of every country"), default=True
    )
    trader_countries = CountryField(_("traders' countries"), multiple=True, blank=True)
    cross_border_only = models.BooleanField(
        _("only cross-border cases"),
        default=False,
        help_text=_("It takes a case only when consumer and trader live in different countries."),
    )
    max_amount = models.DecimalField(
        _("highest claim it takes"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_amount_currency = models.CharField(
        _("currency of the highest claim"), max_length=3, blank=True
    )
    # Complaint categories (complaints.models.Category), comma-separated; empty: every category.
    categories = models.CharField(_("categories served"), max_length=500, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    # Channel values, comma-separated.
    channels = models.CharField(_("how it takes a case"), max_length=100, blank=True)
    # Empty unless the body publishes it: never guessed.
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("official website"), max_length=500)
    free_of_charge = models.BooleanField(_("free of charge for consumers"), default=False)
    cost = models.TextField(_("cost"), blank=True)
    time_limits = models.TextField(_("time limits"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source = models.URLField(_("source of these facts"), max_length=500)
    notes = models.TextField(_("notes"), blank=True)
    notes_zh = models.TextField(_("notes in Chinese"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReferralBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral body")
        verbose_name_plural = _("referral bodies")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if self.name_zh and (get_language() or "").startswith("zh"):
            return self.name_zh
        return self.name

    @property
    def display_notes(self) -> str:
        if self.notes_zh and (get_language() or "").startswith("zh"):
            return self.notes_zh
        return self.notes

    def serves_consumers_of(self, country: str) -> bool:
        return self.serves_all_countries or country in {str(c) for c in self.countries}

    def serves_traders_of(self, country: str) -> bool:
        return self.serves_all_trader_countries or country in {
            str(c) for c in self.trader_countries
        }

    def takes_category(self, category: str) -> bool:
        return not self.categories or category in self.categories.split(",")

    def channel_list(self) -> list[str]:
        return [c for c in self.channels.split(",") if c]

    def takes_email(self) -> bool:
        return Channel.EMAIL in self.channel_list() and bool(self.email)

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels[c]) for c in self.channels.split(",") if c in labels]

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels[c]) for c in self.categories.split(",") if c in labels]


def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _dossier_path(instance, filename: str) -> str:
    return f"dossiers/{instance.uid.hex}.pdf"


class SignedDossier(models.Model):
    """A dossier as Redress issued it: its canonical JSON (RFC 8785), that text's SHA-256,
    Redress's Ed25519 signature of it (core.signatures) and the PDF rendered from it. Anyone
    holding the PDF can check it on the verification page: by its number and hash, or by the
    file itself."""

    uid = models.UUIDField(_("dossier number"), unique=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("odr.Case", on_delete=models.PROTECT, related_name="signed_dossiers")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("language"), max_length=10)
    canonical_json = models.TextField(_("canonical JSON"))
    sha256 = models.CharField(_("SHA-256 of the canonical JSON"), max_length=64, db_index=True)
    key_id = models.CharField(_("signing key"), max_length=16)
    signature = models.CharField(_("signature"), max_length=100)
    pdf = models.FileField(storage=_private_storage, upload_to=_dossier_path, max_length=200)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    # Set when the consumer's data was erased: the text and the PDF are gone, the hashes and
    # the signature stay (a copy someone holds can still be recognised).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed dossier")
        verbose_name_plural = _("signed dossiers")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return str(self.uid)


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the body")
    DECIDED_FOR_CONSUMER = "decided_for_consumer", _("Decided for the consumer")
    DECIDED_AGAINST = "decided_against", _("Decided against the consumer")
    NO_ANSWER = "no_answer", _("No answer")


# The statuses that end a referral: nothing is asked of the consumer afterwards.
FINAL_STATUSES = frozenset(
    {ReferralStatus.DECIDED_FOR_CONSUMER, ReferralStatus.DECIDED_AGAINST, ReferralStatus.NO_ANSWER}
)


class Referral(models.Model):
    """A referred case sent on to one body: by which channel, when, with what, and what came
    of it."""

    case = models.ForeignKey("odr.Case", on_delete=models.PROTECT, related_name="referrals")
    body = models.ForeignKey(ReferralBody, on_delete=models.PROTECT, related_name="referrals")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    dossier = models.ForeignKey(
        SignedDossier, on_delete=models.PROTECT, related_name="referrals", null=True
    )
    covering_letter = models.TextField(_("covering letter"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("referred at"), default=timezone.now)
    # When Redress e-mailed the body (e-mail channel); None: the consumer submits it.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=ReferralStatus, default=ReferralStatus.SENT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # Why the mediator referred to a body that does not serve the consumer's or the trader's
    # country (empty when it does).
    mismatch_reason = models.TextField(_("reason for a body outside its countries"), blank=True)
    # The last time the consumer was asked what the body decided.
    reminded_at = models.DateTimeField(_("consumer last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "reminded_at"])]

    def __str__(self) -> str:
        return f"{self.case} → {self.body}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
