"""Encryption at rest and keyed look-up hashes for personal data (PIPL).

AES-GCM with a random nonce, so equal values give different ciphertexts; exact look-up
goes through an HMAC-SHA256 of the normalised value instead.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1:"


@cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    raw = master.encode()
    enc = hmac.new(raw, b"puhui-field-encryption", hashlib.sha256).digest()
    lookup = hmac.new(raw, b"puhui-lookup-hash", hashlib.sha256).digest()
    return AESGCM(enc), lookup


def _current() -> tuple[AESGCM, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def key_check_value(master: str | None = None) -> str:
    """A check value for FIELD_ENCRYPTION_KEY, kept in the database to detect a wrong key (core.KeyCheck).

    A third HMAC derivation, independent of the encryption and look-up sub-keys: storing it reveals neither.
    """
    raw = (settings.FIELD_ENCRYPTION_KEY if master is None else master).encode()
    return hmac.new(raw, b"puhui-key-check", hashlib.sha256).hexdigest()


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def encrypt(value: str) -> str:
    aes, _ = _current()
    nonce = os.urandom(12)
    return PREFIX + base64.b64encode(nonce + aes.encrypt(nonce, value.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("不是本系统加密的数据")
    aes, _ = _current()
    blob = base64.b64decode(token[len(PREFIX) :])
    return aes.decrypt(blob[:12], blob[12:], None).decode()


def lookup_hash(value: str) -> str:
    _, key = _current()
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """370323199001011234 → 370323********1234."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
