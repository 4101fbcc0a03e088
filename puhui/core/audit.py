"""The audit trail: every write through a service calls `audit_record` inside its transaction.

The trail is a hash chain (issue "Security and reliability", docs/security.md): every row carries
`prev_hash` (the row before it) and `hash` = HMAC-SHA256(chain key, prev_hash ‖ canonical JSON of its content).
The chain key derives from FIELD_ENCRYPTION_KEY, so someone who can write to the database but does not hold
the key can neither edit a row nor delete one and recompute the rest. `audit_append` is the only insertion
path (`AuditLog.objects.create`, `save()` of a new row and `bulk_create` all lead there); `audit_chain_verify`
walks the chain (`puhui audit verify`).
"""

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from puhui.core.fields import EncryptedField, LookupHashField
from puhui.core.middleware import current_request
from puhui.core.models import AuditChain, AuditLog
from puhui.core.net import client_ip

MASKED = "******"


def snapshot(obj: models.Model | None) -> dict | None:
    """The object's concrete fields as JSON-safe values; personal data never enters the log in clear."""
    if obj is None:
        return None
    data = {}
    is_user = isinstance(obj, AbstractBaseUser)
    for field in obj._meta.concrete_fields:
        if isinstance(field, LookupHashField):
            continue
        value = getattr(obj, field.attname)
        if is_user and field.attname == "password":
            value = MASKED  # a password hash can be cracked offline; it never enters the log
        elif isinstance(field, EncryptedField):
            value = MASKED if value else ""
        elif isinstance(value, (datetime.date, datetime.datetime, datetime.time, decimal.Decimal, uuid.UUID)):
            value = str(value)
        elif isinstance(value, bytes):
            value = f"<{len(value)} bytes>"
        data[field.attname] = value
    return data


def _client_ip() -> str | None:
    """The client's address, also behind the trusted reverse proxy (PUHUI_TRUSTED_PROXIES)."""
    request = current_request()
    if request is None:
        return None
    return client_ip(request)


def _actor_fields(actor) -> dict:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return {
        "actor": actor if is_user else None,
        "actor_label": (str(actor) if actor else "系统")[:150],
        "ip_address": _client_ip(),
    }


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    row = AuditLog(
        **_actor_fields(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        note=note[:300],
    )
    audit_append([row])
    return row


def audit_changed_bulk(*, actor, changes: list[tuple[models.Model, dict | None]], note: str = "") -> None:
    """`audit_changed` for many objects at once: (object, state before or None for a create) pairs."""
    common = _actor_fields(actor)
    audit_append(
        [
            AuditLog(
                **common,
                action=AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                before=before,
                after=snapshot(obj),
                note=note[:300],
            )
            for obj, before in changes
        ],
        batch_size=500,
    )


def audit_changed(*, actor, obj: models.Model, before: dict | None, note: str = "") -> AuditLog:
    """Record a create (before is None) or an update, with the object's state after the write."""
    action = AuditLog.Action.CREATE if before is None else AuditLog.Action.UPDATE
    return audit_record(actor=actor, action=action, obj=obj, before=before, after=snapshot(obj), note=note)


# ---------------------------------------------------------------- the hash chain

CHAIN_VERSION = 1
# What a row's hash covers: everything it says. Not `actor` (the user's id): deleting a user sets it NULL
# (on_delete=SET_NULL), a legitimate change; `actor_label`, the name shown on the page, is covered.
CONTENT_FIELDS = (
    "at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "ip_address",
    "note",
)
BATCH = 1000


@cache
def _chain_key(master: str) -> bytes:
    """A fourth derivation of FIELD_ENCRYPTION_KEY (beside encryption, look-up and key check): reveals none."""
    return hmac.new(master.encode(), b"puhui-audit-chain", hashlib.sha256).digest()


def chain_key() -> bytes:
    return _chain_key(settings.FIELD_ENCRYPTION_KEY)


def _verify_keys() -> list[bytes]:
    """The current chain key, then those of the old keys still accepted during a key rotation
    (FIELD_ENCRYPTION_OLD_KEYS): rows chained before the rotation verify until `audit_rechain` rewrites them."""
    from puhui.core import crypto

    masters = getattr(crypto, "active_masters", lambda: [settings.FIELD_ENCRYPTION_KEY])()
    return [_chain_key(master) for master in masters]


def _utc_iso(value) -> str:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):  # as Django stores a naive value: in the default time zone
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(content: Mapping) -> bytes:
    """The row's content as canonical JSON: sorted keys, UTF-8, no spaces, time in ISO 8601 UTC.

    Values are normalised as the database gives them back (JSON round trip, strings), so a row hashes the same
    before it is written and when it is read back on SQLite or PostgreSQL.
    """
    data: dict = {"v": CHAIN_VERSION}
    for name in CONTENT_FIELDS:
        value = content[name]
        if name == "at":
            value = _utc_iso(value)
        elif name in ("before", "after"):
            value = None if value is None else json.loads(json.dumps(value))
        elif name == "ip_address":
            value = str(value) if value else None
        else:
            value = "" if value is None else str(value)
        data[name] = value
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_hash(prev_hash: str, content: Mapping, key: bytes | None = None) -> str:
    """HMAC-SHA256(prev_hash ‖ canonical(content)) under the chain key, hex."""
    return hmac.new(key or chain_key(), prev_hash.encode() + canonical(content), hashlib.sha256).hexdigest()


