"""Table descriptions of the forms, for the import engine (`puhui.imports.tabular`).

A spec is built per submission: its parsers know this county's division codes and area codes, and
its row checks know the reporting period.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from puhui.core.validators import check_id_or_uscc, id_area_code
from puhui.data.catalogue import FormDef
from puhui.data.county import CountyContext
from puhui.data.models import LoanRecord
from puhui.imports.tabular import (
    Boolean,
    CellError,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    DivisionCode,
    Integer,
    Money,
    Parser,
    TableSpec,
    Text,
    _nfkc,
)

MAX_RATE = Decimal(36)  # above the judicial protection ceiling for private lending; surely a typo
NOTE_KEY = "note"
PLACE_KEY = "place"
MEMO_LIMIT = 100_000


class _Memo:
    """Remembers what a text cell parsed to (or why it was refused), per submission.

    A million-row file repeats its borrowers, towns, dates and 是/否 endlessly; the engine's parsers
    normalise every cell from scratch. Results are immutable values, the memo is bounded.
    """

    def __call__(self, value: Any):
        if value.__class__ is not str:
            return super().__call__(value)
        memo = self.__dict__.setdefault("_memo", {})
        hit = memo.get(value, _MISS)
        if hit is not _MISS:
            if hit.__class__ is CellError:
                raise CellError(hit.reason)
            return hit
        try:
            result = super().__call__(value)
        except CellError as e:
            if len(memo) < MEMO_LIMIT:
                memo[value] = e
            raise
        if len(memo) < MEMO_LIMIT:
            memo[value] = result
        return result


_MISS = object()


class MemoChoice(_Memo, Choice):
    pass


class MemoBoolean(_Memo, Boolean):
    pass


class MemoDate(_Memo, Date):
    pass


class ProductName(_Memo, Text):
    """A loan product's name as the bank calls it (鲁担惠农贷、巾帼信用贷…): one line of text, stored as it is
    written — no tab, line break or backslash, which the bulk write's text format would read as structure."""

    def __call__(self, value: Any) -> str:
        text = super().__call__(value)
        if any(c in text for c in "\t\r\n\\"):
            raise CellError("不能含制表符、换行符或反斜杠")
        return text


class _ParseBase(Parser):
    def __call__(self, value: Any):
        return self._parse(value)


class BorrowerId(_Memo, _ParseBase):
    """An 18-character resident ID number or USCC issued in this county: (id kind, compact number).

    Which of the two it is, and whether it is valid, is the one rule's (`core.validators.check_id_or_uscc`);
    the county's area codes, current and historical, come from `data.county`.
    """

    label = "证件号码"
    number_format = "@"

    def __init__(self, area_codes: frozenset[str], county_name: str):
        self.area_codes = area_codes
        self.county_name = county_name

    def __call__(self, value: Any) -> tuple[str, str]:
        if isinstance(value, float):
            raise CellError(
                "证件号码被 Excel 存成了数字（末尾数字已丢失）；请把该列设置为“文本”格式后重新填写"
            )
        return super().__call__(value)

    def _parse(self, value: Any) -> tuple[str, str]:
        try:
            kind, number = check_id_or_uscc(_nfkc(str(value)).upper().replace(" ", ""))
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        area = id_area_code(kind, number)
        if area not in self.area_codes:
            raise CellError(
                f"借款人不属于{self.county_name}（证件中的地区代码为 {area}），本表只报送本县借款人"
            )
        return kind, number

    def describe(self) -> str:
        return "18位居民身份证号码（农户、个人）或统一社会信用代码（企业、个体工商户），须为本县"


class GuarantorId(BorrowerId):
    """A guarantor's resident ID number or USCC: the borrower's rule without the county's area — a guarantor
    may live or be registered anywhere."""

    def __init__(self):
        super().__init__(frozenset(), "")

    def _parse(self, value: Any) -> tuple[str, str]:
        try:
            return check_id_or_uscc(_nfkc(str(value)).upper().replace(" ", ""))
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "保证人的18位居民身份证号码（个人）或统一社会信用代码（企业、个体工商户），不限地区"


