"""Ed25519 signatures of what Redress issues (the signed dossier), with the ``cryptography``
package.

The signing key comes from ``REDRESS_SIGNING_KEY`` (config/settings/redress.py): the base64 of
the 32-byte Ed25519 private key (its seed). On the embedded default, when the variable is not
set, a key is generated once under ``var/`` and kept there; production refuses to start without
the variable. Rotation: set a new key and add the old key's public key to
``REDRESS_SIGNING_OLD_PUBLIC_KEYS``: signatures made with it stay verifiable.

A key is named by its id: the first 16 hex digits of the SHA-256 of its 32-byte public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_RAW = serialization.Encoding.Raw
_RAW_PUBLIC = serialization.PublicFormat.Raw
_RAW_PRIVATE = serialization.PrivateFormat.Raw


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Base64 (standard or URL-safe, padding optional); ValueError when it is not."""
    text = text.strip()
    try:
        return base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
        )
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64") from exc


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(_RAW, _RAW_PUBLIC)


def key_id(public: Ed25519PublicKey | bytes) -> str:
    raw = public if isinstance(public, bytes) else public_bytes(public)
    return hashlib.sha256(raw).hexdigest()[:16]


def private_key_from_text(text: str) -> Ed25519PrivateKey:
    seed = unb64(text)
    if len(seed) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_from_text(text: str) -> Ed25519PublicKey:
    raw = unb64(text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def _embedded_key_file() -> Path:
    return Path(settings.VAR_DIR) / "signing" / "ed25519.key"


def _embedded_key() -> Ed25519PrivateKey:
    """The embedded default's key: generated once under var/, then read back."""
    path = _embedded_key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        seed = Ed25519PrivateKey.generate().private_bytes(
            _RAW, _RAW_PRIVATE, serialization.NoEncryption()
        )
        # Written only if no other process got there first; readable by its owner alone.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(b64(seed) + "\n")
    return private_key_from_text(path.read_text())


@dataclass(frozen=True)
class Keyring:
    signing: Ed25519PrivateKey
    signing_id: str
    # Every key whose signatures verify, by id: the signing key's public half and the old ones.
    public: dict[str, Ed25519PublicKey]


@cache
def _keyring(configured: str, old: tuple[str, ...], var_dir: str) -> Keyring:
    try:
        signing = private_key_from_text(configured) if configured else _embedded_key()
    except ValueError as exc:
        raise ImproperlyConfigured(
            "REDRESS_SIGNING_KEY must be the base64 of a 32-byte Ed25519 private key."
        ) from exc
    public = {key_id(signing.public_key()): signing.public_key()}
    for text in old:
        try:
            key = public_key_from_text(text)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "REDRESS_SIGNING_OLD_PUBLIC_KEYS must list base64 32-byte Ed25519 public keys."
            ) from exc
        public[key_id(key)] = key
    return Keyring(signing=signing, signing_id=key_id(signing.public_key()), public=public)


def keyring() -> Keyring:
    return _keyring(
        settings.REDRESS_SIGNING_KEY,
        tuple(settings.REDRESS_SIGNING_OLD_PUBLIC_KEYS),
        str(settings.VAR_DIR),
    )


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64 of the 64-byte signature


def sign(data: bytes) -> Signature:
    ring = keyring()
    return Signature(key_id=ring.signing_id, value=b64(ring.signing.sign(data)))


def verify(data: bytes, signature: str, signed_by: str) -> bool:
    """Whether ``signature`` (base64) is a signature of ``data`` by the key ``signed_by``, one of
    the keys Redress trusts now. Never raises on malformed input: it is simply not valid."""
    key = keyring().public.get(signed_by)
    if key is None:
        return False
    try:
        key.verify(unb64(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_keys() -> list[tuple[str, str]]:
    """(id, base64 public key) of every trusted key, the signing key first: what the
    verification page publishes, so anyone can check a signature without Redress."""
    ring = keyring()
    ordered = [ring.signing_id, *sorted(k for k in ring.public if k != ring.signing_id)]
    return [(k, b64(public_bytes(ring.public[k]))) for k in ordered]
