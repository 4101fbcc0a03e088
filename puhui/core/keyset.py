"""Keyset pages, cursors and the true count: how the list component reaches every row of a list of any
size in the order chosen, and counts it without ever printing a wrong number (see docs/lists.md)."""

import base64
import binascii
import datetime
import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, connections, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils.functional import cached_property

# PostgreSQL counts exactly within this budget; past it the page says "超过 N 条" (a bounded count).
COUNT_BUDGET_MS = 120
# A count that ran out of the budget twice in a row is remembered for a while (per process, by its SQL):
# the next page, sort or last page of the same list and filters goes straight to the bounded count instead
# of paying the budget again (120 ms of every page of a bank's or the office's lists at demo scale 10). Twice:
# a count that fits the budget but overran once under load keeps its exact figure.
OVERRUN_SECONDS = 300
_overran: dict[str, tuple[int, float]] = {}  # key -> (overruns in a row, when the last one was)
EXPORT_CHUNK = 2000
LAST = "last"  # `before=last`: the last page


@dataclass(frozen=True)
class SortKey:
    """The ORM paths a list is ordered by (the pk last), their model fields and direction."""

    paths: tuple[str, ...]
    fields: tuple
    desc: bool

    @cached_property
    def nullable(self) -> bool:
        return any(nullable for _, nullable in self.fields)

    def order_by(self, *, reverse=False) -> list:
        desc = self.desc != reverse
        out = []
        for path, (_, nullable) in zip(self.paths, self.fields, strict=True):
            expr = F(path)
            if nullable:  # nulls at the end of the shown order whatever the direction
                nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
                out.append(expr.desc(**nulls) if desc else expr.asc(**nulls))
            else:
                out.append(expr.desc() if desc else expr.asc())
        return out


def model_field(model, path: str):
    """The model field at the end of an ORM path and whether a null can appear along it."""
    nullable = False
    target = None
    for part in path.split("__"):
        try:
            target = model._meta.get_field(part)
        except FieldDoesNotExist as exc:
            raise ValueError(f"no field {path} on {model.__name__}") from exc
        nullable = nullable or getattr(target, "null", False)
        if target.is_relation and target.related_model is not None and part != path.split("__")[-1]:
            model = target.related_model
    if target.is_relation and not path.endswith("_id"):
        target = target.target_field
    return target, nullable


def _seek(key: SortKey, values: list, *, after: bool) -> Q:
    """Rows strictly after (or before) `values` in the shown order — a cursor's condition.

    Without nullable fields it is one row comparison `(a, b, pk) > (x, y, z)`, which PostgreSQL answers by
    seeking in the sort's index; with nullable fields (nulls last in either direction) it is spelt out."""
    greater = after != key.desc
    if not key.nullable:
        lookup = TupleGreaterThan if greater else TupleLessThan
        cond = Q(lookup(Tuple(*(F(p) for p in key.paths)), list(values)))
        lead = key.paths[0]
        return cond & Q(**{f"{lead}__{'gte' if greater else 'lte'}": values[0]})
    out = None
    equal = Q()
    for path, (_, nullable), v in zip(key.paths, key.fields, values, strict=True):
        if v is None:
            strict = Q(pk__in=[]) if after else Q(**{f"{path}__isnull": False})
            same = Q(**{f"{path}__isnull": True})
        else:
            strict = Q(**{f"{path}__{'gt' if greater else 'lt'}": v})
            if after and nullable:
                strict |= Q(**{f"{path}__isnull": True})
            same = Q(**{path: v})
        out = equal & strict if out is None else out | (equal & strict)
        equal &= same
    return out


# ---------------------------------------------------------------------------------------------- cursors


def _encode_value(v):
    if isinstance(v, datetime.datetime):
        return {"t": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"d": v.isoformat()}
    if isinstance(v, Decimal):
        return {"m": str(v)}
    if v is None or isinstance(v, bool | int | str):
        return v
    return str(v)


def _decode_value(v):
    if isinstance(v, dict) and len(v) == 1:
        ((tag, text),) = v.items()
        parse = {"t": datetime.datetime.fromisoformat, "d": datetime.date.fromisoformat, "m": Decimal}[tag]
        return parse(text)
    if v is None or isinstance(v, bool | int | str):
        return v
    raise ValueError(v)


