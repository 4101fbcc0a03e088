"""Three years of reporting in the demo county (2019–2021), consistent with its rosters and network.

- Loan-level returns every quarter from every bank: the borrowers are the roster's farm households (their
  heads' ID numbers) and firms (their USCCs), each bank with its own clientele; loans renew yearly, grow,
  shift towards credit loans and cheaper rates, so the plan's lending targets have something to show.
- Aggregate returns: deposits and special loans by town (the loans match the loan book), service points
  and terminals by town (the counts match the platform's own service points and terminals), 金融辅导员,
  household credit archives (rural bank and village bank), agricultural insurance (insurers and the
  agriculture bureau, yearly).
- A few realistic mistakes: an upload with a typo caught by the year-on-year check, a credit archive with
  two columns swapped, a loan return sent back by the office and corrected, late returns, one missing and
  one awaiting review in the last quarter.

The bulk is written straight to the tables (the same COPY path as real submissions); the mistakes go
through the real upload and review services, so their errors are the ones users see. Deterministic for
a given `rng`. `build(ctx)` is what `puhui demo` calls; `data_demo` does the work.
"""

from __future__ import annotations

import datetime
import os
import random
import tempfile
from collections import defaultdict
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from puhui.core import crypto
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, Terminal, User
from puhui.core.periods import codes_between
from puhui.data import (
    catalogue,
    demo_check,
    demo_finance,
    demo_guarantees,
    demo_policy,
    derived,
    services,
    storage,
)
from puhui.data.county import county_context
from puhui.data.models import AggregateValue, ReportingPeriod, Submission, Upload
from puhui.registry.models import Firm, Household

FIRST, LAST = "2019Q1", "2021Q4"
YEARS = (2019, 2020, 2021)
LOAN_YEARS = (2017, 2018, 2019, 2020, 2021)
# Who lends to whom: shares of each bank among farm households and among firms (demo institution keys).
FARM_SHARE = {
    "RCB": 0.48,
    "PSBC": 0.20,
    "ABC": 0.14,
    "BSVB": 0.11,
    "CCB": 0.03,
    "ICBC": 0.02,
    "BOC": 0.02,
    "ADBC": 0.0,
}
FIRM_SHARE = {
    "RCB": 0.30,
    "ABC": 0.16,
    "PSBC": 0.12,
    "BSVB": 0.10,
    "ICBC": 0.11,
    "CCB": 0.10,
    "BOC": 0.08,
    "ADBC": 0.03,
}
# Probability that a borrower takes a loan in a year (rising: the growth the plan asks for).
P_BORROW = {
    "farm": (0.55, 0.57, 0.60, 0.63, 0.67),
    "small": (0.55, 0.56, 0.58, 0.61, 0.65),
    "individual": (0.45, 0.47, 0.50, 0.52, 0.56),
}
P_CREDIT = {
    "farm": (0.22, 0.24, 0.27, 0.32, 0.38),
    "small": (0.08, 0.09, 0.11, 0.13, 0.16),
    "individual": (0.15, 0.16, 0.19, 0.22, 0.26),
}
RATE = {
    "farm": (7.4, 7.2, 7.0, 6.6, 6.2),
    "small": (6.6, 6.5, 6.3, 5.9, 5.5),
    "individual": (7.0, 6.9, 6.7, 6.3, 5.9),
}
ARCHIVE_PATH = (0.52, 0.58, 0.64, 0.70, 0.73, 0.76, 0.79, 0.815, 0.84, 0.87, 0.89, 0.912)
PRECREDIT_PATH = (0.35, 0.38, 0.41, 0.44, 0.47, 0.50, 0.54, 0.585, 0.62, 0.65, 0.68, 0.71)
DAY0 = datetime.date(2017, 1, 1).toordinal()


def _numpy(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, random.Random):
        return np.random.default_rng(rng.getrandbits(63))
    return np.random.default_rng(rng)


def _aware(day: datetime.date, gen: np.random.Generator) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(int(gen.integers(8, 18)), int(gen.integers(0, 60))))
    return timezone.make_aware(moment)


