"""Blank templates staff fill in: an xlsx with the header, drop-downs and a sheet of instructions, or a CSV header."""

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from puhui.core.exports import csv_bytes, xlsx_bytes
from puhui.imports.tabular import INSTRUCTIONS_SHEET, TableSpec

OPTIONS_SHEET = "选项"
# Excel refuses an inline list longer than 255 characters; longer lists go on a hidden sheet.
INLINE_LIST_LIMIT = 255
LAST_ROW = 1048576
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")

GENERAL_NOTES = (
    "在“{sheet}”工作表中从第2行起填写，每行一条；第1行是列名。红色列名为必填列，蓝色为选填列。",
    "列的顺序可以调整，不需要的选填列可以删除；列名也可以写成下表“也可用的列名”中的任一种。",
    "上传后整份文件一起检查：只要有一处错误，就一条也不保存，并列出全部错误（行号即 Excel 左侧的行号）。",
    "“仅新增”方式：编码已在系统中即报错。“新增或更新”方式：已有的按文件更新，文件中没有的列保持原值，空白单元格表示清空该项。",
    "编码、代码类的列已设为“文本”格式，请勿改为数值，以免 Excel 把长数字改成科学计数法而丢失末尾数字。",
    "整行空白的行会被忽略。也可以另存为 CSV 上传（UTF-8 或 GBK 编码均可）。",
)


def template_xlsx(spec: TableSpec) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = spec.data_sheet
    options_ws = None
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header_cell(ws.cell(row=1, column=index, value=col.header), col)
        ws.column_dimensions[letter].width = max(12, 2 * len(col.header) + 4, min(40, len(col.example) + 4))
        if col.parser.number_format:
            ws.column_dimensions[letter].number_format = col.parser.number_format
        if col.parser.choices:
            inline = ",".join(col.parser.choices)
            if len(inline) + 2 <= INLINE_LIST_LIMIT:
                formula = f'"{inline}"'
            else:
                if options_ws is None:
                    options_ws = wb.create_sheet(OPTIONS_SHEET)
                    options_ws.sheet_state = "hidden"
                for r, choice in enumerate(col.parser.choices, start=1):
                    options_ws.cell(row=r, column=index, value=choice)
                formula = f"'{OPTIONS_SHEET}'!${letter}$1:${letter}${len(col.parser.choices)}"
            dv = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="请从下拉列表中选择",
                error=col.parser.describe(),
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
    ws.freeze_panes = "A2"
    instructions_sheet(wb.create_sheet(INSTRUCTIONS_SHEET, 1), spec, title=f"{spec.title}导入模板 · 填写说明")
    wb.active = 0
    return xlsx_bytes(wb)


def header_cell(cell, col, *, wrap: bool = False) -> None:
    """A template's column header: red and filled when required, blue when optional, the rule in a note."""
    cell.font = Font(bold=True, color="C00000" if col.required else "1F3864")
    cell.fill = REQUIRED_FILL if col.required else OPTIONAL_FILL
    cell.alignment = Alignment(horizontal="center", wrap_text=wrap)
    tip = f"{'必填' if col.required else '选填'}：{col.parser.describe()}"
    if col.help:
        tip += f"\n{col.help}"
    cell.comment = Comment(tip, "普惠平台", width=270, height=120)


def instructions_sheet(
    ws, spec: TableSpec, *, title: str, lines=(), notes=GENERAL_NOTES, keys_too=True
) -> None:
    """The 填写说明 sheet: title, `lines` under it, the numbered notes, then a row per column (required or not,
    its rule, help, example, the other names it may go by — with its key when `keys_too`)."""
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    for line in lines:
        ws.append([line])
    ws.append([])
    for i, note in enumerate((*notes, *spec.notes), start=1):
        ws.append([f"{i}. {note.format(sheet=spec.data_sheet)}"])
    ws.append([])
    ws.append(["列名", "是否必填", "填写要求", "说明", "示例", "也可用的列名"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = OPTIONAL_FILL
    for col in spec.columns:
        aliases = (*col.aliases, col.key) if keys_too else col.aliases
        ws.append(
            [
                col.header,
                "必填" if col.required else "选填",
                col.parser.describe(),
                col.help,
                col.example,
                "、".join(aliases),
            ]
        )
    for letter, width in zip("ABCDEF", (22, 10, 42, 55, 22, 30), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=ws.max_row - len(spec.columns) + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def template_csv(spec: TableSpec) -> bytes:
    return csv_bytes([[col.header for col in spec.columns]])