class Place(_Memo, DivisionCode):
    """A 12-digit code of a town (or, if allowed, a village) of this county → (town id, village id)."""

    def __init__(self, ctx: CountyContext, *, villages: bool):
        self.ctx = ctx
        self.villages = villages

    def __call__(self, value: Any) -> tuple[int, int | None]:
        code = super().__call__(value)
        found = self.ctx.places.get(code)
        if found is None:
            raise CellError(f"区划代码 {code} 不是{self.ctx.county_name}的镇（街道）或村（社区）")
        if found[1] is not None and not self.villages:
            raise CellError(f"区划代码 {code} 是村（社区）代码，本表应填镇（街道）代码（后三位为000）")
        return found

    def describe(self) -> str:
        if self.villages:
            return "本县镇（街道）或村（社区）的12位区划代码"
        return "本县镇（街道）的12位区划代码，如 370323102000"


class Rate(_Memo, DecimalNumber):
    """An annual rate in percent: 4.35 or 4.35%."""

    def __init__(self):
        super().__init__(places=4, max_digits=7, min_value=0, max_value=MAX_RATE)

    def __call__(self, value: Any) -> Decimal:
        if isinstance(value, str):
            value = _nfkc(value).removesuffix("%").strip()
        return super().__call__(value)

    def describe(self) -> str:
        return "年利率（%），如 4.35，最多4位小数，0～36"


def _choice(choices, aliases=None) -> Choice:
    return MemoChoice(list(choices), aliases=aliases)


BORROWER_TYPE_ALIASES = {
    "农户贷款": "farm",
    "小型企业": "small",
    "微型企业": "small",
    "小微": "small",
    "个体户": "individual",
}
COLLATERAL_ALIASES = {
    "房地产": "real_estate",
    "不动产": "real_estate",
    "农村土地经营权": "land_rights",
    "土地承包经营权": "land_rights",
    "林权抵押": "forest_rights",
    "动产质押": "movable",
    "存货": "movable",
    "仓单质押": "warehouse",
    "应收账款质押": "receivables",
    "股权质押": "equity",
    "知识产权质押": "ip",
    "专利权": "ip",
    "商标权": "ip",
}
STATUS_ALIASES = {"逾期贷款": "overdue", "不良贷款": "npl", "次级": "npl", "可疑": "npl", "损失": "npl"}