def encode_cursor(sort: str, values: Sequence, offset: int | None) -> str:
    """The cursor of a row: its sort values, and the row's number when it is known (for "第 51–100 条";
    pages reached back from an uncounted last page do not know it)."""
    payload = json.dumps(
        {"s": sort, "v": [_encode_value(v) for v in values], "n": -1 if offset is None else offset},
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(token: str, sort: str, key: SortKey) -> tuple[list, int] | None:
    """The cursor's sort values (checked against the fields' types) and row number, or None."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data.get("s") != sort or len(data.get("v", ())) != len(key.paths):
            return None
        values = []
        for v, (model_field, nullable) in zip(map(_decode_value, data["v"]), key.fields, strict=True):
            if v is None and not nullable:
                return None
            if v is not None:
                v = model_field.to_python(v)
                model_field.get_prep_value(v)
                if isinstance(v, int) and not -(2**63) < v < 2**63:
                    return None
            values.append(v)
        offset = int(data.get("n", 0))
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error, ValidationError, OverflowError):
        return None
    return values, (None if offset < 0 else min(offset, 10**12))


# ------------------------------------------------------------------------------------------------ pages


def _with_keys(qs: QuerySet, key: SortKey) -> QuerySet:
    """Select the sort values along with each row, so a cursor is built from the rows themselves."""
    return qs.annotate(**{f"_lk{i}": F(p) for i, p in enumerate(key.paths[:-1])})


def key_values(obj, key: SortKey) -> list:
    return [getattr(obj, f"_lk{i}") for i in range(len(key.paths) - 1)] + [obj.pk]


@dataclass
class Page:
    objects: list
    offset: int | None  # the first row's number (0-based); None when unknown (the last page, not counted)
    has_prev: bool
    has_next: bool


def fetch_page(
    qs: QuerySet, key: SortKey, sort: str, *, after: str, before: str, per_page: int, last_size: int = 0
) -> Page:
    """One page by cursor: `after` the last row shown, `before` the first one, or the last page.

    The last page holds `last_size` rows when the count is known (count mod page size), so that paging
    back from it meets the same pages as paging forward; a page reached backwards with fewer rows than a
    page before it is the first page, short, so no row is shown twice either way."""
    qs = _with_keys(qs, key)
    if before == LAST:
        size = last_size or per_page
        rows = list(qs.order_by(*key.order_by(reverse=True))[: size + 1])
        return Page(rows[:size][::-1], None, len(rows) > size, False)
    cursor = decode_cursor(before, sort, key) if before else None
    if cursor is not None:
        values, offset = cursor
        rows = list(
            qs.filter(_seek(key, values, after=False)).order_by(*key.order_by(reverse=True))[: per_page + 1]
        )
        if len(rows) > per_page:
            return Page(
                rows[:per_page][::-1], None if offset is None else max(0, offset - per_page), True, True
            )
        return Page(rows[::-1], 0, False, True)
    cursor = decode_cursor(after, sort, key) if after else None
    ordered = qs.order_by(*key.order_by())
    if cursor is not None:
        values, offset = cursor
        rows = list(ordered.filter(_seek(key, values, after=True))[: per_page + 1])
        return Page(rows[:per_page], offset, True, len(rows) > per_page)
    rows = list(ordered[: per_page + 1])
    return Page(rows[:per_page], 0, False, len(rows) > per_page)


def iterate(qs: QuerySet, key: SortKey, chunk: int = EXPORT_CHUNK) -> Iterator[list]:
    """Every row in the list's order, in chunks read by cursor (no long-held database cursor)."""
    qs = _with_keys(qs, key)
    ordered = qs.order_by(*key.order_by())
    rows = list(ordered[:chunk])
    while rows:
        yield rows
        if len(rows) < chunk:
            return
        rows = list(ordered.filter(_seek(key, key_values(rows[-1], key), after=True))[:chunk])


@dataclass(frozen=True)
class Count:
    n: int | None  # None: not counted (too slow even bounded)
    exact: bool

    @property
    def label(self) -> str:
        if self.n is None:
            return "数量较多，未统计总数"
        return f"共 {self.n:,} 条" if self.exact else f"超过 {self.n:,} 条"


def count_rows(qs: QuerySet, cap: int) -> Count:
    """The true count, or "more than cap" when counting every row would be slow — never a wrong number."""
    qs = qs.order_by()
    conn = connections[qs.db]
    if conn.vendor == "postgresql":
        key = _count_key(qs)
        exact = (
            None if _overran_lately(key) else _budgeted(conn, _noting_overrun(qs.count, key), COUNT_BUDGET_MS)
        )
        if exact is not None:
            return Count(exact, True)
        bounded = _budgeted(conn, lambda: qs[: cap + 1].count(), COUNT_BUDGET_MS * 4)
        if bounded is None:
            return Count(None, False)
    else:
        bounded = qs[: cap + 1].count()
    return Count(bounded, True) if bounded <= cap else Count(cap, False)


def _count_key(qs: QuerySet) -> str:
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # `none()`, `pk__in=[]`: counted without a query
        return ""
    return hashlib.sha256(repr((qs.db, sql, params)).encode()).hexdigest()


def _overran_lately(key: str) -> bool:
    times, at = _overran.get(key, (0, 0.0))
    return times >= 2 and time.monotonic() - at < OVERRUN_SECONDS


def _noting_overrun(fn, key: str):
    def run():
        try:
            n = fn()
        except DatabaseError:
            if len(_overran) > 10_000:  # bounded memory: forget everything rather than grow
                _overran.clear()
            times, at = _overran.get(key, (0, 0.0))
            fresh = time.monotonic() - at < OVERRUN_SECONDS
            _overran[key] = ((times if fresh else 0) + 1, time.monotonic())
            raise
        _overran.pop(key, None)
        return n

    return run


def _budgeted(conn, fn, budget_ms: int):
    """fn() under a PostgreSQL statement timeout, or None when it runs out. The timeout is local to a
    savepoint and put back afterwards (inside an outer transaction it would otherwise outlive the count).
    JIT is off meanwhile: a count of a million rows is costed high enough to be compiled, and compiling,
    which the timeout cannot interrupt, took 0.3–0.6 s of a 120 ms budget (demo scale 10)."""
    try:
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            cur.execute("SELECT current_setting('statement_timeout'), current_setting('jit')")
            before, jit = cur.fetchone()
            cur.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true)",
                [f"{int(budget_ms)}ms"],
            )
            result = fn()
            cur.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('jit', %s, true)", [before, jit]
            )
            return result
    except DatabaseError:
        return None