class Book:
    """Every loan of every bank 2017–2021 as numpy columns; snapshots are masks over them."""

    def __init__(self, gen: np.random.Generator, banks: list[Organisation], scale: float, progress):
        self.gen = gen
        self.banks = banks
        self.opened = np.array([demo_policy.opened_ordinal(b) for b in banks])  # no loan before a bank opened
        keys = [demo_policy.demo_key(b) for b in banks]
        farm_w = np.array([FARM_SHARE.get(k, 1 / len(banks)) for k in keys], dtype=float)
        firm_w = np.array([FIRM_SHARE.get(k, 1 / len(banks)) for k in keys], dtype=float)
        # Borrowers: a fifth of farm households and two fifths of firms, sampled from the rosters.
        farm_ids = np.array(
            Household.objects.filter(is_farm=True).order_by("pk").values_list("pk", flat=True)
        )
        pick = (
            np.sort(gen.choice(len(farm_ids), size=int(len(farm_ids) * 0.22), replace=False))
            if len(farm_ids)
            else np.array([], int)
        )
        farm_rows = []
        chosen = farm_ids[pick].tolist()
        for start in range(0, len(chosen), 5000):
            farm_rows += list(
                Household.objects.filter(pk__in=chosen[start : start + 5000]).values_list(
                    "head_id_number", "town_id", "village_id"
                )
            )
        firms = list(
            Firm.objects.order_by("pk").values_list("uscc", "kind", "industry", "town_id", "village_id")
        )
        fpick = (
            np.sort(gen.choice(len(firms), size=int(len(firms) * 0.42), replace=False))
            if firms
            else np.array([], int)
        )
        firm_rows = [firms[i] for i in fpick.tolist()]
        progress(f"    借款人：农户 {len(farm_rows):,} 户，企业和个体工商户 {len(firm_rows):,} 户")
        n_farm, n_firm = len(farm_rows), len(firm_rows)
        self.ids = [r[0] for r in farm_rows] + [r[0] for r in firm_rows]
        kinds = ["farm"] * n_farm + [
            "small" if r[1] in {"small", "micro"} else "individual" for r in firm_rows
        ]
        self.kind = np.array(kinds)
        self.id_kind = np.array(["ric"] * n_farm + ["uscc"] * n_firm)
        self.town = np.array([r[1] for r in farm_rows] + [r[3] for r in firm_rows], dtype=np.int64)
        self.village = np.array([r[2] for r in farm_rows] + [r[4] for r in firm_rows], dtype=np.int64)
        agri_firm = np.array(["农" in (r[2] or "") for r in firm_rows], dtype=bool)
        self.agri_base = np.concatenate([np.ones(n_farm, bool), agri_firm | (gen.random(n_firm) < 0.2)])
        self.bank = np.concatenate(
            [
                gen.choice(len(banks), size=n_farm, p=farm_w / farm_w.sum()) if n_farm else np.array([], int),
                gen.choice(len(banks), size=n_firm, p=firm_w / firm_w.sum()) if n_firm else np.array([], int),
            ]
        )
        # Encrypted once per borrower: the same person appears in many quarterly returns.
        self.enc = [crypto.encrypt(x, context=storage.BORROWER_ID_CONTEXT) for x in self.ids]
        self.hash = [crypto.lookup_hash(x) for x in self.ids]
        self._loans()
        self.kind = demo_policy.borrower_types(self.kind, self.bank, self.agri_base, keys)  # after the loans

    def _loans(self):
        gen = self.gen
        n = len(self.ids)
        base = np.where(
            self.kind == "farm",
            gen.lognormal(np.log(45000), 0.5, n),
            np.where(
                self.kind == "small",
                gen.lognormal(np.log(400000), 0.7, n),
                gen.lognormal(np.log(90000), 0.6, n),
            ),
        )
        first_year = np.where(gen.random(n) < 0.3, gen.choice([2019, 2020, 2021], size=n), 2017)
        offset = gen.integers(0, 330, n)  # the borrower's renewal day of the year
        cols = defaultdict(list)
        for yi, year in enumerate(LOAN_YEARS):
            for kind in ("farm", "small", "individual"):
                idx = np.nonzero((self.kind == kind) & (first_year <= year))[0]
                take = idx[gen.random(len(idx)) < P_BORROW[kind][yi]]
                m = len(take)
                issued = datetime.date(year, 1, 1).toordinal() + offset[take] + gen.integers(-10, 11, m)
                long_term = (kind == "small") & (gen.random(m) < 0.2)
                term = np.where(long_term, 36 * 30 + 15, 365)
                amount = np.round(base[take] * 1.06 ** (year - 2017) * gen.lognormal(0, 0.08, m), -2)
                cols["b"].append(take)
                cols["issued"].append(issued)
                cols["term"].append(term)
                cols["amort"].append(long_term)
                cols["amount"].append(np.maximum(amount, 1000).astype(np.int64) * 100)  # fen
                cols["rate"].append(np.round(np.clip(RATE[kind][yi] + gen.normal(0, 0.35, m), 3.2, 14.0), 2))
                cols["credit"].append(gen.random(m) < P_CREDIT[kind][yi])
                cols["first"].append(first_year[take] == year)
                cols["year"].append(np.full(m, year))
        for k, parts in cols.items():
            setattr(self, "l_" + k, np.concatenate(parts) if parts else np.array([]))
        m = len(self.l_b)
        self.l_due = self.l_issued + self.l_term
        self.l_agri = self.agri_base[self.l_b]
        self.l_bank = self.bank[self.l_b]
        u = gen.random(m)
        self.l_status = np.where(u < 0.012, "npl", np.where(u < 0.032, "overdue", "normal"))
        guarantee = gen.choice(np.array(["guarantee", "mortgage", "pledge"]), size=m, p=[0.5, 0.4, 0.1])
        self.l_guarantee = np.where(self.l_credit, "credit", guarantee)
        serial = np.arange(m)
        self.l_no = [f"JJ{y}{s:08d}" for y, s in zip(self.l_year.tolist(), serial.tolist(), strict=True)]

    def snapshot(self, bank_index: int, period: ReportingPeriod):
        """The loans a bank reports for a quarter: outstanding at its end, or issued during it."""
        start, end = period.start.toordinal(), period.end.toordinal()
        mask = (
            (self.l_bank == bank_index)
            & (self.l_issued >= self.opened[bank_index])
            & (self.l_issued <= end)
            & ((self.l_due > end) | (self.l_issued >= start))
        )
        idx = np.nonzero(mask)[0]
        outstanding = self.l_due[idx] > end
        amount = self.l_amount[idx]
        remaining = np.clip((self.l_due[idx] - end) / self.l_term[idx], 0, 1)
        balance = np.where(
            outstanding, np.where(self.l_amort[idx], np.round(amount * remaining, -2), amount), 0
        ).astype(np.int64)
        return idx, balance


