"""The one list component: search, filters, sorting, the true count, keyset pages and the Excel export.

A list is declared once as a `ListSpec` (its scoped queryset — always from an app's access.py — its
columns, filters, search and default order) and answered by `list_response`. The rules each list used to
carry on its own live here once: how a term is searched (names by `__contains`, person names from their
start, codes exactly, an ID number or phone only by its keyed hash and never in a URL), what the count
says ("超过 N 条" rather than a wrong number), how every row is reached (a cursor on the sort key and pk,
not page numbers that stop at 200) and what the export holds (exactly the filtered rows, masked). See
docs/lists.md.
"""

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from puhui.core import crypto, exports, keyset
from puhui.core.converters import parse_date_or_none

PER_PAGE = 50
COUNT_CAP = 10_000
# Parameters the component reads itself; a filter may not use these names.
RESERVED = frozenset({"q", "key", "sort", "after", "before", "export", "page", "_list"})

# Terms searched only through the keyed hashes: ID numbers (18 or old 15 digits) and mobile numbers.
_ID_TERM = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_PHONE_TERM = re.compile(r"^1\d{10}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never part of a name or code (PostgreSQL refuses NUL outright)
MASKERS = {"id_number": crypto.mask_id_number, "phone": crypto.mask_phone}


def is_personal_term(term: str) -> bool:
    term = crypto.normalise(term or "")
    return bool(_ID_TERM.match(term) or _PHONE_TERM.match(term))


def personal_term_hashes(term: str) -> list[str]:
    """The keyed hashes of an ID number or mobile number under every active key (a key rotation keeps the
    old key's hash on rows not yet rotated); empty when the term is neither."""
    return crypto.lookup_hashes(crypto.normalise(term)) if is_personal_term(term) else []


# ---------------------------------------------------------------------------------------------- columns


def _path_value(obj, path: str):
    value = obj
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value() if callable(value) else value


def display(value, kind: str = "text") -> str:
    """A cell as shown on screen: thousands separators, 是/否, dates as YYYY-MM-DD, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if kind == "bool":
        return "是" if value else "否"
    if kind == "int":
        return f"{int(value):,}"
    if kind in {"decimal", "money"}:
        return f"{Decimal(value):,.2f}"
    if kind == "pct":
        return f"{float(value):,.2f}%"
    if kind == "datetime" and isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else f"{value:%Y-%m-%d %H:%M}"
        )
    if kind in {"date", "datetime"} and isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def excel_value(value, kind: str = "text"):
    """A cell as written to Excel: numbers and dates typed, the rest text."""
    if value is None:
        return None
    if kind == "bool":
        return "是" if value else "否"
    if kind in {"int", "decimal", "money", "pct"}:
        return value if isinstance(value, int | float | Decimal) else str(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: str | Callable | None = None
    kind: str = "text"
    unit: str = ""
    sort: tuple[str, ...] | None = None
    export: bool = True
    screen: bool = True
    phone: bool = True
    link: str | tuple | Callable | None = None
    template: str | None = None
    personal: str | None = None
    css: str = ""
    show: Callable | None = None  # user -> bool: a column only some roles see (on screen and in Excel)

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label

    @property
    def numeric(self) -> bool:
        return self.kind in {"int", "decimal", "money", "pct"}

    @property
    def classes(self) -> str:
        """The cell's CSS: numbers right-aligned, secondary columns hidden on a phone, masked values marked."""
        out = [self.css] if self.css else []
        if self.numeric:
            out.append("text-end text-nowrap")
        if self.kind in {"date", "datetime"}:
            out.append("text-nowrap")
        if not self.phone:
            out.append("d-none d-md-table-cell")
        if self.personal:
            out.append("masked")
        return " ".join(out)

    def raw(self, obj):
        value = self.value(obj) if callable(self.value) else _path_value(obj, self.value or self.key)
        if self.personal and value:
            return MASKERS[self.personal](value if isinstance(value, str) else str(value))
        return value

    def url(self, obj) -> str | None:
        if self.link is None:
            return None
        if callable(self.link):
            return self.link(obj)
        name, attr = self.link if isinstance(self.link, tuple) else (self.link, "pk")
        target = _path_value(obj, attr)
        return reverse(name, args=[target]) if target is not None else None


# ---------------------------------------------------------------------------------------------- filters


def _options(choices, user, values) -> list[tuple[str, str]]:
    items = choices(user, values) if callable(choices) else choices
    return [(str(v), str(label)) for v, label in items]


@dataclass(frozen=True)
class Choice:
    """One value out of a list (scope-limited when `choices` is a function of the user)."""

    key: str
    label: str
    field: str | None = None
    choices: Sequence | Callable = ()
    apply: Callable | None = None
    all_label: str | None = None
    depends: str | None = None
    widget = "choice"

    def params(self) -> tuple[str, ...]:
        return (self.key,)

    def options(self, user, values) -> list[tuple[str, str]]:
        return _options(self.choices, user, values)

    def clean(self, data, user, values):
        raw = str(data.get(self.key, "") or "").strip()
        if not raw:
            return None
        if self.depends and values.get(self.depends) is None and not self.options(user, values):
            return None
        return raw if raw in {v for v, _ in self.options(user, values)} else None

    def as_params(self, value) -> list[tuple[str, str]]:
        return [] if value is None else [(self.key, str(value))]

    def filter(self, qs, value, user):
        if self.apply:
            return self.apply(qs, value, user)
        return qs.filter(**{self.field or self.key: value})


@dataclass(frozen=True)
class Boolean:
    key: str
    label: str
    field: str | None = None
    yes: str = "是"
    no: str = "否"
    apply: Callable | None = None
    all_label: str | None = None
    depends = None
    widget = "choice"

    def params(self) -> tuple[str, ...]:
        return (self.key,)

    def options(self, user, values) -> list[tuple[str, str]]:
        return [("1", self.yes), ("0", self.no)]

    def clean(self, data, user, values):
        raw = str(data.get(self.key, "") or "").strip()
        return {"1": True, "0": False}.get(raw)

    def as_params(self, value) -> list[tuple[str, str]]:
        return [] if value is None else [(self.key, "1" if value else "0")]

    def filter(self, qs, value, user):
        if self.apply:
            return self.apply(qs, value, user)
        return qs.filter(**{self.field or self.key: value})


@dataclass(frozen=True)
class DateRange:
    """From–to dates, both inclusive; `<key>_from` and `<key>_to` in the address."""

    key: str
    label: str
    field: str
    datetimes: bool = False  # the field holds times: compare from local midnight to the next midnight
    depends = None
    widget = "daterange"

    def params(self) -> tuple[str, ...]:
        return (f"{self.key}_from", f"{self.key}_to")

    def clean(self, data, user, values):
        start, end = (parse_date_or_none(data.get(p, "")) for p in self.params())
        return (start, end) if start or end else None

    def as_params(self, value) -> list[tuple[str, str]]:
        if value is None:
            return []
        return [(p, d.isoformat()) for p, d in zip(self.params(), value, strict=True) if d]

    def filter(self, qs, value, user):
        start, end = value
        if self.datetimes:  # a range on the column itself, so its index serves it (not a cast to date)
            start, end = (
                _midnight(start),
                _midnight(end + datetime.timedelta(days=1) if end and end < datetime.date.max else None),
            )
            return qs.filter(**{f"{self.field}__gte": start} if start else {}).filter(
                **{f"{self.field}__lt": end} if end else {}
            )
        if start:
            qs = qs.filter(**{f"{self.field}__gte": start})
        if end:
            qs = qs.filter(**{f"{self.field}__lte": end})
        return qs


def _midnight(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


EXPIRY_CHOICES = (("expired", "已过期"), ("30", "30天内到期"), ("90", "90天内到期"), ("valid", "未过期"))


@dataclass(frozen=True)
class Expiry:
    """Expired / due within 30 or 90 days / still valid, against today (a date field)."""

    key: str
    label: str
    field: str
    all_label: str | None = None
    depends = None
    widget = "choice"

    def params(self) -> tuple[str, ...]:
        return (self.key,)

    def options(self, user, values) -> list[tuple[str, str]]:
        return list(EXPIRY_CHOICES)

    def clean(self, data, user, values):
        raw = str(data.get(self.key, "") or "").strip()
        return raw if raw in dict(EXPIRY_CHOICES) else None

    def as_params(self, value) -> list[tuple[str, str]]:
        return [] if value is None else [(self.key, value)]

    def filter(self, qs, value, user):
        today = timezone.localdate()
        if value == "expired":
            return qs.filter(**{f"{self.field}__lt": today})
        if value == "valid":
            return qs.filter(**{f"{self.field}__gte": today})
        until = today + datetime.timedelta(days=int(value))
        return qs.filter(**{f"{self.field}__gte": today, f"{self.field}__lte": until})


@dataclass(frozen=True)
class Param:
    """A value set by a link, not picked on the page (a household's id from its page): kept in the form as
    a hidden field, dropped unless it matches `pattern`."""

    key: str
    label: str
    field: str
    pattern: str = r"^\d{1,18}$"
    depends = None
    widget = "hidden"

    def params(self) -> tuple[str, ...]:
        return (self.key,)

    def clean(self, data, user, values):
        raw = str(data.get(self.key, "") or "").strip()
        return raw if re.match(self.pattern, raw) else None

    def as_params(self, value) -> list[tuple[str, str]]:
        return [] if value is None else [(self.key, value)]

    def filter(self, qs, value, user):
        return qs.filter(**{self.field: value})


# ----------------------------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Search:
    names: tuple[str, ...] = ()
    # Person names over a million rows (户主): matched from the start by an index (text_pattern_ops);
    # `names` (firm and organisation names, small tables) keep `__contains`.
    prefix: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    code_pattern: str = r"^[0-9A-Za-z._@-]+$"
    placeholder: str = ""

    def term_q(self, term: str) -> Q | None:
        """The condition for a typed term (not a personal number: those go through `keys_q`)."""
        term = term.strip()
        if not term:
            return None
        if self.codes and re.match(self.code_pattern, term):
            # A code field matches exactly unless it names its lookup (`code__startswith` for a prefix).
            return _any(Q(**{f: v}) for f in self.codes for v in {term, term.upper()})
        if self.names or self.prefix:
            contains = (Q(**{f"{f}__contains": term}) for f in self.names)
            starts = (Q(**{f"{f}__startswith": term}) for f in self.prefix)
            return _any([*starts, *contains])
        return Q(pk__in=[])

    def keys_q(self, keys: Sequence[str]) -> Q:
        # Never decrypt rows to search: an ID number or phone is found by its keyed hash only.
        return _any(Q(**{f"{f}__in": list(keys)}) for f in self.personal) if self.personal else Q(pk__in=[])


def _any(conditions) -> Q:
    out = Q(pk__in=[])
    for i, c in enumerate(conditions):
        out = c if i == 0 else out | c
    return out


# ------------------------------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class ListSpec:
    key: str
    title: str
    url_name: str
    queryset: Callable[..., QuerySet]
    columns: tuple[Column, ...]
    filters: tuple = ()
    search: Search | None = None
    default_sort: str = ""
    per_page: int = PER_PAGE
    count_cap: int = COUNT_CAP
    export: bool = True
    prepare: Callable | None = None
    search_url: str | None = None
    empty: str = "没有符合条件的记录。"
    # Parameters of the page around the list (the plan's `plan`) carried through its links and forms.
    keep: tuple[str, ...] = ()

    def __post_init__(self):
        clash = ({p for f in self.filters for p in f.params()} | set(self.keep)) & RESERVED
        if clash:
            raise ValueError(f"list {self.key}: filter parameters {sorted(clash)} are reserved")

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sort), None)