def _content(row: AuditLog) -> dict:
    return {name: getattr(row, name) for name in CONTENT_FIELDS}


def _locked_head(using: str) -> AuditChain:
    """The chain head, locked until the caller's transaction ends (created if missing, e.g. after a flush)."""
    heads = AuditChain.objects.using(using).select_for_update()
    head = heads.filter(pk=1).first()
    if head is None:
        last = AuditLog.objects.using(using).order_by("-id").values("id", "hash").first()
        last = last or {"id": 0, "hash": ""}
        try:
            with transaction.atomic(using=using):
                AuditChain.objects.using(using).create(pk=1, head_id=last["id"], head_hash=last["hash"])
        except IntegrityError:
            pass  # another writer created it first; the lock below waits for it
        head = heads.get(pk=1)
    return head


def audit_append(
    rows: list[AuditLog], *, batch_size: int | None = None, using: str | None = None
) -> list[AuditLog]:
    """Insert new audit rows at the end of the chain: the one insertion path of the audit trail.

    Inside the caller's transaction (or one of its own): lock the head, chain the rows from its hash, insert
    them, move the head. On PostgreSQL the lock is held until the caller's transaction commits, so writers of
    audit rows queue behind one another from their first audit row to their commit: a service should write its
    audit row at the end of its transaction. SQLite serialises write transactions anyway (BEGIN IMMEDIATE).
    """
    if not rows:
        return rows
    using = using or router.db_for_write(AuditLog)
    key = chain_key()
    ip_field = AuditLog._meta.get_field("ip_address")
    with transaction.atomic(using=using):
        head = _locked_head(using)
        prev = head.head_hash
        for row in rows:
            if row.pk is not None or row.hash:
                raise ValueError("操作日志只能追加新记录")
            row.ip_address = ip_field.get_prep_value(row.ip_address) or None  # as the database stores it
            if row.at is None:
                row.at = timezone.now()
            elif timezone.is_naive(row.at):
                row.at = timezone.make_aware(row.at, timezone.get_default_timezone())
            row.prev_hash = prev
            row.hash = prev = chain_hash(prev, _content(row), key)
        AuditLog.objects.using(using)._bulk_create_unchained(rows, batch_size=batch_size or BATCH)
        last_id = rows[-1].pk
        if last_id is None:  # a backend that does not return ids from a bulk insert
            last_id = AuditLog.objects.using(using).filter(hash=prev).values_list("id", flat=True).get()
        head.head_id, head.head_hash = last_id, prev
        head.save(update_fields=["head_id", "head_hash"])
    return rows


@dataclass
class ChainReport:
    ok: bool
    count: int  # rows checked
    first_id: int | None
    last_id: int | None
    head_hash: str
    broken_id: int | None = None
    detail: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            if not self.count:
                return "完整：操作日志为空。"
            return f"完整：共核验 {self.count} 条（编号 {self.first_id}–{self.last_id}），链头校验值 {self.head_hash[:16]}…"
        return f"断裂：编号 {self.broken_id}：{self.detail}"