# The products and collateral of the demo's loans, by the loan's position: no draw from the random stream, so
# every other figure of the demo stays as it was. Names from plan 十三; "" = not told.
DEMO_PRODUCTS = {
    "farm": ("鲁担惠农贷", "巾帼信用贷", "", ""),
    "small": ("担保贷", "鲁青基准贷", "人才贷", ""),
    "individual": ("源青创业贷", "鲁担巾帼贷", ""),
}
MORTGAGED = ("real_estate", "land_rights", "forest_rights")
PLEDGED = ("movable", "warehouse", "receivables", "equity", "ip")


def _product(kind: str, i: int) -> str:
    names = DEMO_PRODUCTS.get(kind, ("",))
    return names[i % len(names)]


def _collateral(guarantee: str, i: int) -> str:
    kinds = {"mortgage": MORTGAGED, "pledge": PLEDGED}.get(guarantee)
    return kinds[i % len(kinds)] if kinds else ""


def _write_loans(
    book: Book, idx: np.ndarray, balance: np.ndarray, submission: Submission, ctx, *, flip_agri=None
) -> dict:
    """Spool lines in the storage format, then the COPY/executemany path real submissions take."""
    fd, path = tempfile.mkstemp(prefix="puhui-demo-", suffix=".copy")
    totals = {
        "loans": 0,
        "amount_fen": 0,
        "balance_fen": 0,
        "balance_by_type_fen": defaultdict(int),
        "balance_by_town_fen": defaultdict(int),
    }
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            b = book.l_b[idx]
            agri = book.l_agri[idx].copy()
            if flip_agri is not None:
                agri &= ~flip_agri
            status = np.where(balance > 0, book.l_status[idx], "normal")
            for row, (i, bi, bal, ag, st) in enumerate(
                zip(idx.tolist(), b.tolist(), balance.tolist(), agri.tolist(), status.tolist(), strict=True),
                start=2,
            ):
                kind = book.kind[bi]
                issued = datetime.date.fromordinal(int(book.l_issued[i]))
                due = datetime.date.fromordinal(int(book.l_due[i]))
                f.write(
                    f"{row}\t{book.l_no[i]}\t{book.id_kind[bi]}\t{book.enc[bi]}\t{book.hash[bi]}\t{kind}\t{book.town[bi]}\t"
                    f"{book.village[bi]}\t{book.l_amount[i]}\t{bal}\t{book.l_rate[i]:.2f}\t{issued.isoformat()}\t{due.isoformat()}\t"
                    f"{book.l_guarantee[i]}\t{'t' if book.l_credit[i] else 'f'}\t{'t' if book.l_first[i] else 'f'}\t"
                    f"{'t' if ag else 'f'}\t{st}\t{_product(kind, i)}\t{_collateral(book.l_guarantee[i], i)}\n"
                )
                totals["loans"] += 1
                totals["amount_fen"] += int(book.l_amount[i])
                totals["balance_fen"] += bal
                totals["balance_by_type_fen"][kind] += bal
                totals["balance_by_town_fen"][ctx.towns[int(book.town[bi])][0]] += bal
        storage.write_loans(submission_id=submission.pk, spool_path=path, total=totals["loans"])
    finally:
        os.remove(path)
    totals["balance_by_type_fen"] = dict(totals["balance_by_type_fen"])
    totals["balance_by_town_fen"] = dict(sorted(totals["balance_by_town_fen"].items()))
    return totals


