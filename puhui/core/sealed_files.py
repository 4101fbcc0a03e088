"""Files kept on disk encrypted at rest: uploaded originals (a loan file, a household roster) carry ID
numbers in clear, so they are sealed as they arrive and opened only into a private copy for the check.

AES-256-GCM, key derived from FIELD_ENCRYPTION_KEY like the field keys of `puhui.core.crypto`, with its own
label. The file is cut into 1 MiB chunks, each sealed with nonce = random 7-byte prefix ‖ chunk counter ‖
last-chunk flag, so a file of any size streams in and out in flat memory and a reordered, truncated or
tampered file fails to decrypt. Files written before encryption (no magic header) still read back as they
are; `original_encrypt_in_place` converts them. During a key rotation a file sealed under one of
FIELD_ENCRYPTION_OLD_KEYS still reads (its first chunk tells which key), and `original_rotate` re-encrypts it
under the current key (`puhui rotate_key`). Paths are relative to MEDIA_ROOT.
"""

import contextlib
import hashlib
import hmac
import os
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

from puhui.core import crypto

FILE_MAGIC = b"PUHUI-ENC1\n"
FILE_CHUNK = 1 << 20
_TAG = 16
_PREFIX_BYTES = 7


@cache
def _file_key(master: str) -> AESGCM:
    # The same derivation as puhui.core.crypto's field keys (HMAC-SHA256 of the master secret), another label.
    return AESGCM(hmac.new(master.encode(), b"puhui-uploaded-files", hashlib.sha256).digest())


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def original_path(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


class _Sealer:
    """Writes plaintext given in pieces of any size as encrypted chunks; `close` seals the last one."""

    def __init__(self, out):
        self.out = out
        self.aes = _file_key(settings.FIELD_ENCRYPTION_KEY)
        self.prefix = os.urandom(_PREFIX_BYTES)
        self.aad = FILE_MAGIC + self.prefix
        self.counter = 0
        self.pending = bytearray()
        self.size = 0
        out.write(self.aad)

    def _seal(self, data: bytes, last: bool) -> None:
        self.out.write(self.aes.encrypt(_nonce(self.prefix, self.counter, last), bytes(data), self.aad))
        self.counter += 1

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.pending += data
        # Keep at least one full chunk back: only at close do we know which chunk is the last.
        while len(self.pending) > FILE_CHUNK:
            self._seal(self.pending[:FILE_CHUNK], last=False)
            del self.pending[:FILE_CHUNK]

    def close(self) -> None:
        self._seal(self.pending, last=True)
        self.pending = bytearray()


def _chunks_of(file) -> Iterator[bytes]:
    if isinstance(file, bytes | bytearray):
        yield bytes(file)
    elif hasattr(file, "chunks"):
        yield from file.chunks()
    else:
        yield from iter(lambda: file.read(FILE_CHUNK), b"")


def _write_atomic(target: Path, chunks) -> int:
    """Encrypt `chunks` into `target` through a temporary file renamed into place; returns the clear size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".enc-")
    try:
        with os.fdopen(fd, "wb") as out:
            sealer = _Sealer(out)
            for chunk in chunks:
                sealer.write(chunk)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise
    return sealer.size


def original_write(relative: str, file) -> int:
    """Store an upload (bytes, a Django UploadedFile or a binary file object) encrypted; returns its size."""
    return _write_atomic(original_path(relative), _chunks_of(file))


def original_is_encrypted(relative: str) -> bool:
    with open(original_path(relative), "rb") as f:
        return f.read(len(FILE_MAGIC)) == FILE_MAGIC


def original_chunks(relative: str) -> Iterator[bytes]:
    """The original's clear bytes, chunk by chunk. Raises FileNotFoundError, or InvalidTag if tampered with."""
    with open(original_path(relative), "rb") as f:
        head = f.read(len(FILE_MAGIC))
        if head != FILE_MAGIC:  # a legacy file stored before encryption
            yield head
            yield from iter(lambda: f.read(FILE_CHUNK), b"")
            return
        prefix = f.read(_PREFIX_BYTES)
        aad = FILE_MAGIC + prefix
        aes = None
        counter = 0
        block = f.read(FILE_CHUNK + _TAG)
        while True:
            following = f.read(FILE_CHUNK + _TAG)
            last = not following
            nonce = _nonce(prefix, counter, last)
            if aes is None:  # the first chunk tells which active key sealed the file
                aes, clear = _open_first(nonce, block, aad)
                yield clear
            else:
                yield aes.decrypt(nonce, block, aad)
            if last:
                return
            block, counter = following, counter + 1


def _open_first(nonce: bytes, block: bytes, aad: bytes) -> tuple[AESGCM, bytes]:
    """(key, clear first chunk) under the first active key that opens it: FIELD_ENCRYPTION_KEY, then — during
    a key rotation — FIELD_ENCRYPTION_OLD_KEYS. Raises InvalidTag when none does."""
    error = None
    for master in crypto.active_masters():
        aes = _file_key(master)
        try:
            return aes, aes.decrypt(nonce, block, aad)
        except InvalidTag as e:
            error = e
    raise error


def original_is_current(relative: str) -> bool:
    """True when the original is encrypted under the current FIELD_ENCRYPTION_KEY (`puhui rotate_key` skips it)."""
    with open(original_path(relative), "rb") as f:
        if f.read(len(FILE_MAGIC)) != FILE_MAGIC:
            return False
        prefix = f.read(_PREFIX_BYTES)
        block = f.read(FILE_CHUNK + _TAG)
        last = not f.read(1)
    try:
        _file_key(settings.FIELD_ENCRYPTION_KEY).decrypt(_nonce(prefix, 0, last), block, FILE_MAGIC + prefix)
    except InvalidTag:
        return False
    return True


def original_rotate(relative: str) -> bool:
    """Re-encrypt an original under the current key (key rotation); False when it already is, or is a legacy
    clear file (`puhui purge_uploads` encrypts those). The file is replaced only once it decrypted whole."""
    if not original_is_encrypted(relative) or original_is_current(relative):
        return False
    path = original_path(relative)
    _write_atomic(path, original_chunks(relative))
    return True


@contextlib.contextmanager
def original_clear_copy(relative: str) -> Iterator[str]:
    """A private clear copy of an original (mode 0600, in the spool directory) for the check; removed after."""
    fd, tmp = tempfile.mkstemp(
        prefix="puhui-original-",
        suffix=Path(relative).suffix,
        dir=getattr(settings, "PUHUI_DATA_SPOOL_DIR", None),
    )
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in original_chunks(relative):
                out.write(chunk)
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def original_encrypt_in_place(relative: str) -> bool:
    """Encrypt a legacy clear original in place; False when it was encrypted already."""
    if original_is_encrypted(relative):
        return False
    path = original_path(relative)
    with open(path, "rb") as f:
        _write_atomic(path, iter(lambda: f.read(FILE_CHUNK), b""))
    return True


def original_delete(relative: str) -> bool:
    try:
        os.remove(original_path(relative))
    except FileNotFoundError:
        return False
    return True
