"""The demo county's firm credit information: each catalogue source's latest period for a share of the
register's firms (written in bulk, as a department's file would be stored: one upload per source and period;
the utility companies' file carries firms from outside the county, listed as unmatched), firm users
firm_01… acting for a firm, their authorisations (one revoked, one expired) through the services, more
authorisations and bank look-ups in bulk, and the ratings of every firm by the firm scorecard.

Runs after the data demo (INSTALLED_APPS order), so the ratings read the banks' loans.
"""

import datetime

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from puhui.core.access import county_bank
from puhui.core.audit import audit_record
from puhui.core.models import AuditLog, Organisation, User
from puhui.demo import ids
from puhui.demo import logins as logins_mod
from puhui.firms import access, catalogue
from puhui.firms.models import Authorisation, DepartmentRecord, DepartmentUpload, LookUp
from puhui.firms.selectors.loans import firm_hashes, loan_outcomes
from puhui.firms.services.authorisations import authorisation_grant, authorisation_revoke
from puhui.firms.services.ratings import ratings_compute
from puhui.firms.services.scorecards import scorecard_train
from puhui.registry.models import Firm

COUNT_LABELS = {
    "uploads": "部门共享企业信息上传",
    "records": "部门共享企业信息（户·来源）",
    "firm_users": "代表企业的用户",
    "authorisations": "企业授权",
    "lookups": "银行查询记录",
    "ratings": "企业信用评级",
    "scorecards": "统计评分卡版本",
}
STREAM = 4200  # this app's random streams (ctx.rng)
# The share of the register's firms each source covers, and its period (the latest the plan's years had).
COVERAGE = {
    "tax_credit": (0.7, datetime.date(2020, 12, 1)),
    "tax_paid": (0.7, datetime.date(2020, 12, 1)),
    "social_insurance": (0.6, datetime.date(2021, 6, 1)),
    "court_enforcement": (0.5, datetime.date(2021, 6, 1)),
    "dishonest_debtor": (0.5, datetime.date(2021, 6, 1)),
    "abnormal_operation": (0.6, datetime.date(2021, 6, 1)),
    "admin_penalty": (0.5, datetime.date(2021, 6, 1)),
    "utility_arrears": (0.4, datetime.date(2021, 6, 1)),
    "subsidy": (0.15, datetime.date(2020, 12, 1)),
}
FIRM_USERS = 5
OUTSIDE_FIRMS = 3  # the utility file's firms registered outside the county (partial matching)


def _values(code: str, rng, employees: int, revenue: float, risky: bool = False) -> dict:
    r = float(rng.random())
    if code == "tax_credit":
        r = 0.6 + 0.4 * r if risky else r  # 2021's bad borrowers: M, C or D more often
        return {
            "grade": "A" if r < 0.3 else "B" if r < 0.7 else "M" if r < 0.85 else "C" if r < 0.95 else "D"
        }
    if code == "tax_paid":
        return {"tax_paid": f"{revenue * (0.01 + 0.04 * r):.2f}"}
    if code == "social_insurance":
        arrears = r < 0.08
        return {
            "insured": int(employees * (0.4 + 0.6 * r)),
            "arrears": f"{(r * 200000) if arrears else 0:.2f}",
            "arrears_months": 1 + int(r * 40) if arrears else 0,
        }
    if code == "court_enforcement":
        cases = 1 + int(r * 60) if r < 0.05 else 0
        return {"open_cases": cases, "open_amount": f"{cases * 85000:.2f}", "closed_cases": int(r * 3)}
    if code == "dishonest_debtor":
        return {"listed": r < 0.015, "listed_on": "2021-03-15" if r < 0.015 else None}
    if code == "abnormal_operation":
        return {"listed": r < 0.04, "reason": "未按规定报送年度报告" if r < 0.04 else ""}
    if code == "admin_penalty":
        count = 1 + int(r * 40) if r < 0.05 else 0
        return {"penalties": count, "fines": f"{count * 5000:.2f}"}
    if code == "utility_arrears":
        owes = r < 0.06
        return {
            "arrears": f"{r * 50000 if owes else 0:.2f}",
            "arrears_months": 1 + int(r * 50) if owes else 0,
        }
    return {"amount": f"{20000 + r * 200000:.2f}", "programme": "创业担保贷款贴息" if r < 0.5 else "稳岗补贴"}  # fmt: skip


def _going_bad() -> set[int]:
    """The registered firms with a loan reported overdue or non-performing in 2021's returns."""
    # The same firms as build()'s list, read by its condition: an id list is too long for SQLite at scale 10.
    usccs = dict(Firm.objects.filter(deregistered_on__isnull=True).values_list("pk", "uscc"))
    outcomes = loan_outcomes(firm_hashes(usccs), datetime.date(2020, 12, 31), datetime.date(2021, 12, 31))
    return {pk for pk, bad in outcomes.items() if bad}