class Writer:
    """Submissions written directly (bulk), with believable timestamps, and approved by the office."""

    def __init__(self, gen, actor, users_by_org):
        self.gen = gen
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.users = users_by_org
        self.count = 0
        self.late = 0

    def create(
        self,
        org,
        form: str,
        period: ReportingPeriod,
        *,
        version=1,
        status="approved",
        late=None,
        comment="",
        review="",
    ) -> Submission:
        gen = self.gen
        span = max(1, (period.due - period.end).days)
        late = bool(gen.random() < 0.06) if late is None else late
        day = (
            period.due + datetime.timedelta(days=int(gen.integers(1, 12)))
            if late
            else period.end + datetime.timedelta(days=int(gen.integers(2, span + 1)))
        )
        self.late += late
        submitted = _aware(day, gen)
        user = self.users.get(org.pk)
        sub = Submission.objects.create(
            institution=org,
            form=form,
            period=period,
            version=version,
            is_current=True,
            status=status,
            channel=Submission.Channel.DEMO,
            filename=f"{catalogue.form(form).title}_{org.short_name or org.name}_{period.label}.xlsx",
            row_count=0,
            totals={},
            comment=comment,
            submitted_by=user,
            submitted_label=str(user) if user else org.name,
            submitted_at=submitted,
            reviewed_by=self.actor if status != "submitted" else None,
            reviewed_at=submitted + datetime.timedelta(days=int(gen.integers(1, 6)))
            if status != "submitted"
            else None,
            review_comment=review,
        )
        self.count += 1
        return sub


def _values(sub: Submission, rows: list[tuple[int | None, dict[str, float], str]]) -> None:
    rows = demo_check.explain_aggregate_jumps(sub, rows)  # the 说明 the validator asks for
    objs = []
    for n, (town_id, items, note) in enumerate(rows, start=2):
        for code, value in items.items():
            objs.append(
                AggregateValue(
                    submission=sub, row=n, town_id=town_id, item=code, value=Decimal(str(value)), note=note
                )
            )
    AggregateValue.objects.bulk_create(objs, batch_size=2000)
    totals = defaultdict(Decimal)
    for o in objs:
        totals[o.item] += o.value
    sub.row_count = len(rows)
    sub.totals = {"rows": len(rows), "items": {k: str(v) for k, v in totals.items()}}
    sub.save(update_fields=["row_count", "totals"])


def data_demo(*, rng, actor, scale: float = 1.0, progress=print) -> dict:
    """Generate the 2019–2021 submissions of every demo institution, approve them, compute the indicators."""
    gen = _numpy(rng)
    with transaction.atomic():
        services.catalogue_sync(actor=actor)
        counts = _generate(gen=gen, actor=actor, scale=scale, progress=progress)
    progress("    计算派生指标……")
    result = derived.compute_all(actor=actor)
    counts["indicator_values"] = result["values"]
    return counts