# ------------------------------------------------------------------------------------------------ state


@dataclass
class State:
    """What the request asks for, cleaned: a value that is not valid is dropped, never an error."""

    values: dict = field(default_factory=dict)
    q: str = ""
    keys: list[str] = field(default_factory=list)
    sort: str = ""
    after: str = ""
    before: str = ""
    kept: list = field(default_factory=list)

    def params(self, spec: ListSpec, *, sort=True) -> list[tuple[str, str]]:
        out = list(self.kept) + [p for f in spec.filters for p in f.as_params(self.values.get(f.key))]
        if self.q:
            out.append(("q", self.q))
        out += [("key", k) for k in self.keys]
        if sort and self.sort and self.sort != spec.default_sort:
            out.append(("sort", self.sort))
        return out


def read_state(spec: ListSpec, data, user) -> State:
    values: dict = {}
    for f in spec.filters:
        values[f.key] = f.clean(data, user, values)
    sort = str(data.get("sort", "") or "")
    if spec.column(sort.removeprefix("-")) is None:
        sort = spec.default_sort
    keys = [k for k in data.getlist("key") if _HASH.match(k)][:4] if hasattr(data, "getlist") else []
    return State(
        values=values,
        q=_CONTROL.sub("", str(data.get("q", "") or "")).strip()[:100],
        keys=keys if spec.search and spec.search.personal else [],
        sort=sort,
        after=str(data.get("after", "") or "")[:2000],
        before=str(data.get("before", "") or "")[:2000],
        kept=[(k, str(data.get(k))[:40]) for k in spec.keep if data.get(k)],
    )


