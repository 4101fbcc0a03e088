"""Encryption at rest and keyed look-up hashes for personal data (PIPL).

AES-GCM with a random nonce, so equal values give different ciphertexts; exact look-up
goes through an HMAC-SHA256 of the normalised value instead.

Format (docs/personal-data.md):

- ``v2:<kid>:<base64(nonce ‖ ciphertext+tag)>`` — written today. ``kid`` is 8 hex characters naming the
  master key (a fourth HMAC derivation: it tells which key to use and reveals nothing about it). The
  associated data is ``v2:<kid>:<context>``, where ``context`` is ``<db_table>.<column>``: a ciphertext
  copied into another column (or another table) fails to decrypt instead of reading as that column's value.
- ``v1:<base64(nonce ‖ ciphertext+tag)>`` — the first format, no associated data, no key name. Still read
  (every active key is tried); ``puhui rotate_key`` rewrites it as v2.

Keys: ``FIELD_ENCRYPTION_KEY`` encrypts and hashes; during a key rotation ``FIELD_ENCRYPTION_OLD_KEYS``
(the previous keys) are accepted for decryption, and look-ups search the hashes under every active key
(``lookup_hashes``).
"""

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

V1 = "v1:"
V2 = "v2:"
PREFIX = V2  # the format written today
_KID_LEN = 8

# Shown instead of a stored value that does not decrypt (see `Unreadable`).
UNREADABLE_TEXT = "（无法解密）"


class DecryptionError(ValueError):
    """A stored value that no active key decrypts for this column: tampered, copied from elsewhere, or the
    key that wrote it is not configured. The message names the column, never the value."""


class Unreadable(str):
    """Stands in for a stored value that does not decrypt, so that one bad row does not turn a page into a 500.

    It reads as 「（无法解密）」, masks to itself, and keeps the stored ciphertext: saving the row writes that
    ciphertext back unchanged (`EncryptedField.get_prep_value`), and its look-up hash is left as it was.
    """

    token: str
    context: str

    def __new__(cls, token: str, context: str):
        self = super().__new__(cls, UNREADABLE_TEXT)
        self.token = token
        self.context = context
        return self

    def __reduce__(self):  # copy, deepcopy and pickle keep the stored ciphertext
        return (Unreadable, (self.token, self.context))


@dataclass(frozen=True)
class Key:
    master: str
    kid: str
    aes: AESGCM
    lookup: bytes


@cache
def _key(master: str) -> Key:
    raw = master.encode()
    aes, lookup = _keys(master)
    kid = hmac.new(raw, b"puhui-key-id", hashlib.sha256).hexdigest()[:_KID_LEN]
    return Key(master, kid, aes, lookup)


@cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    raw = master.encode()
    enc = hmac.new(raw, b"puhui-field-encryption", hashlib.sha256).digest()
    lookup = hmac.new(raw, b"puhui-lookup-hash", hashlib.sha256).digest()
    return AESGCM(enc), lookup


def old_masters() -> list[str]:
    """The previous keys still accepted for decryption (FIELD_ENCRYPTION_OLD_KEYS), without the current one."""
    value = getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ()
    if isinstance(value, str):
        value = value.split(",")
    current = settings.FIELD_ENCRYPTION_KEY
    out = []
    for master in value:
        master = master.strip()
        if master and master != current and master not in out:
            out.append(master)
    return out


def active_masters() -> list[str]:
    """The current key first, then the old ones."""
    return [settings.FIELD_ENCRYPTION_KEY, *old_masters()]


def _current() -> Key:
    return _key(settings.FIELD_ENCRYPTION_KEY)


def _ring() -> list[Key]:
    return [_key(m) for m in active_masters()]


def current_kid() -> str:
    return _current().kid


def key_check_value(master: str | None = None) -> str:
    """A check value for FIELD_ENCRYPTION_KEY, kept in the database to detect a wrong key (core.KeyCheck).

    A third HMAC derivation, independent of the encryption and look-up sub-keys: storing it reveals neither.
    """
    raw = (settings.FIELD_ENCRYPTION_KEY if master is None else master).encode()
    return hmac.new(raw, b"puhui-key-check", hashlib.sha256).hexdigest()