def _generate(*, gen, actor, scale, progress) -> dict:
    ctx = county_context()
    quarters = [services.period_get(c) for c in codes_between("quarter", FIRST, LAST)]
    years = {y: services.period_get(str(y)) for y in YEARS}
    orgs = catalogue.submitting_organisations()
    forms = catalogue.forms()
    banks = [o for o in orgs if forms[catalogue.LOANS_FORM].applies_to(o)]
    staff = User.objects.filter(role__in=["institution", "member_unit"], organisation__in=orgs).order_by("pk")
    users = {u.organisation_id: u for u in staff}
    writer = Writer(gen, actor, users)
    progress(
        f"    报送机构 {len(orgs)} 家（银行 {len(banks)} 家），报送期 {quarters[0].code}–{quarters[-1].code}"
    )
    book = Book(gen, banks, scale, progress)
    # Scenario slots handled through the real services afterwards.
    by_key = {demo_policy.demo_key(o): o for o in orgs}
    returned_loans = (by_key.get("PSBC"), "2020Q3")
    typo_channels = (by_key.get("BSVB"), "2020Q2")
    swapped_archive = (by_key.get("RCB"), "2021Q1")
    missing = (by_key.get("CCB"), "channels", "2021Q4")
    pending = (by_key.get("ICBC"), "advisers", "2021Q4")
    late_loans = (by_key.get("ABC"), "2019Q4")

    balances_by_bank_town, loan_rows = _loan_returns(
        gen, book, writer, banks, quarters, ctx, returned_loans, late_loans, progress
    )
    progress(f"    贷款明细共 {loan_rows:,} 行")

    _deposits(gen, writer, banks, quarters, ctx, balances_by_bank_town)
    _channels(gen, writer, banks, quarters, ctx, skip={typo_channels, (missing[0], missing[2])})
    _advisers(gen, writer, banks, quarters, pending)
    archive_orgs = [o for o in orgs if forms["credit_archive"].applies_to(o)]
    _archive(gen, writer, archive_orgs, quarters, ctx, skip={swapped_archive})
    write = lambda org, form, period, rows: _values(writer.create(org, form, period), rows)  # noqa: E731
    demo_finance.insurance(gen, write, orgs, years, ctx)
    demo_finance.local_finance(gen, write, orgs, quarters)
    scenarios = _scenarios(gen, actor, writer, ctx, quarters, typo_channels, swapped_archive)
    # Last: the guarantors of the approved loan returns, from a child stream (the draws above stay as they were).
    guarantees = demo_guarantees.guarantee_returns(gen, writer, book, banks, quarters, progress)
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        object_type="data.Submission",
        object_repr="演示报送数据",
        note=f"演示报送 {writer.count} 份（迟报 {writer.late} 份），贷款明细 {loan_rows:,} 行；{scenarios}",
    )
    return {
        "submissions": writer.count,
        "loan_rows": loan_rows,
        "late": writer.late,
        "guarantee_rows": guarantees["guarantee_rows"],
    }


def _loan_returns(gen, book, writer, banks, quarters, ctx, returned_loans, late_loans, progress):
    """Each open bank's loan-level return for each quarter; the balances by bank and town they add up to."""
    balances_by_bank_town: dict[tuple[int, str], dict[int, int]] = {}
    loan_rows = 0
    for q in quarters:
        for bi, bank in enumerate(banks):
            if not demo_policy.is_open(bank, q):  # a bank reports from the quarter it opened in
                continue
            idx, balance = book.snapshot(bi, q)
            if not len(idx):  # no loan in the county (a tiny demo): no return, as an empty file is refused
                balances_by_bank_town[(bank.pk, q.code)] = {}
                continue
            if (bank, q.code) == returned_loans:
                flip = (book.kind[book.l_b[idx]] == "farm") & (gen.random(len(idx)) < 0.15)
                v1 = writer.create(
                    bank,
                    "loans",
                    q,
                    status="returned",
                    review="部分农户贷款未标记为涉农贷款，请核对“涉农贷款”列后重新报送。",
                )
                v1.totals = _write_loans(book, idx, balance, v1, ctx, flip_agri=flip)
                v1.row_count = v1.totals["loans"]
                v1.is_current = False
                v1.save(update_fields=["totals", "row_count", "is_current"])
                sub = writer.create(
                    bank, "loans", q, version=2, late=True, comment="已按审核意见更正涉农贷款标识。"
                )
            else:
                sub = writer.create(bank, "loans", q, late=True if (bank, q.code) == late_loans else None)
            sub.totals = _write_loans(book, idx, balance, sub, ctx)
            sub.row_count = sub.totals["loans"]
            sub.save(update_fields=["totals", "row_count"])
            demo_check.explain_loan_jump(sub)
            loan_rows += sub.row_count
            town_bal = defaultdict(int)
            for b, bal in zip(book.l_b[idx].tolist(), balance.tolist(), strict=True):
                town_bal[int(book.town[b])] += bal
            balances_by_bank_town[(bank.pk, q.code)] = town_bal
        progress(f"    {q.label}：贷款明细 {len(banks)} 份")
    return balances_by_bank_town, loan_rows