def audit_chain_verify(
    *, from_id: int | None = None, chunk_size: int = 2000, record: bool = True, using: str | None = None
) -> ChainReport:
    """Walk the chain in id order and report the first broken link.

    A row whose hash does not match its content was edited; a row whose prev_hash is not the hash of the row
    before it follows deleted rows (or an edited link); a head that points past the last row means rows were
    deleted from the end. `from_id` starts at that id, trusting the stored hash of the row before it.
    A full run (no `from_id`) with `record` stores its result on the chain head for the audit page.
    """
    using = using or router.db_for_read(AuditLog)
    key, *old_keys = _verify_keys()
    head = AuditChain.objects.using(using).filter(pk=1).first()
    rows = AuditLog.objects.using(using).order_by("id").values("id", "prev_hash", "hash", *CONTENT_FIELDS)
    expected = ""
    previous_id = None
    if from_id:
        rows = rows.filter(id__gte=from_id)
        before = (
            AuditLog.objects.using(using).filter(id__lt=from_id).order_by("-id").values("id", "hash").first()
        )
        if before:
            expected, previous_id = before["hash"], before["id"]
    if head is not None:
        rows = rows.filter(id__lte=head.head_id)  # rows written while we walk are checked next time
    count, first_id = 0, None

    def broken(row_id: int, detail: str) -> ChainReport:
        return ChainReport(False, count, first_id, previous_id, expected, broken_id=row_id, detail=detail)

    report = None
    for row in rows.iterator(chunk_size=chunk_size):
        if not row["hash"]:
            report = broken(row["id"], "该记录没有校验值：未经系统写入（直接写入数据库）")
            break
        if not _hash_matches(row, key, old_keys):
            report = broken(row["id"], "内容与校验值不符：该记录在写入后被修改")
            break
        if row["prev_hash"] != expected:
            if previous_id is None:
                detail = "链的开头不符：此前的记录被删除，或链接被改写"
            else:
                detail = f"与前一条记录（编号 {previous_id}）不衔接：两者之间的记录被删除，或链接被改写"
            report = broken(row["id"], detail)
            break
        expected, previous_id = row["hash"], row["id"]
        first_id = first_id or row["id"]
        count += 1
    if report is None and head is not None and (head.head_id or head.head_hash):
        if (previous_id or 0) < head.head_id:
            report = broken(
                head.head_id,
                f"末尾的记录被删除：链头指向编号 {head.head_id}，现存最后一条为编号 {previous_id or '无'}",
            )
        elif expected != head.head_hash:
            report = broken(head.head_id, "链头校验值与最后一条记录不符")
    if report is None:
        head_id = head.head_id if head is not None else 0
        stray = AuditLog.objects.using(using).filter(id__gt=head_id, hash="").order_by("id").first()
        if stray is not None:
            report = broken(stray.pk, "该记录没有校验值：未经系统写入（直接写入数据库）")
    if report is None:
        report = ChainReport(True, count, first_id, previous_id, expected)
    if record and not from_id:
        _record(report, using)
    return report


def _hash_matches(row: Mapping, key: bytes, old_keys: list[bytes]) -> bool:
    if hmac.compare_digest(chain_hash(row["prev_hash"], row, key), row["hash"]):
        return True
    return any(hmac.compare_digest(chain_hash(row["prev_hash"], row, k), row["hash"]) for k in old_keys)


def audit_rechain(*, using: str | None = None, batch: int = 2000) -> int:
    """Recompute every hash under the current key, in id order; for `puhui rotate_key` after a key change.

    Refuses (ValueError) unless the chain first verifies under the active keys (current and old): a rotation
    must not launder an edit. Holds the chain lock, so no row is appended meanwhile. Returns the row count.
    """
    using = using or router.db_for_write(AuditLog)
    key = chain_key()
    with transaction.atomic(using=using):
        head = _locked_head(using)
        report = audit_chain_verify(using=using, record=False)
        if not report.ok:
            raise ValueError(f"操作日志校验链已断裂，不能用新密钥重新计算：{report.message}")
        prev, last_id, count = "", 0, 0
        while True:
            page = list(
                AuditLog.objects.using(using)
                .filter(id__gt=last_id, id__lte=head.head_id)
                .order_by("id")
                .values("id", *CONTENT_FIELDS)[:batch]
            )
            if not page:
                break
            updates = []
            for row in page:
                digest = chain_hash(prev, row, key)
                updates.append((row["id"], prev, digest))
                prev = digest
            _write_hashes(connections[using], AuditLog._meta.db_table, updates)
            last_id, count = page[-1]["id"], count + len(page)
        head.head_hash = prev
        head.save(update_fields=["head_hash"])
    return count


def _write_hashes(connection, table: str, updates: list[tuple[int, str, str]]) -> None:
    """Store (id, prev_hash, hash) triples: one UPDATE … FROM (VALUES …) for the page (PostgreSQL,
    SQLite ≥ 3.33) — ~10× faster than bulk_update's CASE … WHEN or an executemany on 100 000 rows."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite" and connection.Database.sqlite_version_info < (3, 33):
            sql = f"UPDATE {q(table)} SET {q('prev_hash')} = %s, {q('hash')} = %s WHERE {q('id')} = %s"
            cursor.executemany(sql, [(p, h, i) for i, p, h in updates])
            return
        values = ", ".join(["(%s, %s, %s)"] * len(updates))
        cursor.execute(
            f"UPDATE {q(table)} SET {q('prev_hash')} = v.column2, {q('hash')} = v.column3 "
            f"FROM (VALUES {values}) AS v WHERE {q(table)}.{q('id')} = v.column1",
            [value for row in updates for value in row],
        )


def _record(report: ChainReport, using: str) -> None:
    fields = {
        "verified_at": timezone.now(),
        "verified_ok": report.ok,
        "verified_count": report.count,
        "verified_through": report.last_id or 0,
        "broken_id": report.broken_id,
        "verified_detail": (report.message if report.ok else report.detail)[:300],
    }
    if not AuditChain.objects.using(using).filter(pk=1).update(**fields):
        AuditChain.objects.using(using).get_or_create(pk=1, defaults=fields)


def audit_chain_state(using: str | None = None) -> AuditChain | None:
    """The head with the last verification's result, for the audit page (reads one row; verifies nothing)."""
    return AuditChain.objects.using(using or router.db_for_read(AuditLog)).filter(pk=1).first()