def loan_spec(*, ctx: CountyContext, period_start: datetime.date, period_end: datetime.date) -> TableSpec:
    """The 贷款明细表. Each row check has a vectorised twin, `check.suspects(column)`, for the column reader
    (`puhui.data.columnar`): given a column by key (amounts as int64 fen, dates as int64 ordinals, booleans
    as bool, the borrower's ID as its kind, choices as their codes), it marks every row the check could
    object to; only those rows are checked by the check itself. Change a check, change its twin:
    tests/data/test_intake_columnar.py compares the two readers on files full of bad cells."""
    start, end = period_start.toordinal(), period_end.toordinal()
    G, S, BT, K = LoanRecord.Guarantee, LoanRecord.Status, LoanRecord.BorrowerType, LoanRecord.IdKind

    def amounts(v):
        amount, balance = v.get("amount"), v.get("balance")
        if amount is not None and amount <= 0:
            yield "amount", "贷款金额应大于0"
        if amount is not None and balance is not None and balance > amount:
            yield "balance", f"贷款余额 {balance} 大于贷款金额 {amount}"

    def dates(v):
        issued, due = v.get("issued_on"), v.get("due_on")
        if issued and due and due < issued:
            yield "due_on", f"到期日期 {due} 早于发放日期 {issued}"
        if issued and issued > period_end:
            yield "issued_on", f"发放日期 {issued} 晚于本报送期末 {period_end}"
        if issued and v.get("balance") == 0 and issued < period_start:
            yield (
                "balance",
                "余额为0的贷款只在发放当期报送（本期内发放并已结清）；以前发放、已结清的贷款不再报送",
            )

    def flags(v):
        guarantee, credit = v.get("guarantee"), v.get("is_credit")
        if guarantee and credit is not None and (guarantee == G.CREDIT) != credit:
            yield "is_credit", "担保方式为“信用”的贷款“信用贷款”应填“是”，其他担保方式应填“否”"
        if v.get("status") in {S.OVERDUE, S.NPL} and v.get("balance") == 0:
            yield "status", "已结清（余额为0）的贷款状态应为“正常”"

    def borrower(v):
        kind_number, btype = v.get("borrower_id"), v.get("borrower_type")
        if not kind_number or not btype:
            return
        kind = kind_number[0]
        if btype == BT.FARM and kind != K.RESIDENT:
            yield "borrower_id", "借款人类型为农户时，应填写户主（借款人）的18位居民身份证号码"
        if btype == BT.SMALL and kind != K.USCC:
            yield "borrower_id", "借款人类型为小微企业时，应填写企业的统一社会信用代码"

    amounts.suspects = lambda c: (c("amount") <= 0) | (c("balance") > c("amount"))
    dates.suspects = lambda c: (
        (c("due_on") < c("issued_on"))
        | (c("issued_on") > end)
        | ((c("balance") == 0) & (c("issued_on") < start))
    )
    flags.suspects = lambda c: (
        ((c("guarantee") == G.CREDIT.value) != c("is_credit"))
        | (((c("status") == S.OVERDUE.value) | (c("status") == S.NPL.value)) & (c("balance") == 0))
    )

    def collateral(v):
        if v.get("collateral") and v.get("guarantee") not in {G.MORTGAGE, G.PLEDGE, None}:
            yield "collateral", "押品类型只在担保方式为“抵押”或“质押”时填写"

    collateral.suspects = lambda c: (
        (c("collateral") != "") & (c("guarantee") != G.MORTGAGE.value) & (c("guarantee") != G.PLEDGE.value)
    )
    borrower.suspects = lambda c: (
        ((c("borrower_type") == BT.FARM.value) & (c("borrower_id") != K.RESIDENT.value))
        | ((c("borrower_type") == BT.SMALL.value) & (c("borrower_id") != K.USCC.value))
    )

    bt = LoanRecord.BorrowerType
    return TableSpec(
        name="loans",
        title="贷款明细表",
        sheet_name="贷款明细",
        columns=(
            Column(
                "loan_no",
                "借据号",
                Code(40),
                required=True,
                aliases=("借据编号", "贷款编号", "贷款账号"),
                help="本机构内唯一的借据号或贷款合同号",
                example="RCB2020000123",
            ),
            Column(
                "borrower_id",
                "借款人证件号码",
                BorrowerId(ctx.area_codes, ctx.county_name),
                required=True,
                aliases=("证件号码", "身份证号码", "统一社会信用代码", "借款人证件号"),
                help="农户、个人填居民身份证号码；企业、个体工商户填统一社会信用代码",
                example="370323199001011234",
            ),
            Column(
                "borrower_type",
                "借款人类型",
                _choice(bt.choices, BORROWER_TYPE_ALIASES),
                required=True,
                aliases=("借款人类别", "客户类型"),
                example="农户",
            ),
            Column(
                PLACE_KEY,
                "所在区划代码",
                Place(ctx, villages=True),
                required=True,
                aliases=("区划代码", "镇（街道）代码", "所在镇代码", "镇街代码"),
                help="借款人所在镇（街道）或村（社区）的12位统计用区划代码",
                example="370323102000",
            ),
            Column(
                "amount",
                "贷款金额（元）",
                Money(),
                required=True,
                aliases=("贷款金额", "合同金额", "发放金额"),
                example="50000.00",
            ),
            Column(
                "balance",
                "贷款余额（元）",
                Money(),
                required=True,
                aliases=("贷款余额", "期末余额"),
                help="报送期末的余额；本期内发放并已结清的填0",
                example="48000.00",
            ),
            Column(
                "rate",
                "年利率（%）",
                Rate(),
                required=True,
                aliases=("年利率", "执行利率", "利率"),
                example="5.22",
            ),
            Column(
                "issued_on",
                "发放日期",
                MemoDate(min_year=1990),
                required=True,
                aliases=("放款日期", "起息日"),
                example="2020-03-15",
            ),
            Column(
                "due_on",
                "到期日期",
                MemoDate(min_year=1990),
                required=True,
                aliases=("到期日",),
                example="2021-03-14",
            ),
            Column(
                "guarantee",
                "担保方式",
                _choice(
                    LoanRecord.Guarantee.choices,
                    {
                        "信用贷款": "credit",
                        "保证贷款": "guarantee",
                        "抵押贷款": "mortgage",
                        "质押贷款": "pledge",
                    },
                ),
                required=True,
                aliases=("担保类型",),
                example="信用",
            ),
            Column(
                "is_credit", "信用贷款", MemoBoolean(), required=True, aliases=("是否信用贷款",), example="是"
            ),
            Column(
                "is_first",
                "首贷",
                MemoBoolean(),
                required=True,
                aliases=("是否首贷", "首贷户"),
                help="借款人第一次从银行业金融机构获得贷款",
                example="否",
            ),
            Column(
                "is_agri",
                "涉农贷款",
                MemoBoolean(),
                required=True,
                aliases=("是否涉农贷款", "是否涉农"),
                example="是",
            ),
            Column(
                "status",
                "贷款状态",
                _choice(LoanRecord.Status.choices, STATUS_ALIASES),
                required=True,
                aliases=("状态",),
                example="正常",
            ),
            Column(
                "product",
                "贷款产品",
                ProductName(60),
                default="",
                aliases=("产品名称", "贷款产品名称"),
                help="选填：本行的贷款产品名称，如鲁担惠农贷、巾帼信用贷",
                example="鲁担惠农贷",
            ),
            Column(
                "collateral",
                "押品类型",
                _choice(LoanRecord.Collateral.choices, COLLATERAL_ALIASES),
                default="",
                aliases=("抵质押物类型", "押品"),
                help="选填：担保方式为抵押或质押时，押品是什么",
                example="土地经营权",
            ),
        ),
        row_checks=(amounts, dates, flags, borrower, collateral),
        notes=(
            f"报送期：{period_start} 至 {period_end}。填报期末余额不为零的贷款，以及本期内发放的全部贷款（本期内已结清的，余额填0）。",
            "借据号在本表中不能重复。只报送本县借款人：证件号码的地区代码须属于本县。",
            "借款人类型为农户的填居民身份证号码，为小微企业的填统一社会信用代码，个体工商户两者均可。",
            "“担保方式”为“信用”的，“信用贷款”填“是”；余额不能大于贷款金额；到期日期不能早于发放日期。",
        ),
    )