def filtered(spec: ListSpec, user, state: State, queryset: QuerySet | None = None) -> QuerySet:
    """The spec's scoped rows (or `queryset`, which a view built through access.py for this page) narrowed
    by the state's filters and search (unordered)."""
    qs = spec.queryset(user) if queryset is None else queryset
    for f in spec.filters:
        value = state.values.get(f.key)
        if value is not None:
            qs = f.filter(qs, value, user)
    if spec.search:
        if state.keys:
            qs = qs.filter(spec.search.keys_q(state.keys))
        if state.q:
            hashes = personal_term_hashes(state.q)
            condition = spec.search.keys_q(hashes) if hashes else spec.search.term_q(state.q)
            if condition is not None:
                qs = qs.filter(condition)
    return qs


def sort_key(spec: ListSpec, model, sort: str) -> keyset.SortKey:
    column = spec.column(sort.removeprefix("-"))
    pk = model._meta.pk.name
    # The pk ends every order (two rows never tie); a column sorted by the pk itself adds nothing.
    paths = tuple(p for p in column.sort if p not in {"pk", pk}) + ("pk",) if column else ("pk",)
    fields = tuple(keyset.model_field(model, p if p != "pk" else model._meta.pk.name) for p in paths)
    return keyset.SortKey(paths=paths, fields=fields, desc=sort.startswith("-"))


