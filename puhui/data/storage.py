"""Bulk writes of submission rows (COPY on PostgreSQL, big executemany batches on SQLite), and the
uploaded originals on disk, encrypted at rest.

Rows arrive as lines of PostgreSQL's COPY text format (tab-separated, \\N for NULL, booleans t/f) in a
spool file written while the upload was checked, so the write is one pass over the file and memory stays
flat for a million rows.

Storing a submission (`submission_store`) never holds the write lock for long — on SQLite one writer at a
time holds it for the whole database, so 400,000 rows in one transaction kept every login and page write
waiting for six seconds (finding M5). Instead: the Submission row is created STORING (hidden from every
reader by `Submission.objects`, version 0, not current); its rows go in batches of `store_batch_rows()`
(20,000), each batch in its own short transaction, the next batch parsed before its transaction begins,
with a short pause between batches on SQLite so that waiting writers get their turn; then one short final
transaction locks the institution's row, takes the next version number, makes it the current version and
SUBMITTED, and writes the audit record. Readers see all of it or nothing, as before. On any failure the
rows are deleted in batches and the row with them; a crash's leftovers, hidden all along, are deleted by
`submissions_unfinished_delete` once older than `PUHUI_DATA_UNFINISHED_HOURS` (`puhui purge_uploads`,
daily).

Uploaded originals are kept encrypted at rest by `puhui.core.sealed_files`.
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from puhui.core.audit import audit_record, snapshot
from puhui.core.models import AuditLog, Organisation
from puhui.data.models import AggregateValue, GuaranteeRecord, IndicatorValue, LoanRecord, Submission

logger = logging.getLogger(__name__)

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
    "product",
    "collateral",
)
# Rows are written here without the model field: the ciphertext is bound to this column by hand
# (crypto.encrypt(value, context=BORROWER_ID_CONTEXT)), as EncryptedField binds its own.
BORROWER_ID_CONTEXT = LoanRecord._meta.get_field("borrower_id").context
# Positions (after submission_id) whose text is a boolean or NULL-able, for the SQLite path.
_BOOL_POS = {LOAN_COLUMNS.index(c) - 1 for c in ("is_credit", "is_first", "is_agri")}
_INT_POS = {LOAN_COLUMNS.index(c) - 1 for c in ("row", "town_id", "village_id", "amount_fen", "balance_fen")}
SQLITE_BATCH = 20_000


def store_batch_rows() -> int:
    """Rows per transaction while a submission is stored: about 0.3 s of SQLite's write lock each."""
    return max(1, int(getattr(settings, "PUHUI_DATA_STORE_BATCH", 20_000)))


def store_pause() -> float:
    """Seconds between two batches with the write lock released. SQLite has no queue for its lock: a writer
    waiting on it polls, every 100 ms once it has waited a while, and would rarely find a shorter gap free.
    PostgreSQL locks rows, not the database: no pause."""
    default = 0.1 if connection.vendor == "sqlite" else 0.0
    return float(getattr(settings, "PUHUI_DATA_STORE_PAUSE", default))


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
    *,
    submission_id: int,
    spool_path: str,
    total: int,
    progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
    pause: float = 0.0,
) -> int:
    """Write the spooled loan rows of a submission: each batch in its own transaction (a savepoint when the
    caller holds one), COPY on PostgreSQL, executemany on SQLite. A batch is parsed before its transaction
    begins, so the lock is held only for the insert; `progress(written, total)` and `pause` come between
    batches, outside any transaction of ours."""
    table = LoanRecord._meta.db_table
    batch = batch or store_batch_rows()
    written = 0
    if connection.vendor == "postgresql":
        prefix = f"{submission_id}\t"
        sql = f"COPY {table} ({', '.join(LOAN_COLUMNS)}) FROM STDIN"

        def insert(cursor, lines: list[str]) -> None:
            data = "".join(prefix + line for line in lines)
            with transaction.atomic(), cursor.cursor.copy(sql) as copy:  # psycopg 3: COPY from our buffer
                copy.write(data)

    else:
        sql = (
            f"INSERT INTO {table} ({', '.join(LOAN_COLUMNS)}) VALUES ({', '.join(['?'] * len(LOAN_COLUMNS))})"
        )

        def insert(cursor, lines: list[str]) -> None:
            params = [
                (submission_id, *(_sqlite_value(i, p) for i, p in enumerate(line.rstrip("\n").split("\t"))))
                for line in lines
            ]
            with transaction.atomic():
                cursor.cursor.executemany(sql, params)  # bypass the debug wrapper: it keeps every parameter

    with connection.cursor() as cursor:
        for lines in _lines(spool_path, batch):
            if written and pause and not connection.in_atomic_block:
                time.sleep(pause)  # the lock is free: let waiting writers in
            insert(cursor, lines)
            written += len(lines)
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


# ---------------------------------------------------------------- a submission, stored in batches, hidden until whole


