"""Users: e-mail login, one role each, a preferred language for pages and e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(DjangoUserManager):
    """Django's manager without usernames: the e-mail address is the login."""

    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # The whole address, not only the domain as Django does: mail servers treat local parts
        # case-insensitively in practice, and people type their address in any case. Sign-up,
        # sign-in, password reset, the admin and uniqueness all go through here.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        # The sign-in lookup of every authentication path (site, admin, createsuperuser); by the
        # lower-cased address, which the case-insensitive unique index serves.
        return self.alias(email_lower=Lower("email")).get(
            email_lower=self.normalize_email(username)
        )

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.MEDIATOR)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        MERCHANT_REP = "merchant_rep", _("Merchant representative")
        MEDIATOR = "mediator", _("Mediator")
        PLATFORM_CLIENT = "platform_client", _("Platform client")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.CONSUMER)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # Set when the account's personal data were erased at its owner's request: the row stays
    # (cases, evidence and events point to it) but says nothing about the person any more.
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["role"])]
        constraints = [
            # One account per address whatever its case (the manager stores it lower-cased;
            # this also holds for rows written around it).
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_mediator(self) -> bool:
        return self.role == self.Role.MEDIATOR and self.is_staff

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class PrivacyRequest(models.Model):
    """The audit trail of a person's data rights: each download of their data and each request
    to erase it, with when it was asked, when it was done and what it did (counts, never the
    personal data themselves)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Download of the account's data")
        ERASURE = "erasure", _("Erasure of the account's personal data")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="privacy_requests")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PENDING)
    requested_at = models.DateTimeField(_("requested at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # What was done or why it was refused: counts and case references only.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["user", "kind", "state"])]
        constraints = [
            # One erasure in progress or done per account: asking twice is the same request.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(kind="erasure", state__in=["pending", "done"]),
                name="privacy_one_erasure_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user_id} · {self.get_state_display()}"
