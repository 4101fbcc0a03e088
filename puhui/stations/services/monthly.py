"""The banks' monthly figures per station: withdrawals, transfers, remittances and bill payments (笔, 元) and the
daily cash-withdrawal limit per card the station applies (元/卡/日), entered on a form or uploaded as a file.

One rule for both roads, `month_problems`: the month not in the future; counts and amounts not negative, an
amount only with a count; the station the reporting bank's own and in the register during the month (not
closed before it began, nor opened after it ended). A limit above the PBoC's rule (`rules.daily_limit_rule`)
is stored as reported and flagged on the pages (a fact to follow up, not a typing error). A file is checked
whole — every problem named by row and column — and stored all or nothing, in bulk.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, ServicePoint
from puhui.imports import tabular
from puhui.imports.cells import CellError, Parser
from puhui.imports.engine import chunks
from puhui.stations import access
from puhui.stations.models import MonthlyReport
from puhui.stations.rules import month_end, month_start

FIGURES = (("withdrawal", "取款"), ("transfer", "转账"), ("remittance", "汇款"), ("bill", "缴费"))
MAX_COUNT = 10_000_000  # transactions of one station in one month
MAX_AMOUNT = Decimal("10000000000")  # 100 亿元: more is a typing error
MAX_LIMIT = Decimal("1000000")
FIELDS = tuple(f"{k}_{p}" for k, _ in FIGURES for p in ("count", "amount")) + ("daily_limit",)


def parse_month(value) -> datetime.date:
    """A month as people write it: 2021-03, 2021/3, 2021年3月, 202103 or a date (its month)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})(?:[-/.年]\s*(\d{1,2})月?|(\d{2}))(?:[-/.]\d{1,2}日?)?", text)
    if match:
        month = int(match.group(2) or match.group(3))
        if 1 <= month <= 12:
            return datetime.date(int(match.group(1)), month, 1)
    raise ValueError(text)


class MonthCell(Parser):
    label = "月份"

    def __call__(self, value):
        try:
            return parse_month(value)
        except ValueError:
            raise CellError("不是月份，请写成 2021-03") from None

    def describe(self) -> str:
        return "月份，如 2021-03"


def month_problems(point: ServicePoint | None, month, values: dict, bank_path: str) -> list[tuple[str, str]]:
    """(field, reason) for one station-month; empty when it may be stored."""
    out = []
    today = timezone.localdate()
    if not isinstance(month, datetime.date):
        out.append(("month", "请填写月份。"))
    elif month > month_start(today):
        out.append(("month", f"月份（{month:%Y年%m月}）还没有到，不能报送。"))
    if point is None:
        out.append(("point", "请选择服务点。"))
    elif not point.bank.path.startswith(bank_path):
        out.append(("point", f"服务点“{point.name}”不是本行签约的服务点。"))
    elif isinstance(month, datetime.date):
        end = month_end(month)
        if point.opened_on is not None and point.opened_on > end:
            out.append(
                ("month", f"服务点“{point.name}”{point.opened_on:%Y-%m-%d} 才设立，{month:%Y年%m月}不在册。")
            )
        if point.closed_on is not None and point.closed_on <= month:
            out.append(
                (
                    "month",
                    f"服务点“{point.name}”已于 {point.closed_on:%Y-%m-%d} 撤销，{month:%Y年%m月}不在册。",
                )
            )
    for key, label in FIGURES:
        count, amount = values.get(f"{key}_count"), values.get(f"{key}_amount")
        if count is None or amount is None:
            out.append((f"{key}_count", f"请填写{label}笔数和金额。"))
            continue
        if count < 0 or count > MAX_COUNT:
            out.append((f"{key}_count", f"{label}笔数应在 0 至 {MAX_COUNT:,} 笔之间。"))
        if amount < 0 or amount > MAX_AMOUNT:
            out.append((f"{key}_amount", f"{label}金额不能为负数或超过 100 亿元。"))
        elif count == 0 and amount > 0:
            out.append((f"{key}_amount", f"{label}笔数为 0 时金额应为 0 元。"))
    limit = values.get("daily_limit")
    if limit is None or limit <= 0 or limit > MAX_LIMIT:
        out.append(("daily_limit", "请填写单卡单日取款限额（大于 0 元/卡/日）。"))
    return out


def _values(raw: dict) -> dict:
    out = {}
    for name in FIELDS:
        value = raw.get(name)
        if value is None or value == "":
            out[name] = None
            continue
        try:
            out[name] = (
                int(value) if name.endswith("_count") else Decimal(str(value)).quantize(Decimal("0.01"))
            )
        except (ValueError, ArithmeticError):
            raise ValidationError({name: "请填写数字。"}) from None
    return out


