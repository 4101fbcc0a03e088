"""Field-key rotation: re-encrypt every stored personal value under FIELD_ENCRYPTION_KEY (`puhui rotate_key`).

The operator sets the new key as FIELD_ENCRYPTION_KEY and the previous one(s) in FIELD_ENCRYPTION_OLD_KEYS,
restarts every process, and runs `puhui rotate_key` (procedure: docs/personal-data.md). It

1. walks every table with an `EncryptedField` in primary-key order, in batches, each batch in its own
   transaction (rows locked on PostgreSQL): a value not yet in today's format under the current key
   (``v2:<current kid>:``, selected in SQL) is decrypted with whichever active key wrote it, encrypted again
   with the current key and its column as associated data, and its look-up hashes (`LookupHashField`, and
   the plain hash columns apps declare in `KEY_ROTATION`) are recomputed from the clear value in the same UPDATE;
2. records after every batch the last primary key done per table in ``<VAR_DIR>/key-rotation.json``, so a
   second run continues where an interrupted one stopped (and a value already under the new key is never
   touched, so running it again is harmless);
3. re-encrypts the files apps keep encrypted (their `KEY_ROTATION` hooks) under the new key;
4. checks that no value under another key is left (a process still running with the old configuration
   would write some: those tables are walked again), then writes the new key's check value (`core.KeyCheck`)
   and audits the rotation. FIELD_ENCRYPTION_OLD_KEYS can then be removed.

With FIELD_ENCRYPTION_OLD_KEYS empty the same command upgrades v1 ciphertexts (no associated data) to v2.
"""

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils.module_loading import import_string

from puhui.core import crypto, keycheck, plugins
from puhui.core.fields import EncryptedField, LookupHashField

BATCH = 5000
PROGRESS_FILE = "key-rotation.json"


def _hooks() -> list[dict]:
    """What apps add to the rotation in their plugin.py (`KEY_ROTATION`, a list of dicts):
    - "extra_hashes": hash columns that are plain CharFields because their rows are written by COPY, not
      through the model — {model label (lower case): {hash field: encrypted source field}};
    - "files" / "rotate_file": dotted paths of `() -> iterable of stored paths` and `(path) -> int`, for
      files an app keeps encrypted on disk."""
    return plugins.contributions("KEY_ROTATION")


def extra_hashes() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for hook in _hooks():
        for label, fields in hook.get("extra_hashes", {}).items():
            merged.setdefault(label, {}).update(fields)
    return merged


class RotationError(Exception):
    """The rotation cannot start or go on; the message says why and what to do."""


@dataclass
class Table:
    model: type[models.Model]
    encrypted: list[EncryptedField]
    hashes: list[tuple[models.Field, EncryptedField]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def name(self) -> str:
        return f"{self.model._meta.verbose_name}（{self.model._meta.db_table}）"


def tables() -> list[Table]:
    """Every concrete model with encrypted fields, with the hash columns derived from them."""
    out = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        encrypted = [f for f in opts.concrete_fields if isinstance(f, EncryptedField)]
        if not encrypted:
            continue
        by_name = {f.name: f for f in encrypted}
        pairs = [(f, f.source) for f in opts.concrete_fields if isinstance(f, LookupHashField)]
        pairs += [(opts.get_field(h), s) for h, s in extra_hashes().get(opts.label_lower, {}).items()]
        hashes = []
        for hash_field, source in pairs:
            if source not in by_name:
                raise RotationError(
                    f"{opts.label}.{hash_field.name} 的来源字段 {source} 不是加密字段，无法轮换"
                )
            hashes.append((hash_field, by_name[source]))
        out.append(Table(model, encrypted, hashes))
    return out


# ---------------------------------------------------------------- progress, kept across runs


def progress_path() -> Path:
    return Path(settings.VAR_DIR) / PROGRESS_FILE


def _database_name(using: str) -> str:
    return str(connections[using].settings_dict.get("NAME", ""))


def load_state(using: str = DEFAULT_DB_ALIAS) -> dict:
    """The progress of an unfinished rotation to the current key on this database, or a fresh one."""
    fresh = {"kid": crypto.current_kid(), "database": _database_name(using), "tables": {}, "files": False}
    try:
        state = json.loads(progress_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return fresh
    if state.get("kid") != fresh["kid"] or state.get("database") != fresh["database"]:
        return fresh  # another target key or another database: start over (done rows are skipped anyway)
    return state


def _save_state(state: dict) -> None:
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------- the walk


def _stale_condition(table: Table, quote) -> tuple[str, list[str]]:
    """SQL that is true for a row holding a value not in today's format under the current key."""
    pattern = f"{crypto.V2}{crypto.current_kid()}:%"
    parts, params = [], []
    for f in table.encrypted:
        c = quote(f.column)
        parts.append(f"({c} IS NOT NULL AND {c} <> '' AND {c} NOT LIKE %s)")
        params.append(pattern)
    return "(" + " OR ".join(parts) + ")", params


def stale_rows(table: Table, using: str = DEFAULT_DB_ALIAS) -> int:
    connection = connections[using]
    quote = connection.ops.quote_name
    cond, params = _stale_condition(table, quote)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table.model._meta.db_table)} WHERE {cond}", params)
        return cursor.fetchone()[0]


