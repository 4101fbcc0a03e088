"""Documents the office hands out: the 通报 (Word, from a docxtpl template) and Excel workbooks.

The 通报 template (`data/bulletin-template.docx`) follows the layout of official documents (GB/T 9704):
red issuer line, document number, red rule, title, body in 仿宋, signature and date, and the ranking
as an attached table. A county may replace the file with its own letterhead; `build_bulletin_template`
regenerates the default.
"""

from io import BytesIO
from pathlib import Path

from django.utils import timezone

from puhui.core.exports import xlsx_bytes
from puhui.core.periods import date_cn
from puhui.plan.loader import PLAN_FIELDS, SHEETS

DATA_DIR = Path(__file__).resolve().parent / "data"
BULLETIN_TEMPLATE = DATA_DIR / "bulletin-template.docx"
OFFICE_NAME_SUFFIX = "建设工作领导小组办公室"


# --------------------------------------------------------------------------------------------- Word


def build_bulletin_template(path: Path = BULLETIN_TEMPLATE) -> Path:
    """Write the default 通报 template with python-docx; docxtpl fills its Jinja tags."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def para(
        text="",
        *,
        font="仿宋_GB2312",
        size=16,
        bold=False,
        color=None,
        align=None,
        indent=False,
        space_after=0,
    ):
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.space_after = Pt(space_after)
        fmt.line_spacing = Pt(28)
        if align is not None:
            p.alignment = align
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if text:
            run = p.add_run(text)
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.name = font
            run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
            if color:
                run.font.color.rgb = RGBColor.from_string(color)
        return p

    para(
        "{{ issuer }}",
        font="方正小标宋简体",
        size=26,
        color="C00000",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    number = para("{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    # The red rule under the document number.
    p_pr = number._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "18", "w:space": "6", "w:color": "C00000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    para()
    para("{{ title }}", font="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    para("{%p for paragraph in paragraphs %}")
    para("{{ paragraph }}", indent=True)
    para("{%p endfor %}")
    para()
    para("附表：{{ ranking_title }}", font="黑体")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = ["名次", "单位", "得分", "备注"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for r in ranking %}"
    for cell, text in zip(
        table.rows[2].cells, ["{{ r.rank }}", "{{ r.name }}", "{{ r.total }}", "{{ r.note }}"], strict=True
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    para()
    para("{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def bulletin_docx(bulletin, ranking: list) -> bytes:
    """The 通报 as a .docx: `ranking` is a list of AssessmentResult (may be empty)."""
    from docxtpl import DocxTemplate

    template = BULLETIN_TEMPLATE if BULLETIN_TEMPLATE.exists() else build_bulletin_template()
    doc = DocxTemplate(str(template))
    plan = bulletin.plan
    county = plan.county.name
    issuer = (
        f"{county}县域普惠金融综合示范区试点县{OFFICE_NAME_SUFFIX}"
        if county.endswith("县")
        else f"{county}普惠金融领导小组办公室"
    )
    notes = {}
    for notice in bulletin.overdue_notices.all():
        notes[notice.unit_id] = "有逾期督办事项"
    doc.render(
        {
            "issuer": issuer,
            "number": bulletin.number,
            "title": bulletin.title,
            "paragraphs": [p.strip() for p in bulletin.body.splitlines() if p.strip()],
            "ranking_title": f"{bulletin.scheme.name}考核结果" if bulletin.scheme_id else "考核结果",
            "ranking": [
                {
                    "rank": r.rank,
                    "name": r.unit_name,
                    "total": f"{r.total:.2f}",
                    "note": notes.get(r.unit_id, ""),
                }
                for r in ranking
            ],
            "date": date_cn(bulletin.issued_on),
        },
        autoescape=True,
    )
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# -------------------------------------------------------------------------------------------- Excel


def _style_header(ws, widths):
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"


def plan_workbook(data: dict | None = None) -> bytes:
    """The plan template: the same fields as the YAML file, one sheet per list. Filled from `data` if given."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    for line in [
        "实施方案导入模板（与 YAML 格式字段相同）",
        "「方案」表：每行一个项目；日期写作 2020-07-28；报送周期填“按季度”或“按月”。",
        "「单位」表：方案中出现的每个单位称谓。类型：单位 / 各金融机构 / 平台外单位。"
        "“单位”按机构资料中的“方案中的称谓”匹配；匹配方式填“机构类型”时按机构类型匹配唯一的县级机构。",
        "「条目」表：方案正文的编号条目（一）至（N）。",
        "「任务」表：任务分解表的每一行；配合单位用顿号分隔；牵头单位是正文“牵头单位”所列单位。",
        "「责任目标」表：每个任务的子项，按任务序号归属，顺序即子项序号；子项牵头单位可不填"
        "（任务牵头单位在责任单位中时即为它，只有一个责任单位时即为该单位）。",
        "「里程碑」表：完成日期可不填，系统从文字中识别（如“到2021年底”）。",
        "导入：puhui plan_load 文件.xlsx（发现任何问题都会全部列出，且不导入任何内容）。",
    ]:
        ws.append([line])
    ws.column_dimensions["A"].width = 120

    data = data or {}
    ws = wb.create_sheet("方案")
    ws.append(["项目", "内容"])
    plan = data.get("plan") or {}
    for header, key in PLAN_FIELDS:
        value = plan.get(key, "")
        if key == "report_frequency":
            value = {"quarterly": "按季度", "monthly": "按月"}.get(value, value)
        ws.append([header, str(value) if value != "" else ""])
    _style_header(ws, [22, 80])

    def sheet(name, rows):
        ws = wb.create_sheet(name)
        ws.append([h for h, _f in SHEETS[name]])
        for row in rows:
            ws.append(row)
        widths = {
            "单位": [24, 30, 12, 14, 10, 12, 20],
            "条目": [6, 36, 36, 100],
            "任务": [6, 8, 40, 22, 60],
            "责任目标": [8, 100, 50, 18],
            "里程碑": [8, 6, 80, 14],
        }[name]
        _style_header(ws, widths)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    type_labels = {"organisation": "单位", "all_institutions": "各金融机构", "external": "平台外单位"}
    sheet(
        "单位",
        [
            [
                u.get("name"),
                u.get("full_name", ""),
                type_labels.get(u.get("type", "organisation"), u.get("type")),
                u.get("kind", ""),
                {"kind": "机构类型", "alias": "称谓"}.get(u.get("match", ""), ""),
                "是" if u.get("leading_group") else "",
                "、".join(u.get("aliases") or []),
            ]
            for u in data.get("units") or []
        ],
    )
    sheet(
        "条目",
        [
            [s.get("number"), s.get("chapter", ""), s.get("title"), s.get("text", "")]
            for s in data.get("sections") or []
        ],
    )
    tasks = data.get("tasks") or []
    sheet(
        "任务",
        [
            [
                t.get("number"),
                t.get("section"),
                t.get("title"),
                t.get("lead"),
                "、".join(t.get("cooperating") or []),
            ]
            for t in tasks
        ],
    )
    sheet(
        "责任目标",
        [
            [t.get("number"), i.get("target"), "、".join(i.get("units") or []), i.get("lead", "")]
            for t in tasks
            for i in t.get("items") or []
        ],
    )
    sheet(
        "里程碑",
        [
            [t.get("number"), m.get("item"), m.get("text"), str(m.get("due") or "")]
            for t in tasks
            for m in t.get("milestones") or []
        ],
    )
    return xlsx_bytes(wb)