def _deposits(gen, writer, banks, quarters, ctx, balances):
    households = dict(
        Division.objects.filter(level="village")
        .values("parent_id")
        .annotate(h=Sum("households"))
        .values_list("parent_id", "h")
    )
    weight = {b.pk: 1.0 + 3.0 * gen.random() for b in banks}
    for t, q in enumerate(quarters):
        for bank in demo_policy.open_banks(banks, q):
            rows = []
            deposit_factor = demo_policy.deposit_factor(bank, q.year)
            for town_id, (_code, _name) in sorted(ctx.towns.items(), key=lambda x: x[1][0]):
                hh = households.get(town_id, 0)
                deposits = round(
                    hh * 9000 * weight[bank.pk] * 1.02**t * gen.lognormal(0, 0.05) * deposit_factor, 2
                )
                loans = balances[(bank.pk, q.code)].get(town_id, 0) / 100
                loans = round(loans * demo_policy.reported_loans_factor(bank, q.year), 2)
                startup = round(loans * 0.02, 2)
                rows.append(
                    (
                        town_id,
                        {
                            "deposits_total": deposits,
                            "deposits_personal": round(deposits * 0.74, 2),
                            "loans_total": loans,
                            "startup_balance": startup,
                            "startup_issued": round(startup * 0.3 * gen.random(), 2),
                            "renewal_balance": round(loans * 0.015, 2),
                            "discount_balance": round(loans * 0.03 * gen.random(), 2),
                            "green_balance": round(loans * 0.02 * (1 + t / 12), 2),
                        },
                        "",
                    )
                )
            _values(writer.create(bank, "deposits_loans", q), rows)


def _channel_platform(gen):
    """Per bank and town, as dated lists: service points (opened, upgraded) and terminals (installed, billing)."""
    branch = derived._branch_of()
    points = defaultdict(list)
    for bank_id, town_id, opened, closed, station, functions, on in ServicePoint.objects.values_list(
        "bank_id", "village__parent_id", "opened_on", "closed_on", "is_station", "functions", "upgraded_on"
    ).order_by("pk"):
        upgraded = None
        if station and "cross_bank" in (functions or []):
            # The register's upgrade date when it has one (the demo county's); the draw keeps the stream as it was.
            drawn = datetime.date(2019, 3, 1) + datetime.timedelta(days=int(gen.triangular(0, 620, 1000)))
            upgraded = on or drawn
        points[(branch.get(bank_id, bank_id), town_id)].append((opened, closed, upgraded))
    terminals = defaultdict(list)
    for bank_id, town_id, installed, bill, billing in (
        Terminal.objects.exclude(kind=Terminal.Kind.POS)
        .values_list("bank_id", "village__parent_id", "installed_on", "bill_payment", "bill_payment_since")
        .order_by("pk")
    ):
        since = (
            datetime.date(2018, 6, 1) + datetime.timedelta(days=int(gen.integers(0, 1280))) if bill else None
        )
        since = billing or since
        terminals[(branch.get(bank_id, bank_id), town_id)].append((installed, since))
    return points, terminals