# ----------------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Cell:
    column: Column
    text: str
    url: str | None


@dataclass(frozen=True)
class Row:
    obj: object
    cells: list


@dataclass(frozen=True)
class HeaderCell:
    column: Column
    sort_url: str | None
    sorted: str  # "asc", "desc" or ""


@dataclass(frozen=True)
class BoundFilter:
    filter: object
    options: list  # (value, label, selected)
    values: tuple  # the raw parameter values, for date inputs
    active: bool
    empty_label: str = ""
    clears: str = ""  # the filters that follow this one, emptied when it changes
    shown: bool = True  # a choice with nothing to choose (a town picker for a town official) is left out


def _empty_label(spec: ListSpec, f, options) -> str:
    if f.all_label:
        return f.all_label
    if f.depends and not options:
        leader = next((g for g in spec.filters if g.key == f.depends), None)
        return f"先选择{leader.label}" if leader else f"全部{f.label}"
    return f"全部{f.label}" if f.widget == "choice" and not isinstance(f, Boolean) else f"{f.label}：全部"


class ListResult:
    """One page of a list with everything the include renders. Iterating it yields the page's rows."""

    def __init__(self, request, spec: ListSpec, state: State | None = None, *, error="", queryset=None):
        self.request, self.spec, self.error = request, spec, error
        self.state = state or read_state(spec, request.GET, request.user)
        qs = filtered(spec, request.user, self.state, queryset)
        self.key = sort_key(spec, qs.model, self.state.sort)
        self.count = keyset.count_rows(qs, spec.count_cap)
        n = self.count.n if self.count.exact else None
        page = keyset.fetch_page(
            qs,
            self.key,
            self.state.sort,
            after=self.state.after,
            before=self.state.before,
            per_page=spec.per_page,
            last_size=(n % spec.per_page or spec.per_page) if n else 0,
        )
        self.has_prev, self.has_next = page.has_prev, page.has_next
        self.offset = page.offset
        if self.offset is None and self.count.exact and self.count.n is not None:
            self.offset = max(0, self.count.n - len(page.objects))
        raw = page.objects
        self._first = keyset.key_values(raw[0], self.key) if raw else None
        self._last = keyset.key_values(raw[-1], self.key) if raw else None
        self.objects = list(spec.prepare(raw, request)) if spec.prepare else raw

    def __iter__(self):
        return iter(self.objects)

    @property
    def object_list(self) -> list:  # the name a Django Page gives its rows
        return self.objects

    def __len__(self):
        return len(self.objects)

    # ----- addresses

    @cached_property
    def base_url(self) -> str:
        return reverse(self.spec.url_name)

    def url(self, extra=(), *, sort=True) -> str:
        params = self.state.params(self.spec, sort=sort) + list(extra)
        return f"{self.base_url}?{urlencode(params)}" if params else self.base_url

    @property
    def first_url(self) -> str | None:
        return self.url() if self.has_prev else None

    @property
    def prev_url(self) -> str | None:
        if not self.has_prev or self._first is None:
            return None
        return self.url([("before", keyset.encode_cursor(self.state.sort, self._first, self.offset))])

    @property
    def next_url(self) -> str | None:
        if not self.has_next or self._last is None:
            return None
        start = None if self.offset is None else self.offset + len(self.objects)
        return self.url([("after", keyset.encode_cursor(self.state.sort, self._last, start))])

    @property
    def last_url(self) -> str | None:
        return self.url([("before", keyset.LAST)]) if self.has_next else None

    @property
    def export_url(self) -> str | None:
        return self.url([("export", "xlsx")]) if self.spec.export else None

    @property
    def clear_url(self) -> str:
        """The list without filters, search or sort (the page's own parameters, `keep`, stay)."""
        params = list(self.state.kept)
        return f"{self.base_url}?{urlencode(params)}" if params else self.base_url

    # ----- what is shown

    @property
    def range_label(self) -> str:
        if not self.objects or self.offset is None:
            return ""
        return f"第 {self.offset + 1:,}–{self.offset + len(self.objects):,} 条"

    @cached_property
    def columns(self) -> list[Column]:
        return [c for c in visible_columns(self.spec, self.request.user) if c.screen]

    @cached_property
    def headers(self) -> list[HeaderCell]:
        out = []
        current, desc = self.state.sort.removeprefix("-"), self.state.sort.startswith("-")
        for c in self.columns:
            if not c.sort:
                out.append(HeaderCell(c, None, ""))
                continue
            is_current = c.key == current
            target = c.key if not (is_current and not desc) else f"-{c.key}"
            state = State(**{**self.state.__dict__, "sort": target})
            params = state.params(self.spec, sort=False) + [("sort", target)]
            out.append(
                HeaderCell(
                    c,
                    f"{self.base_url}?{urlencode(params)}",
                    ("desc" if desc else "asc") if is_current else "",
                )
            )
        return out

    @cached_property
    def rows(self) -> list[Row]:
        return [
            Row(
                obj,
                [
                    Cell(c, display(c.raw(obj), c.kind) if not c.template else "", c.url(obj))
                    for c in self.columns
                ],
            )
            for obj in self.objects
        ]

    @cached_property
    def filters(self) -> list[BoundFilter]:
        user, values, out = self.request.user, self.state.values, []
        for f in self.spec.filters:
            value = values.get(f.key)
            if f.widget == "hidden":
                out.append(BoundFilter(f, [], (value or "",), value is not None, shown=False))
                continue
            if f.widget == "daterange":
                shown = tuple(d.isoformat() if d else "" for d in (value or (None, None)))
                out.append(BoundFilter(f, [], shown, value is not None))
                continue
            current = dict(f.as_params(value)).get(f.key, "")
            options = [(v, label, v == current) for v, label in f.options(user, values)]
            clears = " ".join(g.key for g in self.spec.filters if g.depends == f.key)
            out.append(
                BoundFilter(
                    f, options, (current,), value is not None, _empty_label(self.spec, f, options), clears
                )
            )
        return out

    @property
    def active_filters(self) -> int:
        return sum(1 for b in self.filters if b.active)

    @property
    def search(self) -> Search | None:
        return self.spec.search

    @property
    def search_posts(self) -> bool:
        return bool(self.spec.search and self.spec.search.personal)

    @property
    def search_action(self) -> str:
        return reverse(self.spec.search_url) if self.spec.search_url else self.base_url

    @property
    def keyed(self) -> bool:
        return bool(self.state.keys)

    @property
    def sort_param(self) -> str:
        return self.state.sort if self.state.sort != self.spec.default_sort else ""