def _item_parser(kind: str) -> Parser:
    if kind == "money":
        return Money()
    if kind == "integer":
        return Integer(min_value=0, max_value=10**12)
    return DecimalNumber(places=2, max_digits=16, min_value=0)


def aggregate_spec(*, form: FormDef, ctx: CountyContext) -> TableSpec:
    towns_by_id = ctx.towns
    labels = {i.code: i.header for i in form.items}

    def town_name(v):
        place, name = v.get(PLACE_KEY), v.get("town_name")
        if place and name:
            code, real = towns_by_id.get(place[0], ("", ""))
            if name.replace(" ", "") != real:
                yield "town_name", f"名称与代码不符：{code} 是“{real}”"

    def relations(v):
        for left, op, right, reason in form.checks:
            a, b = v.get(left), v.get(right)
            if a is None or b is None:
                continue
            if (op == "<=" and a > b) or (op == ">=" and a < b):
                yield left, f"{reason}（{labels[left]} {a}，{labels[right]} {b}）"

    columns = []
    if form.by_town:
        columns.append(
            Column(
                PLACE_KEY,
                "镇（街道）代码",
                Place(ctx, villages=False),
                required=True,
                aliases=("区划代码", "镇街代码", "所在区划代码"),
                example="370323102000",
            )
        )
        columns.append(
            Column(
                "town_name",
                "镇（街道）名称",
                Text(50),
                aliases=("镇（街道）", "镇街名称", "名称"),
                help="可不填；填了则须与代码一致",
                example="鲁村镇",
            )
        )
    for item in form.items:
        columns.append(
            Column(item.code, item.header, _item_parser(item.type), required=True, aliases=(item.label,))
        )
    columns.append(
        Column(
            NOTE_KEY,
            "说明",
            Text(300),
            aliases=("备注", "情况说明"),
            help=f"与上年同期相比变动超过 {form.yoy_threshold:g}% 的项目须在此说明原因",
        )
    )
    notes = [form.description]
    if form.by_town:
        notes.append(
            "模板已列出本县全部镇（街道），没有业务的镇（街道）各项填0或删除该行；同一镇（街道）只能有一行。"
        )
    else:
        notes.append("本表只填一行。")
    notes.append(
        f"与上年同期相比变动超过 {form.yoy_threshold:g}% 的项目，须在“说明”列写明原因，否则不予接收。"
    )
    return TableSpec(
        name=form.code,
        title=form.title,
        sheet_name=form.title,
        columns=tuple(columns),
        unique=((PLACE_KEY,),) if form.by_town else (),
        row_checks=(town_name, relations),
        notes=tuple(notes),
    )


