"""``manage.py signing_key new`` prints a new Ed25519 signing key (for REDRESS_SIGNING_KEY) and
its public key; ``manage.py signing_key show`` prints the id and public key of every key whose
signatures verify now (the current one first)."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from core import signatures


class Command(BaseCommand):
    help = "Make a new dossier signing key, or show the trusted public keys."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["new", "show"])

    def handle(self, *args, action, **options):
        if action == "new":
            key = Ed25519PrivateKey.generate()
            seed = key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            public = signatures.public_bytes(key.public_key())
            self.stdout.write(f"REDRESS_SIGNING_KEY={signatures.b64(seed)}")
            self.stdout.write(
                f"# public key {signatures.b64(public)} (id {signatures.key_id(public)}): after "
                "the next rotation, add it to REDRESS_SIGNING_OLD_PUBLIC_KEYS"
            )
            return
        for kid, public in signatures.public_keys():
            self.stdout.write(f"{kid} {public}")