# ---------------------------------------------------------------------------------------------- answers


def visible_columns(spec: ListSpec, user) -> list[Column]:
    return [c for c in spec.columns if c.show is None or c.show(user)]


def list_result(request, spec: ListSpec, *, error: str = "", queryset: QuerySet | None = None) -> ListResult:
    return ListResult(request, spec, error=error, queryset=queryset)


def search_redirect(request, spec: ListSpec, data=None) -> HttpResponseRedirect:
    """The search form's POST (or a GET with a number in `q`) answered by a redirect to the list whose
    address carries the number's keyed hashes (`key=`) instead of the number: it never reaches a URL."""
    state = read_state(spec, request.POST if data is None else data, request.user)
    if state.q:
        hashes = personal_term_hashes(state.q) if spec.search and spec.search.personal else []
        state.keys, state.q = (hashes, "") if hashes else ([], state.q)
    state.after = state.before = ""
    params = state.params(spec)
    base = reverse(spec.url_name)
    return HttpResponseRedirect(f"{base}?{urlencode(params)}" if params else base)


def list_response(
    request, spec: ListSpec, template: str, context: dict | None = None, *, error: str = "", queryset=None
):
    """The whole answer of a list view: search redirect, Excel export or the rendered page. `queryset`
    replaces the spec's rows for this request (a view that narrows them first, through access.py)."""
    if request.method == "POST" and "_list" in request.POST:
        return search_redirect(request, spec)
    if spec.search and spec.search.personal and is_personal_term(request.GET.get("q", "")):
        # A number in the address (a hand-made link, an old bookmark): redirected to its hash, never
        # echoed back in the page, its links or the next request line.
        return search_redirect(request, spec, request.GET)
    if request.GET.get("export") == "xlsx" and spec.export:
        return export_response(request, spec, queryset=queryset)
    listing = list_result(request, spec, error=error, queryset=queryset)
    return render(request, template, {**(context or {}), "listing": listing, "page": listing})


def export_rows(request, spec: ListSpec, state: State | None = None, queryset=None) -> Iterator[list]:
    """Every row the filters and search select (all pages), as Excel values of the exported columns."""
    state = state or read_state(spec, request.GET, request.user)
    qs = filtered(spec, request.user, state, queryset)
    key = sort_key(spec, qs.model, state.sort)
    columns = [c for c in visible_columns(spec, request.user) if c.export]
    for chunk in keyset.iterate(qs, key):
        for obj in spec.prepare(chunk, request) if spec.prepare else chunk:
            yield [excel_value(c.raw(obj), c.kind) for c in columns]


def export_response(request, spec: ListSpec, *, queryset=None):
    columns = [c for c in visible_columns(spec, request.user) if c.export]
    chunks = exports.streaming_xlsx(
        [c.header for c in columns],
        export_rows(request, spec, queryset=queryset),
        title=spec.title,
        widths=[max(8, min(40, len(c.header) * 2 + 2)) for c in columns],
    )
    filename = f"{spec.title}_{timezone.localdate():%Y-%m-%d}.xlsx"
    return exports.streaming_download(chunks, filename, exports.XLSX)