def channel_rows(gen, bank, q, ctx, points, terminals, events):
    end = q.end
    rows = []
    for town_id, (_code, _name) in sorted(ctx.towns.items(), key=lambda x: x[1][0]):
        sp = [
            p
            for p in points.get((bank.pk, town_id), [])
            if (p[0] is None or p[0] <= end) and (p[1] is None or p[1] > end)
        ]
        tm = [x for x in terminals.get((bank.pk, town_id), []) if x[0] is None or x[0] <= end]
        rows.append(
            (
                town_id,
                {
                    "sp_total": len(sp),
                    "sp_upgraded": sum(1 for p in sp if p[2] is not None and p[2] <= end),
                    "terminals_total": len(tm),
                    "terminals_bill": sum(1 for x in tm if x[1] is not None and x[1] <= end),
                    "mobile_events": events.get(town_id, 0),
                    "education_events": int(gen.poisson(0.6)),
                },
                "",
            )
        )
    return rows


def _channels(gen, writer, banks, quarters, ctx, skip):
    points, terminals = _channel_platform(gen)
    town_ids = sorted(ctx.towns)
    rate = {b.pk: 0.55 + 0.7 * gen.random() for b in banks}
    writer.channel_data = (points, terminals)
    for q in quarters:
        for bank in demo_policy.open_banks(banks, q):
            if (bank, q.code) in skip:
                continue
            n_events = int(gen.poisson(rate[bank.pk] * (1 + 0.15 * (q.year - 2019))))
            events = defaultdict(int)
            for _ in range(n_events):
                events[town_ids[int(gen.integers(len(town_ids)))]] += 1
            _values(
                writer.create(bank, "channels", q), channel_rows(gen, bank, q, ctx, points, terminals, events)
            )


def _advisers(gen, writer, banks, quarters, pending):
    staff = {b.pk: int(gen.integers(2, 8)) for b in banks}
    for q in quarters:
        for bank in demo_policy.open_banks(banks, q):
            total = staff[bank.pk]
            visited = total if gen.random() < 0.8 + 0.05 * (q.year - 2019) else total - 1
            status = "submitted" if (bank, "advisers", q.code) == pending else "approved"
            sub = writer.create(bank, "advisers", q, status=status)
            _values(
                sub,
                [
                    (
                        None,
                        {
                            "advisers_total": total,
                            "advisers_visited": visited,
                            "firms_visited": visited * int(gen.integers(1, 4)),
                        },
                        "",
                    )
                ],
            )


def archive_rows(gen, org, share: float, t: int, farm: dict[int, int], noise: dict[int, float]):
    rows = []
    for town_id in sorted(farm):
        f = farm[town_id] * share
        archived = int(f * min(0.99, ARCHIVE_PATH[t] + noise[town_id]))
        pre = int(f * min(0.95, PRECREDIT_PATH[t] + noise[town_id] * 0.8))
        pre = min(pre, archived)
        rated = min(archived, int((archived + pre) / 2))
        rows.append(
            (
                town_id,
                {"archived": archived, "rated": rated, "precredit": pre, "precredit_amount": pre * 52000},
                "",
            )
        )
    return rows


def _archive(gen, writer, orgs, quarters, ctx, skip):
    farm = dict(
        Division.objects.filter(level="village")
        .values("parent_id")
        .annotate(f=Sum("farm_households"))
        .values_list("parent_id", "f")
    )
    farm = {t: farm.get(t, 0) for t in ctx.towns}
    noise = {t: float(gen.normal(0, 0.03)) for t in farm}
    shares = {o.pk: (0.8 if o.kind == "rural_bank" else 0.2) for o in orgs}
    total = sum(shares.values()) or 1
    writer.archive_data = (farm, noise, {k: v / total for k, v in shares.items()})
    for t, q in enumerate(quarters):
        for org in demo_policy.open_banks(orgs, q):
            if (org, q.code) in skip:
                continue
            _values(
                writer.create(org, "credit_archive", q),
                archive_rows(gen, org, shares[org.pk] / total, t, farm, noise),
            )


def _user_for(org, fallback):
    return (
        User.objects.filter(organisation=org, role__in=["institution", "member_unit"]).order_by("pk").first()
        or fallback
    )


def _as_rows(form_code: str, rows, ctx) -> list[dict]:
    form = catalogue.form(form_code)
    out = []
    for town_id, items, note in rows:
        row = {"镇（街道）代码": ctx.towns[town_id][0]} if town_id else {}
        row.update({form.item(k).header: (str(v) if isinstance(v, float) else v) for k, v in items.items()})
        if note:
            row["说明"] = note
        out.append(row)
    return out