def task_table_workbook(plan, rows: list[dict], board: dict) -> bytes:
    """The task table with responsibilities, milestones, progress and 督办/延期 counts; and the board matrix."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    ws.append(
        [
            "序号",
            "工作内容",
            "责任目标",
            "牵头单位",
            "配合单位",
            "里程碑（完成日期）",
            "牵头单位本期进展",
            "完成进度（%）",
            "督办次数",
            "延期申请（同意/总数）",
        ]
    )
    for r in rows:
        ws.append(r["cells"])
    _style_header(ws, [6, 28, 80, 18, 40, 50, 12, 10, 8, 12])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    matrix = wb.create_sheet("进度矩阵")
    period = board["period"]
    matrix.append([f"{period.label}（报送期限 {period.due_on}）"])
    matrix.append(["任务", *[name for _org, name in board["columns"]]])
    colours = {
        "done": "C6EFCE",
        "progress": "DDEBF7",
        "delayed": "FFC7CE",
        "notstarted": "EDEDED",
        "returned": "FFEB9C",
        "overdue": "F4B084",
        "missing": "FFFFFF",
    }
    labels = {"overdue": "逾期未报", "missing": "未报"}
    for row in board["rows"]:
        values = [f"{row['task'].number}. {row['task'].title}"]
        for cell in row["cells"]:
            if cell["role"] is None:
                values.append("")
            elif cell.get("report"):
                values.append(f"{cell['report'].get_status_display()} {cell['report'].completion}%")
            else:
                values.append(labels[cell["css"]])
        matrix.append(values)
        for col, cell in enumerate(row["cells"], start=2):
            if cell["role"] is not None:
                matrix.cell(matrix.max_row, col).fill = PatternFill("solid", fgColor=colours[cell["css"]])
    matrix.column_dimensions["A"].width = 40
    return xlsx_bytes(wb)


def export_filename(stem: str, ext: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{ext}"
