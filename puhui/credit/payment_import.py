"""Monthly payment aggregates per household (`puhui import payments`, the import page): one row per household,
month and reporting institution, feeding the scorecard's payment characteristics (`scoring.add_payment_signals`).

Payment data is personal: a row is stored only for a household with a valid payment-data consent
(`Consent.Scope.PAYMENT_DATA`, recorded, not revoked, not expired on the day of the import); any other row is
refused with that reason. The office and administrators import for every household; a bank imports its own
data (its institution or one of its outlets) for its own credit customers only (`access.credit_households_for`:
households it offered a line to or whose archive it verified) — any other household code, existing or not,
gets one answer, so the import cannot tell a bank who lives in the county.
"""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from puhui.api.access import acting_user
from puhui.core.audit import audit_changed_bulk, snapshot
from puhui.core.models import Organisation, User
from puhui.credit import access
from puhui.credit.models import Consent, PaymentMonth
from puhui.credit.scoring import consented_ids
from puhui.imports.engine import MODE_CREATE, TableImport, bulk_update_changed, by_code, chunks, run_import
from puhui.imports.tabular import CellError, Code, Column, Integer, Money, Parser, Row, TableSpec, _nfkc
from puhui.registry.models import Household

Role = User.Role
KIND = "payments"
VALUES = (
    "inflow_count",
    "inflow_amount",
    "outflow_count",
    "outflow_amount",
    "bill_pay_count",
    "bill_pay_amount",
)
MONTH_PATTERNS = [
    re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月?"),
    re.compile(r"([0-9]{4})([0-9]{2})"),
]
CONSENT_REASON = (
    "该户没有有效的支付数据授权（“使用银行卡和移动支付数据”：未授权、已撤回或已过期），不能导入其支付数据"
)


def _this_month() -> tuple[int, int]:
    """(year, month) today, read at most once a minute: a file has tens of thousands of month cells."""
    now = time.monotonic()
    if now - _THIS_MONTH[0] > 60:
        today = timezone.localdate()
        _THIS_MONTH[:] = [now, (today.year, today.month)]
    return _THIS_MONTH[1]


_THIS_MONTH: list = [float("-inf"), (0, 0)]


class Month(Parser):
    """A calendar month, YYYY-MM; not in the future."""

    label = "月份"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        if isinstance(value, datetime.date):
            year, month = value.year, value.month
        else:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = _nfkc(str(value)).replace(" ", "")
            match = next((m for p in MONTH_PATTERNS if (m := p.fullmatch(text))), None)
            if match is None:
                raise CellError("不是有效月份，请写成 2021-06、2021/6 或 2021年6月")
            year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise CellError(f"月份 {month} 不存在")
        if year < 2000:
            raise CellError("月份不能早于 2000 年")
        if (year, month) > _this_month():
            raise CellError(f"{year}-{month:02d} 尚未到来")
        return f"{year}-{month:02d}"

    def describe(self) -> str:
        return "年月，如 2021-06、2021/6、2021年6月"


def _bill_pay_within_outflow(values) -> list[tuple[str, str]]:
    problems = []
    if (values.get("bill_pay_count") or 0) > (values.get("outflow_count") or 0):
        problems.append(("bill_pay_count", "缴费笔数不能多于出账笔数（缴费是出账的一部分）"))
    if (values.get("bill_pay_amount") or 0) > (values.get("outflow_amount") or 0):
        problems.append(("bill_pay_amount", "缴费金额不能大于出账金额（缴费是出账的一部分）"))
    return problems


def _count(key: str, header: str, help_text: str = "") -> Column:
    return Column(key, header, Integer(0, 100_000), default=0, help=help_text)


def _amount(key: str, header: str, help_text: str = "") -> Column:
    return Column(key, header, Money(), default=0, aliases=(f"{header}（元）",), help=help_text)


SPEC = TableSpec(
    name=KIND,
    title="支付月度汇总",
    columns=(
        Column(
            "household_code",
            "户编号",
            Code(20),
            required=True,
            aliases=("农户编号", "户号"),
            help="须已在系统中（先导入农户），且该户有有效的支付数据授权",
            example="370323102201001",
        ),
        Column("month", "月份", Month(), required=True, aliases=("统计月份", "年月"), example="2021-06"),
        Column(
            "bank_code",
            "报送机构编码",
            Code(32),
            aliases=("机构编码", "报送机构"),
            help="数据来自哪家机构（机构编码）。金融机构用户可不填，默认为本机构；办公室导入时必填",
            example="RCB-YY",
        ),
        _count("inflow_count", "入账笔数", "当月转入、存入、收款的笔数"),
        _amount("inflow_amount", "入账金额", "当月入账合计"),
        _count("outflow_count", "出账笔数", "当月转出、取现、消费、缴费的笔数"),
        _amount("outflow_amount", "出账金额", "当月出账合计"),
        _count("bill_pay_count", "缴费笔数", "其中水电气、通讯、社保等生活缴费的笔数"),
        _amount("bill_pay_amount", "缴费金额", "其中生活缴费的金额"),
    ),
    unique=(("household_code", "month", "bank_code"),),
    row_checks=(_bill_pay_within_outflow,),
    notes=(
        "一行是一户一个月在一家机构的支付汇总；同一户同一月在几家机构的数据分行填写，评分时相加。",
        "只有已记录有效“使用银行卡和移动支付数据”授权的农户可以导入，其余行报错，整份文件不保存。",
        "金融机构用户只能导入本机构（含下属网点）的数据，且只限本机构的信贷客户（已预授信或已核实档案的农户）。",
    ),
)