def _scenarios(gen, actor, writer, ctx, quarters, typo_channels, swapped_archive) -> str:
    """Mistakes made and corrected through the real services: what the inbox and the upload history show."""
    notes = []
    bank, code = typo_channels
    if bank is not None:
        q = next(p for p in quarters if p.code == code)
        points, terminals = writer.channel_data
        good = channel_rows(gen, bank, q, ctx, points, terminals, {})
        bad = [(t, dict(items), note) for t, items, note in good]
        big = max(range(len(bad)), key=lambda i: bad[i][1]["terminals_total"])
        bad[big][1]["terminals_total"] = bad[big][1]["terminals_total"] * 10 + 1  # an extra digit typed
        bad[big][1]["sp_upgraded"] = (
            bad[big][1]["sp_total"] + 1
        )  # and a figure entered one column to the left
        user = _user_for(bank, actor)
        first = services.upload_start(
            actor=user,
            institution=bank,
            form_code="channels",
            period_code=code,
            channel="api",
            rows=_as_rows("channels", bad, ctx),
        )
        second = _corrected(user, bank, "channels", code, good, ctx)
        _approve_and_date(gen, actor, second, q, late=False)
        notes.append(
            f"{bank.short_name or bank.name} {code} 服务渠道表第一次上传 {first.get_status_display()}（{first.error_total} 处错误）后更正"
        )
    org, code = swapped_archive
    if org is not None:
        t = next(i for i, p in enumerate(quarters) if p.code == code)
        q = quarters[t]
        farm, noise, shares = writer.archive_data
        good = archive_rows(gen, org, shares[org.pk], t, farm, noise)
        bad = [(town, dict(items), note) for town, items, note in good]
        bad[0][1]["archived"], bad[0][1]["precredit"] = (
            bad[0][1]["precredit"],
            bad[0][1]["archived"],
        )  # two columns swapped
        user = _user_for(org, actor)
        first = services.upload_start(
            actor=user,
            institution=org,
            form_code="credit_archive",
            period_code=code,
            channel="api",
            rows=_as_rows("credit_archive", bad, ctx),
        )
        second = _corrected(user, org, "credit_archive", code, good, ctx)
        _approve_and_date(gen, actor, second, q, late=True)
        notes.append(
            f"{org.short_name or org.name} {code} 农户信用档案表第一次上传 {first.get_status_display()}（{first.error_total} 处错误）后更正"
        )
    return "；".join(notes)


def _corrected(actor, org, form_code: str, code: str, rows, ctx) -> Upload:
    """The corrected upload; should random figures still jump year on year, say so as a careful bank would."""
    upload = services.upload_start(
        actor=actor,
        institution=org,
        form_code=form_code,
        period_code=code,
        channel="api",
        rows=_as_rows(form_code, rows, ctx),
    )
    if upload.submission is None:
        explained = [(t, items, "本期业务调整，数据已核实") for t, items, _note in rows]
        upload = services.upload_start(
            actor=actor,
            institution=org,
            form_code=form_code,
            period_code=code,
            channel="api",
            rows=_as_rows(form_code, explained, ctx),
        )
    return upload


def _approve_and_date(gen, actor, upload: Upload, period: ReportingPeriod, *, late: bool):
    if upload.submission is None:
        raise RuntimeError(f"demo correction was refused: {upload.errors[:3]}")
    services.submission_review(actor=actor, submission=upload.submission, approve=True, recompute=False)
    day = period.due + datetime.timedelta(days=3) if late else period.due - datetime.timedelta(days=2)
    submitted = _aware(day, gen)
    Submission.objects.filter(pk=upload.submission.pk).update(
        submitted_at=submitted, reviewed_at=submitted + datetime.timedelta(days=2)
    )
    Upload.objects.filter(institution=upload.institution, form=upload.form, period=period).update(
        created_at=submitted - datetime.timedelta(hours=1),
        finished_at=submitted - datetime.timedelta(hours=1),
    )


def build(ctx) -> dict:
    """Hook called by `puhui demo` after the county, the rosters and the credit system exist."""
    actor = ctx.users["office"]
    data_demo(rng=ctx.rng(7), actor=actor, scale=ctx.scale, progress=ctx.progress)
    # Platform sources of apps built after this one (the advisers' visit logs, first loans) are empty until
    # they have run: the indicators are computed once more at the end, so the targets read every source.
    ctx.later(lambda: derived.compute_all(actor=actor))
    return {}
