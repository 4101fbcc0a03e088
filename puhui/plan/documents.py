"""Documents the office hands out: the 通报 (Word, from a docxtpl template), the 督办单 and the assessment
results (Word), and Excel workbooks.

Every Word document has the layout of official documents (GB/T 9704) from `puhui.core.documents`: red
issuer line, document number, red rule, title, body in 仿宋, signature and date. The 通报 template
(`data/bulletin-template.docx`) carries the ranking as an attached table; a county may replace the file
with its own letterhead, and `build_bulletin_template` regenerates the default.
"""

from io import BytesIO
from pathlib import Path

from django.utils import timezone

from puhui.core import documents as gongwen
from puhui.core.exports import style_header, xlsx_bytes
from puhui.core.periods import date_cn
from puhui.plan.loader import PLAN_FIELDS, SHEETS

DATA_DIR = Path(__file__).resolve().parent / "data"
BULLETIN_TEMPLATE = DATA_DIR / "bulletin-template.docx"
OFFICE_NAME_SUFFIX = "建设工作领导小组办公室"


# --------------------------------------------------------------------------------------------- Word


def build_bulletin_template(path: Path = BULLETIN_TEMPLATE) -> Path:
    """Write the default 通报 template in the 公文 layout (`puhui.core.documents`); docxtpl fills its
    Jinja tags."""
    doc = gongwen.new_document()
    gongwen.red_header(doc, "{{ issuer }}", "{{ number }}")
    gongwen.title(doc, "{{ title }}")
    gongwen.para(doc, "{%p for paragraph in paragraphs %}")
    gongwen.para(doc, "{{ paragraph }}", indent=True)
    gongwen.para(doc, "{%p endfor %}")
    gongwen.para(doc)
    gongwen.para(doc, "附表：{{ ranking_title }}", font=gongwen.FONT_HEADING)
    gongwen.table(
        doc,
        ["名次", "单位", "得分", "备注"],
        [
            ["{%tr for r in ranking %}", "", "", ""],
            ["{{ r.rank }}", "{{ r.name }}", "{{ r.total }}", "{{ r.note }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )
    gongwen.para(doc)
    gongwen.para(doc, "{{ issuer }}", align="right")
    gongwen.para(doc, "{{ date }}", align="right")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def office_issuer(plan) -> str:
    """The issuing office as the 通报, 督办单 and assessment results name it."""
    county = plan.county.name
    if county.endswith("县"):
        return f"{county}县域普惠金融综合示范区试点县{OFFICE_NAME_SUFFIX}"
    return f"{county}普惠金融领导小组办公室"


def bulletin_docx(bulletin, ranking: list) -> bytes:
    """The 通报 as a .docx: `ranking` is a list of AssessmentResult (may be empty)."""
    from docxtpl import DocxTemplate

    template = BULLETIN_TEMPLATE if BULLETIN_TEMPLATE.exists() else build_bulletin_template()
    doc = DocxTemplate(str(template))
    issuer = office_issuer(bulletin.plan)
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
    _append_outcomes(doc.docx, bulletin.outcomes or {})
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _append_outcomes(doc, found: dict) -> None:
    """附件：目标达成情况 — each unit's outcome criteria, and the target-linked milestones unmet or closed by
    the office's override with its reason — written after the template (so a county's own letterhead
    template carries it too), from the snapshot the 通报 keeps (`Bulletin.outcomes`)."""
    if not (found.get("criteria") or found.get("overrides") or found.get("unmet")):
        return
    gongwen.para(doc)
    gongwen.para(doc, "附件：目标达成情况", font=gongwen.FONT_HEADING)
    if found.get("criteria") and found.get("units"):
        gongwen.heading(doc, "（一）各单位结果导向考核得分", level=2)
        header = ["单位", *[f"{c}（得分/满分）" for c in found["criteria"]]]
        rows = [
            [u["name"], *[f"{s['points']}/{s['max']}（{s['detail']}）" for s in u["scores"]]]
            for u in found["units"]
        ]
        gongwen.table(doc, header, rows)
    gongwen.heading(doc, "（二）关联量化目标未达到的里程碑", level=2)
    if found.get("unmet"):
        gongwen.table(
            doc,
            ["任务", "里程碑", "责任单位", "完成日期", "目标核验"],
            [[r["task"], r["milestone"], r["unit"], r["due_on"], r["check"]] for r in found["unmet"]],
        )
    else:
        gongwen.para(doc, "无。", indent=True)
    gongwen.heading(doc, "（三）经办公室书面确认完成的里程碑", level=2)
    if found.get("overrides"):
        gongwen.table(
            doc,
            ["任务", "里程碑", "责任单位", "目标核验", "确认理由"],
            [[r["task"], r["milestone"], r["unit"], r["check"], r["reason"]] for r in found["overrides"]],
        )
    else:
        gongwen.para(doc, "无。", indent=True)


def notice_docx(notice) -> bytes:
    """The 督办单 the unit files: addressed to it, the task, reason, requirements and deadline, then its
    response and the office's closing comment once given, with the record of the notice as a table."""
    plan, task = notice.plan, notice.task
    issuer = office_issuer(plan)
    doc = gongwen.new_document()
    gongwen.red_header(doc, issuer, notice.number)
    gongwen.title(doc, "督办通知单")
    gongwen.addressee(doc, notice.unit.name)
    gongwen.body(
        doc,
        [
            f"根据《{plan.title}》（{plan.doc_number}）关于建立定期督办机制的要求，"
            f"现就“{task.number}. {task.title}”有关事项督办如下。"
        ],
    )
    sections = [
        ("督办事由", notice.reason.splitlines()),
        ("办理要求", notice.required_action.splitlines()),
        (
            "办理时限",
            [
                f"请于{date_cn(notice.deadline)}前（{notice.working_days}个工作日内）办结，"
                "并通过平台将办理情况反馈领导小组办公室。"
            ],
        ),
    ]
    if notice.responded_at:
        late = "" if notice.responded_on_time else "，已超过办理期限"
        when = f"（{date_cn(notice.responded_on)}回复{late}）"
        sections.append(("办理情况", [*notice.response.splitlines(), when]))
    if notice.closed_at:
        sections.append(
            (
                "办结意见",
                [
                    notice.close_comment or "同意办结。",
                    f"（{date_cn(timezone.localtime(notice.closed_at))}办结）",
                ],
            )
        )
    for n, (head, paragraphs) in enumerate(sections, start=1):
        gongwen.heading(doc, f"{gongwen.chinese_number(n)}、{head}")
        gongwen.body(doc, paragraphs)
    gongwen.para(doc)
    gongwen.para(doc, "督办记录", font=gongwen.FONT_HEADING)
    reminded = f"{notice.reminder_count} 次" + (
        f"（最近{date_cn(notice.last_reminded_on)}）" if notice.last_reminded_on else ""
    )
    gongwen.table(
        doc,
        ["督办编号", "督办日期", "办理期限", "办理状态", "催办"],
        [
            [
                notice.number,
                date_cn(notice.issued_on),
                date_cn(notice.deadline),
                notice.get_status_display(),
                reminded,
            ]
        ],
    )
    gongwen.signature(doc, issuer, notice.issued_on)
    return gongwen.to_bytes(doc)


def assessment_docx(scheme, table: dict) -> bytes:
    """An assessment round's results: the period, the criteria with their points and standards, and the
    units × criteria table ordered by rank (`selectors.scheme_table`)."""
    issuer = office_issuer(scheme.plan)
    criteria = table["criteria"]
    doc = gongwen.new_document()
    gongwen.red_header(doc, issuer)
    gongwen.title(doc, f"{scheme.name}考核结果")
    period = f"{date_cn(scheme.period_start)}至{date_cn(scheme.period_end)}"
    total = _points(sum(c.max_points for c in criteria))
    computed = (
        f"得分和排名按{date_cn(timezone.localtime(scheme.computed_at))}计算结果列出。"
        if scheme.computed_at
        else "尚未计算得分和排名，下表为已录入的得分。"
    )
    gongwen.body(
        doc,
        [
            f"考核期为{period}，共考核 {len(table['rows'])} 个责任单位，考核项目 {len(criteria)} 项，"
            f"满分 {total} 分。{computed}"
        ],
    )
    gongwen.heading(doc, "一、考核项目和评分标准")
    for n, c in enumerate(criteria, start=1):
        standard = f"{c.description.strip()}" if c.description.strip() else c.get_kind_display()
        gongwen.body(
            doc, [f"（{gongwen.chinese_number(n)}）{c.name}（{_points(c.max_points)}分）。{standard}"]
        )
    gongwen.heading(doc, "二、得分和排名")
    rows = [
        [
            r["rank"] or "—",
            r["name"],
            *[f"{s.points:.2f}" if s is not None else "—" for s in r["scores"]],
            f"{r['total']:.2f}" if r["total"] is not None else "—",
        ]
        for r in table["rows"]
    ]
    gongwen.table(doc, ["名次", "单位", *[c.name for c in criteria], "总分"], rows)
    day = timezone.localdate(scheme.computed_at) if scheme.computed_at else timezone.localdate()
    gongwen.signature(doc, issuer, day)
    return gongwen.to_bytes(doc)


def _points(value) -> str:
    """30.00 → 30, 19.50 → 19.5: points as the text of a document writes them."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def document_filename(*parts: str, ext: str) -> str:
    """A download's Chinese name from its parts (what, whose, which period), e.g.
    督办单_普惠办督〔2021〕3号_县财政局_2021年3月1日.docx; path separators never reach the browser."""
    stem = "_".join(str(p).strip() for p in parts if str(p).strip())
    return f"{stem.replace('/', '／').replace(chr(92), '＼')}.{ext}"


# -------------------------------------------------------------------------------------------- Excel


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
    style_header(ws, [22, 80])

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
            "里程碑": [8, 6, 80, 14, 22],
        }[name]
        style_header(ws, widths)
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
            [t.get("number"), m.get("item"), m.get("text"), str(m.get("due") or ""), m.get("target", "")]
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
    style_header(ws, [6, 28, 80, 18, 40, 50, 12, 10, 8, 12])
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


def overdue_workbook(data: dict) -> bytes:
    """Every overdue item of the page, one sheet a kind, for the office to send on."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "逾期未报的进度报告"
    ws.append(["任务", "单位", "报送期", "报送期限", "逾期天数"])
    for r in data["reports"]:
        ws.append(
            [
                f"{r['task'].number}. {r['task'].title}",
                r["unit_name"],
                r["period"].label,
                r["due_on"],
                r["days"],
            ]
        )
    style_header(ws, [40, 24, 16, 14, 10])
    ws = wb.create_sheet("逾期未办结的督办单")
    ws.append(["编号", "督办对象", "任务", "办理期限", "催办次数"])
    for n in data["notices"]:
        unit = n.unit.short_name or n.unit.name
        ws.append([n.number, unit, f"{n.task.number}. {n.task.title}", n.deadline, n.reminder_count])
    style_header(ws, [24, 24, 40, 14, 10])
    ws = wb.create_sheet("逾期未完成的里程碑")
    ws.append(["任务", "里程碑", "责任单位", "完成日期"])
    for m in data["milestones"]:
        ws.append([f"{m.task.number}. {m.task.title}", m.text, m.unit.name if m.unit_id else "", m.due_on])
    style_header(ws, [40, 40, 24, 14])
    return xlsx_bytes(wb)
