"""The monthly upload: a bank's Excel (or CSV) of rows 商户编号, 月份, 笔数, 金额 — read by the platform's
import engine (`puhui.imports.tabular`), every row checked against the same rules as the page
(`services/checks.py`) and against the register (the merchant is the uploader's, the month not reported yet),
each refusal named at its row and column; a file with any error stores nothing."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from puhui.imports.tabular import CellError, Code, Column, ErrorList, Integer, Money, Parser, TableSpec, parse
from puhui.merchants import access
from puhui.merchants.models import MonthlyFigure
from puhui.merchants.services.checks import (
    MAX_TRANSACTIONS,
    duplicate_reason,
    figure_problems,
    month_of,
    month_problems,
)
from puhui.merchants.services.figures import FigureRow, figures_store


class Month(Parser):
    """A month: 2021-03, 2021/3, 2021年3月, 202103, or a date cell (its month)."""

    label = "月份"
    number_format = "@"

    def __call__(self, value: Any):
        month = month_of(value)
        if month is None:
            raise CellError("不是有效月份，请写成 2021-03、2021/3 或 2021年3月")
        return month

    def describe(self) -> str:
        return "月份，如 2021-03、2021/3、2021年3月"


SPEC = TableSpec(
    name="merchant_figures",
    title="惠农商圈月度非现金交易",
    columns=(
        Column("code", "商户编号", Code(32), required=True,
               aliases=("收单商户号", "商户号"), help="商户页面上的商户编号（收单商户号）", example="102370323010001"),
        Column("month", "月份", Month(), required=True, aliases=("报送月份", "交易月份"), example="2021-03"),
        Column("transactions", "笔数（笔）", Integer(min_value=0, max_value=MAX_TRANSACTIONS), required=True,
               aliases=("笔数", "交易笔数", "非现金交易笔数"), example="356"),
        Column("amount", "金额（元）", Money(min_value=0), required=True,
               aliases=("金额", "交易金额", "非现金交易金额"), example="28,450.00"),
    ),
    unique=(("code", "month"),),
    notes=(
        "每行一个商户一个月的非现金交易（银行卡、二维码、POS），只能报送本行签约的商户。",
        "一个商户一个月只报送一次；已报送的月份请在商户页面“更正”，不要重复上传。",
        "月份不能晚于本月，也不能早于商户的签约月份或在商户终止签约之后。",
    ),
)  # fmt: skip


@dataclass
class UploadResult:
    filename: str
    source: str = ""
    errors: ErrorList = field(default_factory=ErrorList)
    stored: int = 0
    mode_label: str = "仅新增"
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return f"保存了 {self.stored:,} 条月度交易数据"


def _check_rows(actor, parsed) -> list[FigureRow]:
    rows = [r for r in parsed.rows if r.ok]
    codes = {r.values["code"].upper() for r in rows}
    merchants = {m.code: m for m in access.editable_merchants(actor).filter(code__in=codes)}
    existing = {
        (f.merchant_id, f.month): f
        for f in MonthlyFigure.objects.filter(merchant__in=list(merchants.values())).filter(
            month__in={r.values["month"] for r in rows}
        )
    }
    out = []
    for row in rows:
        values = row.values
        merchant = merchants.get(values["code"].upper())
        if merchant is None:
            parsed.add_error(row, "code", f"商户编号 {values['code']} 不存在，或不是本行签约的商户")
            continue
        count, money, problems = figure_problems(values["transactions"], values["amount"])
        problems = month_problems(merchant, values["month"]) + problems
        if (merchant.pk, values["month"]) in existing:
            problems.append(
                (
                    "month",
                    duplicate_reason(merchant, values["month"], existing[(merchant.pk, values["month"])]),
                )
            )
        for key, reason in problems:
            parsed.add_error(row, key, reason.rstrip("。"))
        if not problems:
            out.append(FigureRow(merchant, values["month"], count, money))
    return out


def figures_upload(*, actor, file, filename: str = "") -> UploadResult:
    """Read, check and (only when every row is right) store one file of monthly figures."""
    parsed = parse(file, SPEC, filename=filename, max_bytes=settings.PUHUI_IMPORT_MAX_BYTES)
    result = UploadResult(filename=parsed.filename, source=parsed.source, errors=parsed.errors)
    if parsed.errors.fatal or parsed.reader is None:
        return result
    rows = _check_rows(actor, parsed)
    if parsed.errors:
        return result
    if not rows:
        result.errors.add_fatal(None, "", "", "文件中没有数据行")
        return result
    try:
        result.stored = len(figures_store(actor=actor, rows=rows))
    except ValidationError as e:
        result.errors.add_fatal(None, "", "", "；".join(e.messages))
    return result
