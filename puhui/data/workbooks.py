"""Excel files the data capability hands out: each institution's form template and the exports.

A template is made for one institution and one period: the data sheet with red (required) headers,
drop-downs, Excel data validation on every column (numbers ≥ 0, dates, 18-character ids), the
county's towns pre-filled on aggregate forms, a sheet of instructions in Chinese, and a hidden sheet
saying which form, period and institution it is for, so that a file uploaded against the wrong
period or by the wrong institution is recognised.
"""

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from puhui.core.exports import csv_bytes, sheet_title, xlsx_bytes, xlsx_row
from puhui.data.catalogue import FormDef
from puhui.data.county import CountyContext
from puhui.data.intake import META_SHEET
from puhui.data.specs import BorrowerId, Place, Rate
from puhui.imports.blank_forms import INLINE_LIST_LIMIT, OPTIONS_SHEET, header_cell, instructions_sheet
from puhui.imports.tabular import INSTRUCTIONS_SHEET, Date, DecimalNumber, Integer, Money, TableSpec, Text

LAST_ROW = 1048576

GENERAL_NOTES = (
    "在“{sheet}”工作表中从第2行起填写，第1行是列名（红色为必填）。列的顺序可以调整，列名须与模板一致。",
    "上传后整份文件一起检查：只要有一处错误，就一条也不保存，并列出全部错误及其行号（即 Excel 左侧的行号），改正后重新上传整份文件。",
    "金额以元为单位，最多2位小数，可以带千位分隔符（1,234.50），不能用逗号作小数点；日期写成 2020-07-28 或使用 Excel 日期格式。",
    "代码、证件号码列已设为“文本”格式，请勿改为数值，以免 Excel 把长数字改成科学计数法而丢失末尾数字。",
    "也可以另存为 CSV（UTF-8 或 GBK 编码）上传。重新上传同一报送期的报表会生成新版本，旧版本保留可查。",
)


def _validation(col, letter: str, options_ws, wb, index: int):
    p = col.parser
    sqref = f"{letter}2:{letter}{LAST_ROW}"
    if p.choices:
        inline = ",".join(p.choices)
        if len(inline) + 2 <= INLINE_LIST_LIMIT:
            formula = f'"{inline}"'
        else:
            for r, choice in enumerate(p.choices, start=1):
                options_ws.cell(row=r, column=index, value=choice)
            formula = f"'{OPTIONS_SHEET}'!${letter}$1:${letter}${len(p.choices)}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    elif isinstance(p, Integer):
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    elif isinstance(p, Rate):
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="36", allow_blank=True)
    elif isinstance(p, Money | DecimalNumber):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    elif isinstance(p, Date):
        dv = DataValidation(
            type="date", operator="between", formula1="32874", formula2="73050", allow_blank=True
        )  # 1990–2099
    elif isinstance(p, BorrowerId):
        dv = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
    elif isinstance(p, Place):
        dv = DataValidation(type="textLength", operator="equal", formula1="12", allow_blank=True)
    elif isinstance(p, Text) and getattr(p, "max_length", None):
        dv = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(p.max_length), allow_blank=True
        )
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = "填写内容不符合要求"
    dv.error = p.describe()[:255]
    dv.showInputMessage = True
    dv.promptTitle = col.header[:32]
    dv.prompt = p.describe()[:255]
    dv.add(sqref)
    return dv


def template_xlsx(*, spec: TableSpec, form: FormDef, ctx: CountyContext, institution, period) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.data_sheet
    options_ws = None
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header_cell(ws.cell(row=1, column=index, value=col.header), col, wrap=True)
        ws.column_dimensions[letter].width = max(12, min(36, 2 * len(col.header) + 2))
        if col.parser.number_format:
            ws.column_dimensions[letter].number_format = col.parser.number_format
        if (
            col.parser.choices
            and options_ws is None
            and len(",".join(col.parser.choices)) + 2 > INLINE_LIST_LIMIT
        ):
            options_ws = wb.create_sheet(OPTIONS_SHEET)
            options_ws.sheet_state = "hidden"
        dv = _validation(col, letter, options_ws, wb, index)
        if dv is not None:
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 36
    if not form.is_loans and form.by_town:
        for r, (_pk, code, name) in enumerate(ctx.town_rows(), start=2):
            ws.cell(row=r, column=1, value=code).number_format = "@"
            ws.cell(row=r, column=2, value=name)
    ws.freeze_panes = "A2"
    instructions_sheet(
        wb.create_sheet(INSTRUCTIONS_SHEET, 1),
        spec,
        title=f"{form.title} · 填写说明",
        lines=[
            f"报送机构：{institution.name}　报送期：{period.label}（{period.start} 至 {period.end}）　报送期限：{period.due}"
        ],
        notes=GENERAL_NOTES,
        keys_too=False,
    )
    meta = wb.create_sheet(META_SHEET)
    for key, value in (
        ("报表编码", form.code),
        ("报表", form.title),
        ("报送期", period.code),
        ("报送期名称", period.label),
        ("机构编码", institution.code),
        ("机构", institution.name),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    wb.active = 0
    return xlsx_bytes(wb)


def template_csv(spec: TableSpec, *, form: FormDef, ctx: CountyContext) -> bytes:
    rows = [[c.header for c in spec.columns]]
    if not form.is_loans and form.by_town:
        rows += [[code, name] + [""] * (len(spec.columns) - 2) for _pk, code, name in ctx.town_rows()]
    return csv_bytes(rows)


def table_xlsx(title: str, header: list[str], rows, notes: list[str] = ()) -> bytes:
    """A plain export: a title line, notes, a header row and the rows (write-only: large tables stay quick)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    ws.append(xlsx_row(ws, [title]))
    for note in notes:
        ws.append(xlsx_row(ws, [note]))
    ws.append([])
    ws.append(xlsx_row(ws, header))
    for row in rows:
        ws.append(xlsx_row(ws, row))
    return xlsx_bytes(wb)