def guarantee_spec(
    *, ctx: CountyContext, period_start: datetime.date, period_end: datetime.date
) -> TableSpec:
    """The 担保关系明细表: one row per guarantor of a loan of the same period's 贷款明细表. Read row by row
    (TableReader); the checks against that loan return are the intake's (`puhui.data.guarantee_intake`)."""

    def guarantor(v):
        borrower, guarantor_ = v.get("borrower_id"), v.get("guarantor_id")
        if borrower and guarantor_ and borrower[1] == guarantor_[1]:
            yield "guarantor_id", "保证人与借款人相同，不能为自己担保"
        amount = v.get("amount")
        if amount is not None and amount <= 0:
            yield "amount", "担保金额应大于0"

    return TableSpec(
        name="guarantees",
        title="担保关系明细表",
        sheet_name="担保关系明细",
        columns=(
            Column(
                "loan_no",
                "借据号",
                Code(40),
                required=True,
                aliases=("借据编号", "贷款编号", "贷款账号"),
                help="本期《贷款明细表》中该笔贷款的借据号",
                example="RCB2020000123",
            ),
            Column(
                "borrower_id",
                "借款人证件号码",
                BorrowerId(ctx.area_codes, ctx.county_name),
                required=True,
                aliases=("借款人证件号", "借款人统一社会信用代码"),
                help="与本期《贷款明细表》中该借据的借款人证件号码相同",
                example="91370323MA3C4DB553",
            ),
            Column(
                "guarantor_id",
                "保证人证件号码",
                GuarantorId(),
                required=True,
                aliases=("保证人证件号", "担保人证件号码", "保证人统一社会信用代码", "保证人身份证号码"),
                help="个人填居民身份证号码，企业、个体工商户填统一社会信用代码；保证人可以不在本县",
                example="370323198505052316",
            ),
            Column(
                "amount",
                "担保金额（元）",
                Money(),
                required=True,
                aliases=("担保金额", "保证金额"),
                help="该保证人为该笔贷款承担保证责任的金额",
                example="50000.00",
            ),
        ),
        unique=(("loan_no", "guarantor_id"),),
        row_checks=(guarantor,),
        notes=(
            f"报送期：{period_start} 至 {period_end}。本期《贷款明细表》中有保证人的贷款，每个保证人一行；"
            "一笔贷款有两个保证人的填两行。须先报送本期《贷款明细表》。",
            "借据号须是本期《贷款明细表》中的借据，借款人证件号码须与该借据的借款人一致；同一借据的同一保证人只能有一行。",
            "保证人不能是借款人本人；担保金额须大于0。",
            "证件号码加密保存，只有本机构和人民银行可以查看；页面和导出中以掩码显示。",
        ),
    )


def spec_for(form: FormDef, *, ctx: CountyContext, period) -> TableSpec:
    if form.is_guarantees:
        return guarantee_spec(ctx=ctx, period_start=period.start, period_end=period.end)
    if form.is_loans:
        return loan_spec(ctx=ctx, period_start=period.start, period_end=period.end)
    return aggregate_spec(form=form, ctx=ctx)