def unfinished_hours() -> float:
    """After how many hours a submission still STORING is a crash's leftover (a store takes minutes at most)."""
    return float(getattr(settings, "PUHUI_DATA_UNFINISHED_HOURS", 6))


def submission_store(
    *, actor, fields: dict, write: Callable[[Submission], object], note: Callable[[Submission], str]
) -> Submission:
    """Store a checked submission as the next version without holding a write lock for long.

    `fields` are the Submission's own (institution, form, period, channel, file, totals …); `write(submission)`
    inserts its rows, in short transactions of its own (`write_loans`); `note(submission)` is the audit note,
    made once the version is known. Until the final transaction the submission is STORING, which
    `Submission.objects` — every page, export, API answer and computation — never returns. Raises what
    `write` or the final transaction raised (IntegrityError: another store took the version number), after
    deleting everything stored so far.
    """
    return submission_finish(submission_begin(fields), actor=actor, write=write, note=note)


def submission_begin(fields: dict) -> Submission:
    """The hidden STORING row a submission's rows are written under (`submission_store`'s first step; the
    loan stream creates it before the file is checked, `puhui.data.streaming`)."""
    return Submission.all_objects.create(
        **fields,
        version=0,
        is_current=False,
        status=Submission.Status.STORING,
        submitted_at=timezone.now(),
    )


def submission_finish(
    submission: Submission, *, actor, write: Callable[[Submission], object], note: Callable[[Submission], str]
) -> Submission:
    """`write(submission)`, then publish it; on any failure delete it with its rows, and raise."""
    try:
        write(submission)
        return _publish(submission, actor=actor, note=note)
    except BaseException:
        submission_discard_quietly(submission.pk)
        raise


def submission_discard_quietly(submission_id: int) -> None:
    """`submission_discard`, logging instead of raising: when the database is gone too, the leftover stays
    hidden and the daily cleanup deletes it."""
    try:
        submission_discard(submission_id)
    except Exception:
        logger.exception("could not delete the unfinished submission %s", submission_id)


def _publish(submission: Submission, *, actor, note: Callable[[Submission], str]) -> Submission:
    """The one short transaction that makes a stored submission the current version, SUBMITTED."""
    with transaction.atomic():
        # Lock the institution's row so that two stores of the same form cannot take the same version number
        # (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers anyway). The unique constraint backs it.
        Organisation.objects.select_for_update().filter(pk=submission.institution_id).first()
        previous = Submission.objects.filter(
            institution_id=submission.institution_id, form=submission.form, period_id=submission.period_id
        )
        version = (previous.aggregate(v=Max("version"))["v"] or 0) + 1
        previous.filter(is_current=True).update(is_current=False)
        now = timezone.now()
        published = Submission.all_objects.filter(pk=submission.pk, status=Submission.Status.STORING).update(
            status=Submission.Status.SUBMITTED, version=version, is_current=True, submitted_at=now
        )
        if published != 1:  # deleted meanwhile as a leftover: nothing of it is left to publish
            raise RuntimeError(f"unfinished submission {submission.pk} was deleted while it was stored")
        submission.status, submission.version = Submission.Status.SUBMITTED, version
        submission.is_current, submission.submitted_at = True, now
        audit_record(
            actor=actor,
            action=AuditLog.Action.IMPORT,
            obj=submission,
            after=snapshot(submission),
            note=note(submission),
        )
    return submission


def submission_discard(submission_id: int, *, batch: int | None = None) -> bool:
    """Delete a submission that is still STORING: its rows in batches (a short transaction each), then the
    row. A submission that is not STORING is never touched. True when there was one to delete."""
    if not Submission.all_objects.filter(pk=submission_id, status=Submission.Status.STORING).exists():
        return False
    batch = batch or store_batch_rows()
    for model in (LoanRecord, AggregateValue, GuaranteeRecord):
        table = model._meta.db_table
        sql = f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE submission_id = %s LIMIT %s)"
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                if not Submission.all_objects.filter(
                    pk=submission_id, status=Submission.Status.STORING
                ).exists():
                    return False  # published meanwhile (a store in another process): its rows stay
                cursor.execute(sql, [submission_id, batch])
                deleted = cursor.rowcount
            if deleted < batch:
                break
    with transaction.atomic():
        return bool(
            Submission.all_objects.filter(pk=submission_id, status=Submission.Status.STORING).delete()[0]
        )


def submissions_unfinished_delete(
    *, now: datetime.datetime | None = None, hours: float | None = None
) -> list[int]:
    """Delete the submissions left STORING by a crash, older than `hours` (PUHUI_DATA_UNFINISHED_HOURS);
    returns their ids. Newer ones may still be being stored and are left alone."""
    hours = unfinished_hours() if hours is None else hours
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=hours)
    ids = list(
        Submission.all_objects.filter(status=Submission.Status.STORING, submitted_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [pk for pk in ids if submission_discard(pk)]