def _departments(ctx, firms) -> tuple[int, int]:
    by_alias = {o.plan_alias: o for o in Organisation.objects.exclude(plan_alias="")}
    uploads = records = 0
    now, risky = timezone.now(), _going_bad()
    for n, (code, (share, period)) in enumerate(COVERAGE.items()):
        source, rng = catalogue.source(code), ctx.rng(STREAM, n)
        org = by_alias.get(source.department)
        if org is None:
            continue
        chosen = [f for f in firms if rng.random() < share]
        unmatched = []
        if code == "utility_arrears":
            outside = ids.usccs("91370303", list(range(OUTSIDE_FIRMS)))  # 淄博市博山区: not this county
            unmatched = [
                {"row": len(chosen) + 2 + i, "uscc": u, "name": f"外县企业{i + 1}"}
                for i, u in enumerate(outside)
            ]
        upload = DepartmentUpload.objects.create(
            source=code,
            period=period,
            organisation=org,
            uploaded_at=now,
            filename=f"{source.name}.xlsx",
            rows=len(chosen) + len(unmatched),
            matched=len(chosen),
            unmatched=unmatched,
        )
        DepartmentRecord.objects.bulk_create(
            [
                DepartmentRecord(
                    upload=upload,
                    firm_id=pk,
                    source=code,
                    period=period,
                    values=_values(code, rng, emp, float(rev), pk in risky),
                )
                for pk, emp, rev in chosen
            ],
            batch_size=5000,
        )
        uploads, records = uploads + 1, records + len(chosen)
    audit_record(
        actor=None,
        action=AuditLog.Action.IMPORT,
        object_type=DepartmentUpload._meta.label,
        object_repr="演示：部门共享企业信息",
        note=f"演示数据：{uploads} 份上传，{records:,} 条企业信息",
    )
    return uploads, records  # fmt: skip


def _firm_users(ctx, firms) -> list[User]:
    """firm_01…: public users acting for a firm; their passwords join the demo's login table (`ctx.logins`)."""
    made = []
    phones = ids.mobiles(ctx.rng(STREAM, 98), FIRM_USERS)
    for n, (pk, *_rest) in enumerate(firms[:FIRM_USERS], start=1):
        firm = Firm.objects.get(pk=pk)
        user = User(
            username=f"firm_{n:02d}", role=User.Role.PUBLIC, firm=firm, display_name=f"{firm.name}财务",
            phone=phones[n - 1],
        )  # fmt: skip
        password = logins_mod.new_password(user)
        user.password = make_password(password)
        user.save()
        made.append(user)
        ctx.logins.append(logins_mod.Login(user.username, "公众", firm.name, password))
    return made


def _authorisations(ctx, firms, users) -> tuple[int, int]:
    banks = list(access.county_banks())
    if not banks:
        return 0, 0
    today = timezone.localdate()
    for n, user in enumerate(users):
        chosen = [banks[(n + k) % len(banks)] for k in range(1 + n % 3)]
        grants = authorisation_grant(
            actor=user, banks=chosen, expires_on=today + datetime.timedelta(days=365)
        )
        if n == 1:
            authorisation_revoke(actor=user, authorisation=grants[0])
    rng, now = ctx.rng(STREAM, 99), timezone.now()
    bulk = []
    for pk, *_rest in firms[FIRM_USERS:]:
        if rng.random() < 0.06:
            bank = banks[int(rng.integers(len(banks)))]
            expired = rng.random() < 0.1
            bulk.append(Authorisation(firm_id=pk, bank=bank, granted_at=now - datetime.timedelta(days=400 if expired else 30),
                                      expires_on=today - datetime.timedelta(days=20) if expired else today + datetime.timedelta(days=335)))  # fmt: skip
    Authorisation.objects.bulk_create(bulk, batch_size=5000)
    return Authorisation.objects.count(), _lookups(rng, now)


def _lookups(rng, now) -> int:
    """Each bank looks at some of the firms that authorised it, as its staff would."""
    staff = {}
    for user in User.objects.filter(role=User.Role.INSTITUTION).select_related("organisation"):
        bank = county_bank(user.organisation)
        if bank is not None:
            staff.setdefault(bank.pk, user)
    rows = []
    for grant in Authorisation.objects.filter(access.in_force()).select_related("bank"):
        user = staff.get(grant.bank_id)
        if user is None:
            continue
        for k in range(int(rng.integers(0, 3))):
            rows.append(LookUp(firm_id=grant.firm_id, bank_id=grant.bank_id, user=user, user_label=user.display_name or user.username,
                               at=now - datetime.timedelta(days=int(rng.integers(0, 25)), hours=k), what=LookUp.What.PROFILE))  # fmt: skip
    LookUp.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def build(ctx) -> dict:
    firms = list(
        Firm.objects.filter(deregistered_on__isnull=True)
        .order_by("pk")
        .values_list("pk", "employees", "annual_revenue")
    )
    uploads, records = _departments(ctx, firms)
    users = _firm_users(ctx, firms)
    authorisations, lookups = _authorisations(ctx, firms, users)
    office = ctx.users.get("office")
    rated = ratings_compute(actor=office)
    try:
        trained = 1 if scorecard_train(actor=office) else 0
    except ValidationError as e:  # a small demo county: too few outcomes, as the job would say
        ctx.progress(f"    未开发统计评分卡：{e.messages[0]}")
        trained = 0
    return {
        "uploads": uploads,
        "records": records,
        "firm_users": len(users),
        "authorisations": authorisations,
        "lookups": lookups,
        "ratings": rated["firms"],
        "scorecards": trained,
    }
