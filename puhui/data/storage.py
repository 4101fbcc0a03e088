"""Bulk writes of submission rows: COPY on PostgreSQL, big executemany batches on SQLite.

Rows arrive as lines of PostgreSQL's COPY text format (tab-separated, \\N for NULL, booleans t/f) in a
spool file written while the upload was checked, so the write is one pass over the file and memory stays
flat for a million rows. The caller holds the transaction.
"""

from collections.abc import Callable, Iterator

from django.db import connection

from puhui.data.models import IndicatorValue, LoanRecord

LOAN_COLUMNS = (
    "submission_id",
    "row",
    "loan_no",
    "id_kind",
    "borrower_id",
    "borrower_hash",
    "borrower_type",
    "town_id",
    "village_id",
    "amount_fen",
    "balance_fen",
    "rate",
    "issued_on",
    "due_on",
    "guarantee",
    "is_credit",
    "is_first",
    "is_agri",
    "status",
)
# Positions (after submission_id) whose text is a boolean or NULL-able, for the SQLite path.
_BOOL_POS = {LOAN_COLUMNS.index(c) - 1 for c in ("is_credit", "is_first", "is_agri")}
_INT_POS = {LOAN_COLUMNS.index(c) - 1 for c in ("row", "town_id", "village_id", "amount_fen", "balance_fen")}
COPY_CHUNK_LINES = 50_000
SQLITE_BATCH = 20_000


def _lines(path: str, chunk: int) -> Iterator[list[str]]:
    with open(path, encoding="utf-8", newline="\n") as f:
        batch = []
        for line in f:
            batch.append(line)
            if len(batch) >= chunk:
                yield batch
                batch = []
        if batch:
            yield batch


def _sqlite_value(pos: int, text: str):
    if text == "\\N":
        return None
    if pos in _BOOL_POS:
        return 1 if text == "t" else 0
    if pos in _INT_POS:
        return int(text)
    return text


def write_loans(
    *, submission_id: int, spool_path: str, total: int, progress: Callable[[int, int], None] | None = None
) -> int:
    table = LoanRecord._meta.db_table
    written = 0
    if connection.vendor == "postgresql":
        prefix = f"{submission_id}\t"
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3: COPY streams straight from our buffer
            with raw.copy(f"COPY {table} ({', '.join(LOAN_COLUMNS)}) FROM STDIN") as copy:
                for batch in _lines(spool_path, COPY_CHUNK_LINES):
                    copy.write("".join(prefix + line for line in batch))
                    written += len(batch)
                    if progress:
                        progress(written, total)
        return written
    sql = f"INSERT INTO {table} ({', '.join(LOAN_COLUMNS)}) VALUES ({', '.join(['%s'] * len(LOAN_COLUMNS))})"
    sql = sql.replace("%s", "?")
    with connection.cursor() as cursor:
        raw = cursor.cursor  # bypass the debug wrapper: it would keep every parameter in memory
        for batch in _lines(spool_path, SQLITE_BATCH):
            params = []
            for line in batch:
                parts = line.rstrip("\n").split("\t")
                params.append((submission_id, *(_sqlite_value(i, p) for i, p in enumerate(parts))))
            raw.executemany(sql, params)
            written += len(batch)
            if progress:
                progress(written, total)
    return written


VALUE_COLUMNS = (
    "run_id",
    "indicator_code",
    "indicator_version",
    "period_id",
    "level",
    "organisation_id",
    "division_id",
    "value",
)


def write_values(rows: list[tuple]) -> int:
    """Derived indicator values: (run, code, version, period, level, organisation, division, value)."""
    if not rows:
        return 0
    table = IndicatorValue._meta.db_table
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(VALUE_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)
    sql = f"INSERT INTO {table} ({', '.join(VALUE_COLUMNS)}) VALUES ({', '.join(['?'] * len(VALUE_COLUMNS))})"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, len(rows), SQLITE_BATCH):
            raw.executemany(
                sql,
                [
                    (*r[:-1], None if r[-1] is None else str(r[-1]))
                    for r in rows[start : start + SQLITE_BATCH]
                ],
            )
    return len(rows)
