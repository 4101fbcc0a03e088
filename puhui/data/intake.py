"""Receiving a submission: read every row, check it, then store all of it or nothing.

Two passes, so that a million-row file neither fills memory nor holds a write lock while it is read:

1. Read (no transaction). Loan rows are checked in columns, 20,000 rows a block (`puhui.data.columnar`:
   the same errors as the import engine's `TableReader`, which reads the aggregate forms row by row); each
   good loan becomes, already encrypted and hashed, a COPY-format line in a spool file on disk. Loan ids go
   into an array of 64-bit hashes; duplicates are found at the end with numpy, and only their rows are
   looked at again. Totals for the cross-period check are summed as we go.
2. Store (only if pass 1 found no error; `storage.submission_store`): the Submission row, hidden while it
   is STORING; the spool file through COPY (PostgreSQL) or executemany (SQLite), 20,000 rows a short
   transaction; then one short transaction gives it its version number and writes the audit record.

On PostgreSQL a large loan file skips the spool: its blocks are written while the next ones are checked,
under the hidden submission, and deleted again if any error turns up (`puhui.data.streaming`).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import python_calamine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from puhui.core.models import Organisation
from puhui.core.periods import previous_year_code
from puhui.data import blocks, columnar, columnar_store, guarantee_intake, storage, streaming
from puhui.data.catalogue import FormDef
from puhui.data.county import CountyContext, county_context
from puhui.data.models import AggregateValue, ReportingPeriod, Submission
from puhui.data.specs import NOTE_KEY, PLACE_KEY, spec_for
from puhui.imports.tabular import (
    ErrorList,
    FileError,
    Row,
    Source,
    TableReader,
    TableSpec,
    check_inflated_size,
    human_size,
    open_table,
)

META_SHEET = "模板信息"
COMMENT_COLUMN = "报送说明"
PROGRESS_EVERY = 20_000
ERROR_LIMIT = 10_000
Progress = Callable[[int, int, str], None]


def max_bytes() -> int:
    # Loan-level files run to a hundred megabytes; the import page's 50 MB limit is for reference tables.
    return int(getattr(settings, "PUHUI_DATA_MAX_BYTES", 256 * 1024 * 1024))


def max_excel_bytes() -> int:
    """Excel files have a lower limit than CSV: python-calamine (0.9) has no lazy reader, it holds the whole
    worksheet in memory while the rows are checked — about 1.6 GB at peak for 1,000,000 loan rows (a 72 MB
    .xlsx), some 20 times the file's size. CSV is read row by row at any size."""
    return int(getattr(settings, "PUHUI_DATA_MAX_EXCEL_BYTES", 100 * 1024 * 1024))


def max_inflated_bytes() -> int:
    """How far an .xlsx's parts may inflate. Higher than the import page's PUHUI_IMPORT_MAX_INFLATED_BYTES:
    a loan sheet is ~850 bytes of XML a row as openpyxl writes it (about 10:1 compressed), so 1 GB is some
    1.2 million rows, beyond Excel's own 1,048,576. A small file of far more XML is refused unread."""
    return int(getattr(settings, "PUHUI_DATA_MAX_INFLATED_BYTES", 1024 * 1024 * 1024))


@dataclass
class Outcome:
    errors: ErrorList
    rows: int = 0
    source: str = ""
    totals: dict = field(default_factory=dict)
    submission: Submission | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.submission is not None and not self.errors


def yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def fen(amount: Decimal) -> int:
    return int(amount.scaleb(2))


# ---------------------------------------------------------------- sources


def json_source(rows: list[dict]) -> Source:
    """JSON rows as a table: the keys of all rows form the header; row n is the n-th object (1-based)."""
    keys: dict[str, None] = {}
    for r in rows:
        if isinstance(r, dict):
            keys.update(dict.fromkeys(r))
    header = list(keys)

    def gen() -> Iterator[tuple[int, list[Any]]]:
        yield 0, header
        for n, r in enumerate(rows, start=1):
            yield n, [r.get(k) for k in header]

    return Source(format="json", rows=gen())