def key_check_values() -> list[str]:
    """The check values of every active key, the current one first."""
    return [key_check_value(m) for m in active_masters()]


def field_context(table: str, column: str) -> str:
    """The associated data a column's ciphertexts are bound to: "<db_table>.<column>"."""
    return f"{table}.{column}"


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def _aad(kid: str, context: str) -> bytes:
    return f"{V2}{kid}:{context}".encode()


def encrypt(value: str, *, context: str) -> str:
    """v2 ciphertext of `value` under the current key, bound to `context` (see `field_context`)."""
    if not context:
        raise ValueError("encrypt needs the column's context (crypto.field_context)")
    key = _current()
    nonce = os.urandom(12)
    sealed = key.aes.encrypt(nonce, value.encode(), _aad(key.kid, context))
    return f"{V2}{key.kid}:" + base64.b64encode(nonce + sealed).decode()


def token_kid(token: str) -> str | None:
    """The key name of a v2 ciphertext; None for v1 (which does not say) or anything else."""
    if token.startswith(V2) and len(token) > len(V2) + _KID_LEN and token[len(V2) + _KID_LEN] == ":":
        return token[len(V2) : len(V2) + _KID_LEN]
    return None


def is_current(token: str) -> bool:
    """True when `token` is in today's format under the current key: `rotate_key` leaves it as it is."""
    return token_kid(token) == _current().kid


def _blob(token: str, start: int, where: str) -> bytes:
    try:
        blob = base64.b64decode(token[start:], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{where}：存储的密文已损坏") from None
    if len(blob) < 12 + 16:
        raise DecryptionError(f"{where}：存储的密文已损坏")
    return blob


def decrypt(token: str, *, context: str = "") -> str:
    """The clear value of a stored ciphertext. Raises DecryptionError (naming `context`, not the value)."""
    where = f"字段 {context}" if context else "字段"
    if token.startswith(V2):
        kid = token_kid(token)
        if kid is None:
            raise DecryptionError(f"{where}：存储的密文格式不正确")
        key = next((k for k in _ring() if k.kid == kid), None)
        if key is None:
            raise DecryptionError(
                f"{where}：加密该值的密钥（标识 {kid}）不在 FIELD_ENCRYPTION_KEY 或 FIELD_ENCRYPTION_OLD_KEYS 中"
            )
        blob = _blob(token, len(V2) + _KID_LEN + 1, where)
        try:
            return key.aes.decrypt(blob[:12], blob[12:], _aad(kid, context)).decode()
        except InvalidTag:
            raise DecryptionError(
                f"{where}：密文校验失败——该值被篡改，或是从其他表、其他列复制而来（密文与表和列绑定）"
            ) from None
    if token.startswith(V1):
        blob = _blob(token, len(V1), where)
        for key in _ring():
            try:
                return key.aes.decrypt(blob[:12], blob[12:], None).decode()
            except InvalidTag:
                continue
        raise DecryptionError(f"{where}：已配置的密钥都无法解密该值（旧格式 v1），或该值被篡改")
    raise DecryptionError(f"{where}：不是本系统加密的数据")


def lookup_hash(value: str) -> str:
    """The look-up hash to store: HMAC of the normalised value under the current key."""
    return _hash(_current(), value)


def lookup_hashes(value: str) -> list[str]:
    """The look-up hashes to search for: one per active key, the current first.

    During a key rotation rows not yet re-encrypted still carry the hash under an old key; search with
    `field__in=lookup_hashes(value)` so they are found too. Without old keys this is `[lookup_hash(value)]`.
    """
    return [_hash(k, value) for k in _ring()]


def _hash(key: Key, value: str) -> str:
    return hmac.new(key.lookup, normalise(value).encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """370323199001011234 → 370323********1234."""
    if isinstance(value, Unreadable):
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if isinstance(value, Unreadable):
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