class PaymentImport(TableImport):
    spec = SPEC
    model = PaymentMonth
    exists_reason = "该户该月由该机构报送的支付数据已在系统中；如需修改，请选择“新增或更新”方式导入"

    def check(self) -> None:
        rows = list(self.parsed.rows)
        # An API token acts as its organisation's staff: a bank's token in the bank's scope.
        user = acting_user(self.actor)
        bank_user = isinstance(user, User) and user.role == Role.INSTITUTION
        self.own_banks = set(access.bank_ids(user)) if bank_user else None
        codes = {r.values.get("household_code") for r in rows} - {None}
        households = by_code(Household.objects.values("id", "code"), codes)
        if bank_user:
            ids = [h["id"] for h in households.values()]
            customers = {
                pk
                for chunk in chunks(ids)
                for pk in access.credit_households_for(user).filter(pk__in=chunk).values_list("pk", flat=True)
            }
            households = {c: h for c, h in households.items() if h["id"] in customers}
        self.households = households
        consenting = consented_ids(
            [h["id"] for h in households.values()], Consent.Scope.PAYMENT_DATA, on=timezone.localdate()
        )
        bank_codes = {r.values.get("bank_code") for r in rows} - {None, ""}
        self.banks = by_code(Organisation.objects.values("id", "code", "name"), bank_codes)
        default_bank = user.organisation_id if bank_user else None
        self.planned: list[tuple[Row, int, str, int, dict[str, Any]]] = []
        for row in rows:
            values = self.spec.complete(row.values)
            hh = self._household(row, values, bank_user, consenting)
            bank_id = self._bank(row, values, bank_user, default_bank)
            if row.ok:
                for key, reason in self.spec.check_row(values):
                    self.error(row, key, reason)
            if row.ok and hh is not None and bank_id is not None:
                self.planned.append((row, hh, values["month"], bank_id, row.values))
        self._load_existing()

    def _household(self, row: Row, values, bank_user: bool, consenting: set[int]) -> int | None:
        code = values.get("household_code")
        if not code:
            return None
        hh = self.households.get(code)
        if hh is None:
            reason = (
                f"户编号 {code} 不是本机构的信贷客户（或不存在）；只能导入本机构信贷客户的支付数据"
                if bank_user
                else f"户编号 {code} 在系统中不存在，请先导入农户"
            )
            self.error(row, "household_code", reason)
            return None
        if hh["id"] not in consenting:
            self.error(row, "household_code", CONSENT_REASON)
            return None
        return hh["id"]

    def _bank(self, row: Row, values, bank_user: bool, default_bank: int | None) -> int | None:
        code = values.get("bank_code")
        if "bank_code" in self.parsed.present and "bank_code" not in row.values:
            return None  # the cell did not parse: reported by the reader
        if not code:
            if bank_user:
                return default_bank
            self.error(row, "bank_code", "请填写报送机构编码（数据来自哪家机构）")
            return None
        bank = self.banks.get(code)
        if bank is None:
            self.error(row, "bank_code", f"机构编码 {code} 在系统中不存在，请先导入机构")
            return None
        if bank_user and bank["id"] not in self.own_banks:
            self.error(row, "bank_code", f"只能导入本机构（含下属网点）报送的数据；{bank['name']}不是本机构")
            return None
        return bank["id"]

    def _load_existing(self) -> None:
        self.existing = {}
        ids = {hh for _row, hh, _m, _b, _v in self.planned}
        months = sorted({m for _row, _hh, m, _b, _v in self.planned})
        for chunk in chunks(ids):
            for obj in PaymentMonth.objects.filter(household_id__in=chunk, month__in=months):
                self.existing[(obj.household_id, obj.month, obj.bank_id)] = obj
        if self.mode == MODE_CREATE:
            for row, hh, month, bank, _v in self.planned:
                if (hh, month, bank) in self.existing:
                    self.error(row, "month", self.exists_reason)

    def write(self) -> None:
        new, changes = [], []
        for _row, hh, month, bank, given in self.planned:
            obj = self.existing.get((hh, month, bank))
            if obj is None:
                fields = {k: given.get(k, 0) or 0 for k in VALUES}
                new.append(PaymentMonth(household_id=hh, month=month, bank_id=bank, **fields))
                continue
            before = snapshot(obj)
            for key in VALUES:
                if key in given:  # columns the file leaves out keep their stored values
                    setattr(obj, key, given[key] or 0)
            if snapshot(obj) == before:
                self.result.unchanged += 1
            else:
                changes.append((obj, before))
        PaymentMonth.objects.bulk_create(new, batch_size=2000)
        bulk_update_changed(PaymentMonth, changes)
        self.result.created = len(new)
        self.result.updated = len(changes)
        # New months are counted in the import's own log entry; a changed figure is logged with before/after.
        audit_changed_bulk(actor=self.actor, changes=changes, note=self._note())


def may_import_payments(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.OFFICE, Role.ADMIN, Role.INSTITUTION}


def payment_import(*, actor, file, mode: str = MODE_CREATE, **kwargs):
    """Import payment aggregates: the office and administrators (every household), a bank (its own
    customers and institution), or the command line (a label: the whole county)."""
    user = acting_user(actor)
    if isinstance(user, User) and not may_import_payments(user):
        raise PermissionDenied
    return run_import(PaymentImport, actor=actor, file=file, mode=mode, **kwargs)
