"""Signed, expiring links for e-mail verification (Django's password-reset token machinery)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "redress.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Verifying (or changing the address) changes the hash, so a link works only once.
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