@transaction.atomic
def monthly_report_save(*, actor, point, month, **figures) -> MonthlyReport:
    """A station's month, reported by its bank; a month already reported is corrected (audited before → after)."""
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有签约银行可以报送服务站的月度交易。")
    values = _values(figures)
    problems = month_problems(point, month, values, bank.path)
    if problems:
        errors: dict[str, list[str]] = {}
        for field, reason in problems:
            errors.setdefault(field, []).append(reason)
        raise ValidationError(errors)
    report = MonthlyReport.objects.select_for_update().filter(point=point, month=month).first()
    before = snapshot(report)
    if report is None:
        report = MonthlyReport(point=point, month=month)
    report.bank = point.bank
    report.entered_by = actor
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    audit_changed(
        actor=actor,
        obj=report,
        before=before,
        note="报送服务站月度交易" if before is None else "更正月度交易",
    )
    return report


# ---------------------------------------------------------------- the file


def _amount(label):
    return tabular.Column(
        f"{label}_amount", f"{dict(FIGURES)[label]}金额（元）", tabular.Money(min_value=0), required=True
    )


SPEC = tabular.TableSpec(
    name="station_months",
    title="服务站月度交易",
    columns=(
        tabular.Column("point", "服务点编号", tabular.Code(32), required=True, aliases=("编号",), example="SP370323102201"),
        tabular.Column("month", "月份", MonthCell(), required=True, example="2021-03"),
        *(
            column
            for key, label in FIGURES
            for column in (
                tabular.Column(f"{key}_count", f"{label}笔数（笔）", tabular.Integer(min_value=0), required=True),
                _amount(key),
            )
        ),
        tabular.Column(
            "daily_limit", "单卡单日取款限额（元/卡/日）", tabular.Money(min_value=0), required=True, example="1000"
        ),
    ),
    unique=(("point", "month"),),
    notes=("每行一个服务点一个月的交易，笔数为整数，金额以元为单位；同一服务点同一月份只能有一行，已报送的月份按文件更正。",),
)  # fmt: skip


@dataclass
class UploadResult:
    filename: str
    errors: tabular.ErrorList
    rows: int = 0
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _points(codes) -> dict[str, ServicePoint]:
    found = {}
    for chunk in chunks(sorted(codes)):
        for p in ServicePoint.objects.filter(code__in=chunk).select_related("bank"):
            found[p.code] = p
    return found


def monthly_upload(*, actor, file, filename: str = "") -> UploadResult:
    """A bank's file of station-months: every row checked, then all stored in one transaction, or none."""
    bank = access.bank_of(actor)
    if bank is None:
        raise ValidationError("只有签约银行可以上传服务站的月度交易。")
    parsed = tabular.parse(file, SPEC, filename=filename)
    result = UploadResult(parsed.filename, parsed.errors, rows=len(parsed.rows))
    if parsed.errors.fatal:
        return result
    points = _points({r.values["point"] for r in parsed.rows if r.values.get("point")})
    good = []
    for row in parsed.rows:
        if not row.ok:
            continue
        point = points.get(row.values["point"])
        if point is None:
            parsed.add_error(row, "point", "没有这个服务点编号")
            continue
        problems = month_problems(point, row.values["month"], row.values, bank.path)
        for field, reason in problems:
            parsed.add_error(row, field if field != "point" else "point", reason)
        if not problems:
            good.append((point, row.values))
    if result.errors:
        return result
    _store(actor, good, result)
    return result


@transaction.atomic
def _store(actor, good, result: UploadResult) -> None:
    existing = {}
    for chunk in chunks([p.pk for p, _v in good]):
        for report in MonthlyReport.objects.select_for_update().filter(point_id__in=chunk):
            existing[(report.point_id, report.month)] = report
    new, changed = [], []
    for point, values in good:
        report = existing.get((point.pk, values["month"]))
        fields = {name: values[name] for name in FIELDS}
        if report is None:
            new.append(
                MonthlyReport(point=point, bank=point.bank, month=values["month"], entered_by=actor, **fields)
            )
            continue
        for name, value in fields.items():
            setattr(report, name, value)
        report.entered_by = actor
        changed.append(report)
    MonthlyReport.objects.bulk_create(new, batch_size=1000)
    MonthlyReport.objects.bulk_update(changed, [*FIELDS, "entered_by"], batch_size=500)
    result.created, result.updated = len(new), len(changed)
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        object_type=MonthlyReport._meta.label,
        object_repr=f"服务站月度交易导入：{result.filename}"[:200],
        after={"file": result.filename, "rows": result.rows, "created": len(new), "updated": len(changed)},
        note=f"服务站月度交易：共 {result.rows} 行，新增 {len(new)} 条，更正 {len(changed)} 条",
    )
