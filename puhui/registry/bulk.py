"""Bulk reads and writes for the roster imports, below the ORM where the ORM is the cost.

Django's bulk_create on PostgreSQL sends each column as an array literal that psycopg quotes in Python, and
an `__in` of 2,000 values as 2,000 placeholders it interpolates one by one: at 200,000 households and
650,000 members that was most of the import's time. Here rows go in with COPY (PostgreSQL; psycopg's C
writer) or one executemany (SQLite), ready-made: encrypted values and look-up hashes are computed by the
caller with `encrypted()` / `crypto.lookup_hash`, as the model fields would. Ids for rows other rows refer to
are taken from the table's sequence first (`allocate_ids`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

from puhui.core import crypto

SQLITE_CHUNK = 2000  # values per IN (...) on SQLite, under its parameter limit


def encrypted(model: type[models.Model], field: str):
    """A function encrypting a value for `model.field` exactly as its EncryptedField would (same context)."""
    context = model._meta.get_field(field).context

    def encrypt(value: str) -> str:
        return crypto.encrypt(value, context=context) if value else value

    return encrypt


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` new primary keys for `model`, taken from its sequence (PostgreSQL) or after its largest id (SQLite,
    whose write transaction the caller holds)."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


def insert_rows(model: type[models.Model] | str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert rows of database values (`columns` are column names) into a model's table (or the table
    named) in one COPY or one executemany."""
    table = model if isinstance(model, str) else model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'.replace("%s", "?")
        cursor.cursor.executemany(sql, rows)  # sqlite3's own: it takes an iterator, row by row
        return cursor.cursor.rowcount


def select_in(sql: str, values: Sequence, params: Sequence = ()) -> list[tuple]:
    """Rows of `sql`, whose one `{values}` marks where `column IN (…)` takes `values`: one `= ANY(array)`
    parameter on PostgreSQL (not thousands of placeholders), chunks of IN (…) on SQLite."""
    if not values:
        return []
    out: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(values="= ANY(%s)"), [*params, list(values)])
            return cursor.fetchall()
        values = list(values)
        for i in range(0, len(values), SQLITE_CHUNK):
            part = values[i : i + SQLITE_CHUNK]
            cursor.execute(sql.format(values=f"IN ({', '.join(['%s'] * len(part))})"), [*params, *part])
            out.extend(cursor.fetchall())
    return out


def temp_table(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[tuple]) -> None:
    """A temporary table of the caller's transaction (`columns`: name and SQL type), filled in bulk: the
    roster's checks join it with the stored tables in one query each instead of 300 rounds of look-ups."""
    drop_temp_table(name)
    spec = ", ".join(f'"{c}" {kind}' for c, kind in columns)
    with connection.cursor() as cursor:
        suffix = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
        cursor.execute(f'CREATE TEMPORARY TABLE "{name}" ({spec}){suffix}')
    insert_rows(name, [c for c, _kind in columns], rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{name}"')  # a plan for 600,000 rows, not for an empty table


def drop_temp_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


class Stream:
    """The rows of one query, ordered by its first column (a household's index in the file), read in step
    with the checks' chunks: `until(limit)` gives the rows whose first value is below `limit`, grouped by it.
    A server-side cursor on PostgreSQL, so the whole result is never in memory."""

    def __init__(self, sql: str, params: Sequence = (), *, name: str = "roster_stream", size: int = 5000):
        self.size = size
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            self.cursor = connection.connection.cursor(name=name)
        else:
            self.cursor = connection.connection.cursor()
            sql = sql.replace("%s", "?")
        self.cursor.execute(sql, list(params))
        self.buffer: list[tuple] = []
        self.pos = 0
        self.done = False

    def until(self, limit: int) -> dict[int, list[tuple]]:
        out: dict[int, list[tuple]] = {}
        while True:
            if self.pos == len(self.buffer):
                if self.done:
                    return out
                self.buffer, self.pos = self.cursor.fetchmany(self.size), 0
                if not self.buffer:
                    self.done = True
                    return out
            row = self.buffer[self.pos]
            if row[0] >= limit:
                return out
            out.setdefault(row[0], []).append(row)
            self.pos += 1

    def close(self) -> None:
        self.cursor.close()


def update_rows(model: type[models.Model], fields: Sequence[str], objs: Sequence[models.Model]) -> int:
    """UPDATE the given fields of `objs` from their attributes: one COPY into a temporary table and one
    UPDATE … FROM it on PostgreSQL, one executemany on SQLite (bulk_update's CASE per column over every row of
    a batch was most of an upsert's writing). Values go through each field's `get_db_prep_save` (encrypted
    fields encrypt); a look-up hash must already be set on the object (its pre_save does not run)."""
    if not objs:
        return 0
    table = model._meta.db_table
    concrete = [model._meta.get_field(name) for name in fields]
    rows = (
        (*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete), obj.pk) for obj in objs
    )
    if connection.vendor != "postgresql":
        sets = ", ".join(f'"{f.column}" = %s' for f in concrete)
        with connection.cursor() as cursor:
            cursor.executemany(f'UPDATE "{table}" SET {sets} WHERE "id" = %s', list(rows))
        return len(objs)
    temp = f"update_{table}"[:60]
    columns = [(f.column, f.db_type(connection)) for f in concrete]
    temp_table(temp, [*columns, ("pk", "bigint")], rows)
    sets = ", ".join(f'"{f.column}" = v."{f.column}"' for f in concrete)
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" t SET {sets} FROM "{temp}" v WHERE t."id" = v."pk"')
    drop_temp_table(temp)
    return len(objs)