def _rotate_row(table: Table, tokens: tuple) -> tuple[list, list]:
    """(new ciphertexts, new hashes) of one row, from its stored ciphertexts."""
    plain = {}
    new_tokens = []
    for f, token in zip(table.encrypted, tokens, strict=True):
        if token is None or token == "":
            plain[f.name] = token
            new_tokens.append(token)
            continue
        value = crypto.decrypt(token, context=f.context)
        plain[f.name] = value
        new_tokens.append(token if crypto.is_current(token) else crypto.encrypt(value, context=f.context))
    new_hashes = [crypto.lookup_hash(plain[src.name]) if plain[src.name] else "" for _, src in table.hashes]
    return new_tokens, new_hashes


def rotate_table(
    table: Table,
    state: dict,
    *,
    batch_size: int = BATCH,
    using: str = DEFAULT_DB_ALIAS,
    on_batch: Callable[[Table, int, int], None] | None = None,
) -> int:
    """Re-encrypt one table's stale rows after the last primary key recorded in `state`; returns rows rotated."""
    connection = connections[using]
    quote = connection.ops.quote_name
    db_table = quote(table.model._meta.db_table)
    pk = quote(table.model._meta.pk.column)
    select_cols = ", ".join([pk, *(quote(f.column) for f in table.encrypted)])
    cond, cond_params = _stale_condition(table, quote)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    set_cols = [*(f.column for f in table.encrypted), *(h.column for h, _ in table.hashes)]
    update = f"UPDATE {db_table} SET {', '.join(f'{quote(c)} = %s' for c in set_cols)} WHERE {pk} = %s"
    rotated = 0
    while True:
        last = state["tables"].get(table.label)
        where = cond if last is None else f"{pk} > %s AND {cond}"
        params = cond_params if last is None else [last, *cond_params]
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select_cols} FROM {db_table} WHERE {where} ORDER BY {pk} LIMIT %s{lock}",
                [*params, batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for row in rows:
                try:
                    new_tokens, new_hashes = _rotate_row(table, row[1:])
                except crypto.DecryptionError as e:
                    raise RotationError(
                        f"{table.name} 主键 {row[0]} 的值无法解密，轮换停止：{e}。"
                        "请确认 FIELD_ENCRYPTION_OLD_KEYS 包含加密这些数据时所用的全部密钥。"
                    ) from None
                updates.append((*new_tokens, *new_hashes, row[0]))
            cursor.executemany(update, updates)
        rotated += len(rows)
        state["tables"][table.label] = rows[-1][0]
        _save_state(state)
        if on_batch:
            on_batch(table, rotated, len(rows))
    return rotated


def _rotate_files(on_file: Callable[[int, int], None] | None) -> dict:
    jobs = [
        (path, import_string(hook["rotate_file"]))
        for hook in _hooks()
        if hook.get("files")
        for path in sorted(import_string(hook["files"])())
    ]
    done = missing = 0
    for i, (path, rotate_file) in enumerate(jobs, 1):
        try:
            done += rotate_file(path)
        except FileNotFoundError:
            missing += 1
        except Exception as e:  # InvalidTag: sealed by a key that is not configured, or damaged
            raise RotationError(
                f"上传的原始文件 {path} 无法用已配置的密钥解密，轮换停止（{type(e).__name__}）"
            ) from None
        if on_file:
            on_file(i, len(jobs))
    return {"files": done, "missing": missing}


def rotate(
    *,
    batch_size: int = BATCH,
    using: str = DEFAULT_DB_ALIAS,
    files: bool = True,
    on_batch: Callable[[Table, int, int], None] | None = None,
    on_file: Callable[[int, int], None] | None = None,
    actor=None,
) -> dict:
    """Re-encrypt everything under the current key (resumable); returns what was done."""
    problem = keycheck.verify(create=False, using=using)
    if problem:
        raise RotationError(problem)
    started = time.monotonic()
    state = load_state(using)
    # Smallest first: the household roster (searched by the 精确查找 box) is done in seconds, the loans last.
    todo = sorted(tables(), key=lambda t: (t.model._base_manager.using(using).count(), t.label))
    rotated = {}
    for _attempt in range(3):
        for table in todo:
            rotated[table.label] = rotated.get(table.label, 0) + rotate_table(
                table, state, batch_size=batch_size, using=using, on_batch=on_batch
            )
        # Rows written meanwhile by a process still running with the old configuration: walk them again.
        todo = [t for t in tables() if stale_rows(t, using)]
        if not todo:
            break
        for table in todo:
            state["tables"].pop(table.label, None)
    else:
        raise RotationError(
            "轮换后仍有数据以旧密钥写入：还有进程在使用旧的 FIELD_ENCRYPTION_KEY。请用新配置重启全部进程后再运行 puhui rotate_key。"
        )
    file_stats = {"files": 0, "missing": 0}
    if files and not state.get("files"):
        file_stats = _rotate_files(on_file)
        state["files"] = True
        _save_state(state)
    keycheck.record_current_key(using)
    from puhui.core.audit import audit_rechain, audit_record
    from puhui.core.models import AuditLog

    # The audit chain's HMAC key derives from the field key: re-hash it now, while the old key still
    # verifies the chain (audit_rechain refuses a chain that is already broken).
    chained = audit_rechain(using=using)
    seconds = time.monotonic() - started
    result = {
        "rows": sum(rotated.values()),
        "tables": rotated,
        **file_stats,
        "audit_rows": chained,
        "seconds": round(seconds, 1),
    }

    audit_record(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        object_type="core.KeyCheck",
        object_repr="字段加密密钥",
        after={"rows": result["rows"], "files": result["files"], "kid": crypto.current_kid()},
        note=f"字段加密密钥轮换完成：重新加密 {result['rows']} 行、{result['files']} 个原始文件",
    )
    progress_path().unlink(missing_ok=True)
    return result