def template_meta(path: str) -> dict[str, str]:
    """What our own template says it is for (form, period, institution); empty for other workbooks."""
    try:
        wb = python_calamine.CalamineWorkbook.from_path(path)
        if META_SHEET not in wb.sheet_names:
            return {}
        rows = wb.get_sheet_by_name(META_SHEET).to_python()
    except Exception:  # a broken workbook is reported by the reader itself
        return {}
    return {str(r[0]): str(r[1]) for r in rows if len(r) >= 2 and r[0]}


# ---------------------------------------------------------------- pass 1: loans


class _LoanSink:
    """Turns checked blocks of loan rows into spool lines; keeps only hashes, row numbers and totals in memory."""

    def __init__(self, spool, keys, *, errors: ErrorList, stream: streaming.LoanStream | None = None):
        self.spool = spool  # COPY text lines of good rows (unless they go to `stream`)
        self.errors = errors
        self.stream = stream
        self.keys = keys  # the readable loan ids, a line each (their rows: `numbers`), for the duplicate pass
        self.hashes = array("q")
        self.numbers = array("q")
        self.count = 0
        self.amount = 0
        self.balance = 0
        self.by_type: dict[str, int] = {}
        self.by_town: dict[int, int] = {}
        self.lines = columnar_store.LoanLines(storage.BORROWER_ID_CONTEXT, stream.prefix if stream else "")

    def add_block(self, checked: columnar.Checked) -> None:
        parsed, numbers = checked.parsed, checked.numbers
        loan = parsed["loan_no"]
        has_loan = ~loan.bad
        if has_loan.any():
            loan_nos = loan.array(str, name="str")[has_loan].tolist()
            rows = numbers[has_loan].tolist()
            self.hashes.extend(map(hash, loan_nos))
            self.numbers.extend(rows)
            self.keys.write("\n".join(loan_nos) + "\n")
        good = np.flatnonzero(checked.ok)
        if not len(good):
            return
        self._add_totals(parsed, good)
        if self.errors:  # nothing of this file will be stored: no lines
            if self.stream:
                self.stream.stop()
        elif self.stream:
            self.stream.put(self.lines(checked, good), len(good))
        else:
            self.spool.write(self.lines(checked, good))

    def _add_totals(self, parsed, good) -> None:
        amount = parsed["amount"].fen[good]
        balance = parsed["balance"].fen[good]
        self.count += len(good)
        self.amount += columnar_store.exact_sum(amount)
        self.balance += columnar_store.exact_sum(balance)
        types = parsed["borrower_type"].array(str, name="str")[good]
        for bt, total in columnar_store.sums_by(types, balance):
            self.by_type[bt] = self.by_type.get(bt, 0) + total
        towns = parsed[PLACE_KEY].array(lambda v: v[0], np.int64, 0, name="town_id")[good]
        for town, total in columnar_store.sums_by(towns, balance):
            self.by_town[town] = self.by_town.get(town, 0) + total

    def duplicates(self, keys_path: str) -> list[tuple[int, str, int]]:
        """(row, loan id, first row) for every repeat of a loan id, found without a set of a million strings."""
        if not self.hashes:
            return []
        h = np.frombuffer(self.hashes, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        sorted_h = h[order]
        same = sorted_h[1:] == sorted_h[:-1]
        if not same.any():
            return []
        flagged = np.zeros(len(h), dtype=bool)
        flagged[1:] |= same
        flagged[:-1] |= same
        candidates = set(np.frombuffer(self.numbers, dtype=np.int64)[order[flagged]].tolist())
        first_seen: dict[str, int] = {}
        out = []
        numbers = np.frombuffer(self.numbers, dtype=np.int64).tolist()
        with open(keys_path, encoding="utf-8") as f:
            for number, line in zip(numbers, f, strict=True):
                if number not in candidates:
                    continue
                loan_no = line.rstrip("\n")
                first = first_seen.setdefault(loan_no, number)
                if first != number:
                    out.append((number, loan_no, first))
        return out

    def totals(self, ctx: CountyContext) -> dict:
        return {
            "loans": self.count,
            "amount_fen": self.amount,
            "balance_fen": self.balance,
            "balance_by_type_fen": self.by_type,
            "balance_by_town_fen": {
                ctx.towns[t][0]: b for t, b in sorted(self.by_town.items()) if t in ctx.towns
            },
        }


# ---------------------------------------------------------------- pass 1: aggregates


@dataclass
class _AggRow:
    number: int
    town_id: int | None
    values: dict[str, Decimal]
    note: str
    row: Row


class _AggregateSink:
    def __init__(self, form: FormDef):
        self.form = form
        self.rows: list[_AggRow] = []

    def add(self, row: Row) -> None:
        if not row.ok:
            return
        v = row.values
        place = v.get(PLACE_KEY)
        values = {i.code: Decimal(v[i.code]) for i in self.form.items}
        self.rows.append(
            _AggRow(row.number, place[0] if place else None, values, (v.get(NOTE_KEY) or "").strip(), row)
        )

    def totals(self) -> dict:
        sums = {i.code: Decimal(0) for i in self.form.items}
        for r in self.rows:
            for k, x in r.values.items():
                sums[k] += x
        return {"rows": len(self.rows), "items": {k: str(x) for k, x in sums.items()}}


# ---------------------------------------------------------------- cross-period checks


def _previous_approved(
    institution: Organisation, form: FormDef, period: ReportingPeriod
) -> Submission | None:
    code = previous_year_code(period.code)
    return (
        Submission.objects.filter(
            institution=institution, form=form.code, period__code=code, status=Submission.Status.APPROVED
        )
        .order_by("-version")
        .first()
    )


# Below these absolute changes a percentage jump is noise (3 events instead of 1 is +200%).
MIN_CHANGE = {"integer": 10, "number": 100, "money": 10_000}


def _jump(now: Decimal | int, before: Decimal | int, threshold: float, min_change: float = 0) -> float | None:
    """The change in percent when it exceeds the threshold, else None. A zero base is never a jump."""
    if not before or abs(float(now) - float(before)) < min_change:
        return None
    change = (float(now) - float(before)) / abs(float(before)) * 100
    return change if abs(change) > threshold else None


def _fmt_yuan(fen_value: int) -> str:
    y = fen_value / 100
    if abs(y) >= 1e8:
        return f"{y / 1e8:.2f}亿元"
    if abs(y) >= 1e4:
        return f"{y / 1e4:.2f}万元"
    return f"{y:.2f}元"


def _check_loans_yoy(
    *, sink: _LoanSink, errors: ErrorList, institution, form: FormDef, period, comment: str
) -> None:
    prev = _previous_approved(institution, form, period)
    if prev is None or comment.strip():
        return
    before = int(prev.totals.get("balance_fen", 0))
    change = _jump(sink.balance, before, form.yoy_threshold)
    if change is not None:
        errors.add(
            None,
            COMMENT_COLUMN,
            "",
            f"贷款余额合计比上年同期（{prev.period.label}）变动 {change:+.1f}%（上年 {_fmt_yuan(before)}，本期 "
            f"{_fmt_yuan(sink.balance)}），超过 {form.yoy_threshold:g}%；请在“报送说明”中写明原因后重新提交",
        )


def _check_aggregate_yoy(
    *, sink: _AggregateSink, reader: TableReader, institution, form: FormDef, period
) -> None:
    prev = _previous_approved(institution, form, period)
    if prev is None:
        return
    before: dict[tuple[int | None, str], Decimal] = {
        (t, i): v
        for t, i, v in AggregateValue.objects.filter(submission=prev).values_list("town_id", "item", "value")
    }
    for r in sink.rows:
        if r.note:
            continue
        for item in form.items:
            old = before.get((r.town_id, item.code))
            if old is None:
                continue
            change = _jump(r.values[item.code], old, form.yoy_threshold, MIN_CHANGE.get(item.type, 0))
            if change is not None:
                reader.add_error(
                    r.row,
                    item.code,
                    f"比上年同期（{prev.period.label}）变动 {change:+.1f}%（上年 {old.normalize():f}），超过 "
                    f"{form.yoy_threshold:g}%；请在本行“说明”列写明原因",
                )


# ---------------------------------------------------------------- the whole receipt


def _check_meta(
    meta: dict, *, form: FormDef, period: ReportingPeriod, institution: Organisation, errors: ErrorList
) -> None:
    if not meta:
        return
    if meta.get("报表编码") and meta["报表编码"] != form.code:
        errors.add_fatal(
            None,
            "",
            meta.get("报表", meta["报表编码"]),
            f"该文件是“{meta.get('报表', meta['报表编码'])}”的模板，不是“{form.title}”；请下载本表的模板",
        )
        return
    if meta.get("报送期") and meta["报送期"] != period.code:
        errors.add(
            None,
            "",
            meta["报送期"],
            f"该文件是 {meta['报送期']} 的模板，与所选报送期 {period.label}（{period.code}）不符",
        )
    if meta.get("机构编码") and meta["机构编码"] != institution.code:
        errors.add(None, "", meta["机构编码"], "该文件是为其他机构生成的模板，请下载本机构的模板")


def _read(
    *,
    spec: TableSpec,
    source: Source,
    errors: ErrorList,
    sink,
    progress: Progress | None,
    expected_rows: int,
    path: str | None = None,
) -> TableReader:
    reader = TableReader(spec, source, errors)
    if isinstance(sink, _LoanSink):  # in columns, a block of rows at a time (puhui.data.columnar)
        checker = columnar.BlockChecker(reader)
        done = 0
        for block in blocks.read_blocks(reader, source, path, size=PROGRESS_EVERY):
            sink.add_block(checker.check(block))
            if progress and reader.rows_read // PROGRESS_EVERY > done // PROGRESS_EVERY:
                progress(reader.rows_read, expected_rows, f"已检查 {reader.rows_read:,} 行")
            done = reader.rows_read
        checker.finish()
        return reader
    for n, row in enumerate(reader, start=1):
        sink.add(row)
        if progress and n % PROGRESS_EVERY == 0:
            progress(n, expected_rows, f"已检查 {n:,} 行")
    return reader


def _estimate_rows(path: str | None, size: int) -> int:
    # ~120 bytes a loan row as CSV; only for the progress bar.
    return max(1, size // 120) if path else 0


def receive(
    *,
    actor,
    actor_label: str,
    institution: Organisation,
    form: FormDef,
    period: ReportingPeriod,
    channel: str,
    path: str | None = None,
    rows: list[dict] | None = None,
    filename: str = "",
    comment: str = "",
    progress: Progress | None = None,
    keep_file: str = "",
) -> Outcome:
    """Check a file (path) or JSON rows and store them as the next version, or return every error."""
    started = time.perf_counter()
    errors = ErrorList(ERROR_LIMIT)
    outcome = Outcome(errors=errors)
    ctx = county_context()
    spec = spec_for(form, ctx=ctx, period=period)
    fields = _fields(
        actor, actor_label, institution, form, period, channel, filename, comment, keep_file, path
    )
    stream = None
    try:
        with _spool_files() as (spool_path, keys_path):
            with (
                open(spool_path, "wb") as spool,  # UTF-8 COPY lines
                open(keys_path, "w", encoding="utf-8", newline="\n") as keys,
            ):
                sink = _sink(form, fields, spool=spool, keys=keys, errors=errors, path=path)
                stream = getattr(sink, "stream", None)
                reader = _read_rows(
                    spec=spec,
                    sink=sink,
                    outcome=outcome,
                    form=form,
                    period=period,
                    institution=institution,
                    path=path,
                    rows=rows,
                    filename=filename,
                    progress=progress,
                )
            if errors.fatal:
                return outcome
            outcome.totals = _check_across_rows(
                sink=sink,
                reader=reader,
                keys_path=keys_path,
                errors=errors,
                ctx=ctx,
                institution=institution,
                form=form,
                period=period,
                comment=comment,
            )
            if errors:
                return outcome
            if progress:
                progress(0, outcome.rows, "检查通过，正在保存……")
            outcome.submission = _store(
                actor=actor,
                fields=dict(fields, row_count=outcome.rows, totals=outcome.totals),
                form=form,
                period=period,
                sink=sink,
                spool_path=spool_path,
                progress=progress,
                errors=errors,
            )
            return outcome
    finally:
        if stream is not None and outcome.submission is None:
            stream.abandon()  # refused, or failed: the rows written so far go, with their hidden submission
        outcome.seconds = time.perf_counter() - started


def _sink(form: FormDef, fields: dict, *, spool, keys, errors: ErrorList, path: str | None):
    """The aggregate rows kept in memory, or the loan rows spooled — or, on PostgreSQL, stored as they are
    checked (`puhui.data.streaming`), under a hidden submission made now. Guarantees: `guarantee_intake`."""
    if form.is_guarantees:
        return guarantee_intake.GuaranteeSink()
    if not form.is_loans:
        return _AggregateSink(form)
    stream = streaming.LoanStream(dict(fields, row_count=0, totals={})) if streaming.possible(path) else None
    return _LoanSink(spool, keys, errors=errors, stream=stream)


def _fields(
    actor, actor_label, institution, form, period, channel, filename, comment, keep_file, path
) -> dict:
    """The Submission's own fields, but for its row count and totals."""
    return dict(
        institution=institution,
        form=form.code,
        period=period,
        channel=channel,
        filename=filename[:200],
        file=keep_file,
        sha256=_sha256(path),
        comment=comment,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        submitted_label=actor_label[:150],
    )


@contextlib.contextmanager
def _spool_files() -> Iterator[tuple[str, str]]:
    """(the rows' COPY spool, the loan numbers' key file) in a private directory, removed afterwards."""
    workdir = tempfile.mkdtemp(
        prefix="puhui-submission-", dir=getattr(settings, "PUHUI_DATA_SPOOL_DIR", None)
    )
    paths = (os.path.join(workdir, "rows.copy"), os.path.join(workdir, "keys.tsv"))
    try:
        yield paths
    finally:
        for p in paths:
            with contextlib.suppress(FileNotFoundError):
                os.remove(p)
        with contextlib.suppress(OSError):
            os.rmdir(workdir)


def _read_rows(
    *,
    spec: TableSpec,
    sink,
    outcome: Outcome,
    form: FormDef,
    period: ReportingPeriod,
    institution: Organisation,
    path: str | None,
    rows: list[dict] | None,
    filename: str,
    progress: Progress | None,
):
    """Step 1: read the JSON rows or the file into `sink`, checking each row; the reader (None when the
    file was refused before its rows were read). Sets the outcome's source and row count."""
    errors = outcome.errors
    reader = None
    try:
        if rows is not None:
            outcome.source = "JSON"
            reader = _read(
                spec=spec,
                source=json_source(rows),
                errors=errors,
                sink=sink,
                progress=progress,
                expected_rows=len(rows),
            )
        else:
            reader = _read_file(
                spec=spec,
                sink=sink,
                outcome=outcome,
                form=form,
                period=period,
                institution=institution,
                path=path,
                filename=filename,
                progress=progress,
            )
    except FileError as e:
        errors.add_fatal(None, "", "", e.reason)
    if reader is not None:
        outcome.rows = reader.rows_read
    return reader


def _read_file(
    *,
    spec: TableSpec,
    sink,
    outcome: Outcome,
    form: FormDef,
    period: ReportingPeriod,
    institution: Organisation,
    path: str,
    filename: str,
    progress: Progress | None,
):
    """A CSV or Excel file: refused when too big for its kind or made from another template (meta
    sheet), else read row by row. Raises FileError for a file that cannot be read."""
    errors = outcome.errors
    size = os.path.getsize(path)
    if _is_excel(path) and size > max_excel_bytes():
        errors.add_fatal(
            None,
            "",
            "",
            (
                f"Excel 文件大小 {human_size(size)}，超过 Excel 文件的上限 {human_size(max_excel_bytes())}"
                f"（Excel 须整张工作表读入内存），未作处理；请在 Excel/WPS 中另存为 CSV 后上传"
                f"（CSV 逐行读取，上限 {human_size(max_bytes())}）"
            ),
        )
        return None
    if _is_zip(path):  # before any XML is inflated, our template's meta sheet included
        check_inflated_size(path, limit=max_inflated_bytes())
    _check_meta(
        template_meta(path) if _is_zip(path) else {},
        form=form,
        period=period,
        institution=institution,
        errors=errors,
    )
    if errors.fatal:
        return None
    with open_table(
        path,
        filename=filename or os.path.basename(path),
        max_bytes=max_bytes(),
        preferred_sheet=spec.data_sheet,
        max_inflated=max_inflated_bytes(),
    ) as source:
        outcome.source = source.description
        reader = _read(
            spec=spec,
            source=source,
            errors=errors,
            sink=sink,
            progress=progress,
            expected_rows=_estimate_rows(path, size),
            path=path,
        )
        if errors.fatal and source.format == "excel" and source.sheet != spec.data_sheet:
            errors.add(
                None,
                "",
                source.sheet,
                f"工作簿中没有“{spec.data_sheet}”工作表，已读取“{source.sheet}”，其内容与模板不符；请使用本表的模板",
            )
        return reader


def _check_across_rows(
    *,
    sink,
    reader,
    keys_path: str,
    errors: ErrorList,
    ctx: CountyContext,
    institution: Organisation,
    form: FormDef,
    period: ReportingPeriod,
    comment: str,
) -> dict:
    """Step 2: the checks across rows (duplicate loan numbers, one row for a county form, jumps against
    the last approved period; guarantees against the period's loans); the submission's totals."""
    if form.is_guarantees:
        return guarantee_intake.check_against_loans(
            sink=sink, reader=reader, errors=errors, institution=institution, period=period
        )
    if form.is_loans:
        for number, loan_no, first in sink.duplicates(keys_path):
            errors.add(number, reader.header_of("loan_no"), loan_no, f"借据号与第 {first} 行重复")
        _check_loans_yoy(
            sink=sink, errors=errors, institution=institution, form=form, period=period, comment=comment
        )
        return sink.totals(ctx)
    if not form.by_town and reader.rows_read > 1:
        errors.add(None, "", "", f"本表只填一行，文件中有 {reader.rows_read} 行")
    _check_aggregate_yoy(sink=sink, reader=reader, institution=institution, form=form, period=period)
    return sink.totals()


def _is_zip(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def _is_excel(path: str) -> bool:
    """An .xlsx (zip) or an old .xls (OLE compound file), told by content as open_table does."""
    with open(path, "rb") as f:
        head = f.read(8)
    return head.startswith(b"PK\x03\x04") or head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sha256(path: str | None) -> str:
    if not path:
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _store(*, actor, fields: dict, form, period, sink, spool_path, progress, errors) -> Submission | None:
    institution, rows = fields["institution"], fields["row_count"]

    def write(submission: Submission) -> None:
        # Short transactions of their own while the submission is hidden (storage.submission_store).
        if form.is_guarantees:
            guarantee_intake.write_rows(submission, sink)
            return
        if form.is_loans:
            storage.write_loans(
                submission_id=submission.pk,
                spool_path=spool_path,
                total=sink.count,
                pause=storage.store_pause(),
                progress=(lambda n, total: progress(n, total, f"正在保存 {n:,} / {total:,} 行"))
                if progress
                else None,
            )
            return
        with transaction.atomic():
            AggregateValue.objects.bulk_create(
                [
                    AggregateValue(
                        submission=submission,
                        row=r.number,
                        town_id=r.town_id,
                        item=code,
                        value=value,
                        note=r.note[:300],
                    )
                    for r in sink.rows
                    for code, value in r.values.items()
                ],
                batch_size=2000,
            )

    def note(s: Submission) -> str:
        name = institution.short_name or institution.name
        return f"报送 {name}《{form.title}》{period.label} 第{s.version}版，{rows:,} 行"

    try:
        stream = getattr(sink, "stream", None)
        if stream is not None:  # its rows are written already (puhui.data.streaming)
            return storage.submission_finish(
                stream.submission,
                actor=actor,
                write=lambda s: stream.finish(rows=sink.count, totals=fields["totals"]),
                note=note,
            )
        return storage.submission_store(actor=actor, fields=fields, write=write, note=note)
    except IntegrityError:
        errors.add(None, "", "", "与同时提交的另一份报送冲突，本次未保存任何数据，请重新提交")
        return None


def today() -> datetime.date:
    return timezone.localdate()
