"""Storing a loan-level submission while it is still being checked (PostgreSQL).

`puhui.data.intake` checks a whole file, then stores it: on a two-core server one core idles in each pass
(Python checks while PostgreSQL waits; PostgreSQL inserts and maintains its indexes while Python waits).
On PostgreSQL, outside any transaction, a large loan file is stored as it is checked instead: the hidden
STORING submission is created first (`storage.submission_begin`), and each checked block's COPY lines go to
a writer thread with its own connection, one short transaction a block, while the next block is checked.

Readers see no difference: the rows stay hidden until the one publishing transaction
(`storage.submission_finish`). On the first error the writer is given nothing more, and once the whole
file has been read (every error is still reported) everything it wrote is deleted with the submission
(`storage.submission_discard`): all or nothing, as before. A file with an error near its end costs the
writes of the rows before it.
"""

from __future__ import annotations

import os
import queue
import threading

from django.conf import settings
from django.db import connection, transaction

from puhui.data import storage
from puhui.data.models import LoanRecord, Submission

QUEUE_BLOCKS = 4  # checked blocks waiting for the writer, at most (about 5 MB each)


def stream_from_bytes() -> int:
    """Files from this size on are stored while they are checked (PUHUI_DATA_STREAM_BYTES; 0 = never)."""
    return int(getattr(settings, "PUHUI_DATA_STREAM_BYTES", 4 * 1024 * 1024))


def possible(path: str | None) -> bool:
    """A file large enough, on PostgreSQL, with no transaction open (the writer's connection must see the
    submission row, and a caller's transaction would hold it uncommitted)."""
    limit = stream_from_bytes()
    return bool(
        path
        and limit
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and os.path.getsize(path) >= limit
    )


class LoanStream:
    """The writer thread of one submission: `put` a block's COPY text, `finish` or `abandon` at the end."""

    def __init__(self, fields: dict):
        self.submission = storage.submission_begin(fields)
        self.prefix = f"{self.submission.pk}\t"  # each line's first field: the submission
        self.sql = f"COPY {LoanRecord._meta.db_table} ({', '.join(storage.LOAN_COLUMNS)}) FROM STDIN"
        self.written = 0
        self.error: BaseException | None = None
        self.open = True
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._thread = threading.Thread(target=self._run, name=f"loans-{self.submission.pk}", daemon=True)
        self._thread.start()

    def put(self, text: bytes, rows: int) -> None:
        """Hand a block's COPY lines (each beginning with `prefix`) to the writer; waits while it is behind."""
        if self.open and self.error is None:
            self._queue.put((text, rows))

    def stop(self) -> None:
        """Nothing more will be written (an error was found); what was written is deleted by `abandon`."""
        self.open = False

    def finish(self, *, rows: int, totals: dict) -> Submission:
        """Wait for the writer, then give the submission its row count and totals; raises what the writer
        raised. The caller publishes it (`storage.submission_finish`)."""
        self._close()
        if self.error is not None:
            raise self.error
        if self.written != rows:
            raise RuntimeError(f"streamed {self.written} loan rows of {rows}")
        Submission.all_objects.filter(pk=self.submission.pk).update(row_count=rows, totals=totals)
        self.submission.row_count, self.submission.totals = rows, totals
        return self.submission

    def abandon(self) -> None:
        """Stop the writer and delete the submission with every row written."""
        self.stop()
        self._close()
        storage.submission_discard_quietly(self.submission.pk)

    def _close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            with connection.cursor() as cursor:  # this thread's own connection
                while (item := self._queue.get()) is not None:
                    text, rows = item
                    with transaction.atomic(), cursor.cursor.copy(self.sql) as copy:
                        copy.write(text)
                    self.written += rows
        except BaseException as e:  # reported by finish(); put() gives no more
            self.error = e
            while self._queue.get() is not None:
                pass
        finally:
            connection.close()
