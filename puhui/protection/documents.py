"""Files the protection pages hand out: the 调解协议书 as Word (the house's 公文 layout, `puhui.core.documents`)
and the complaint statistics as a workbook."""

from openpyxl import Workbook

from puhui.core import documents as gongwen
from puhui.core.crypto import Unreadable
from puhui.core.exports import sheet_title, style_header, xlsx_bytes
from puhui.core.periods import date_cn
from puhui.plan.documents import document_filename


def agreement_docx(case) -> bytes:
    doc = gongwen.new_document()
    gongwen.title(doc, "调解协议书")
    gongwen.para(doc, f"（{case.number}）")
    applicant = "（无法解密）" if isinstance(case.applicant, Unreadable) else (case.applicant or "（已清除）")
    gongwen.body(
        doc,
        [
            f"当事人（金融消费者）：{applicant}",
            f"当事人（金融机构）：{case.institution.name}",
            f"调解组织：{case.org.name}" + (f"　调解员：{case.mediator.name}" if case.mediator_id else ""),
        ],
    )
    sections = [
        ("纠纷事项", case.subject.splitlines()),
        ("调解过程", [f"{date_cn(s.held_on)}：{s.note}" for s in case.sessions.all()]),
        ("协议内容", case.terms.splitlines()),
    ]
    if case.amount is not None:
        sections.append(("协议金额", [f"{case.amount:,.2f} 元"]))
    sections.append(
        (
            "其他",
            [
                "本协议经双方当事人同意、签字（盖章）后生效，具有法律约束力，当事人应当按照约定履行。",
                "双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。",
            ],
        )
    )
    for n, (head, paragraphs) in enumerate(sections, start=1):
        gongwen.heading(doc, f"{gongwen.chinese_number(n)}、{head}")
        gongwen.body(doc, paragraphs)
    gongwen.para(doc)
    gongwen.body(doc, ["当事人（签字）：", "当事人（盖章）：", "调解员（签字）："])
    gongwen.signature(doc, case.org.name, case.agreement_on)
    return gongwen.to_bytes(doc)


def agreement_filename(case) -> str:
    return document_filename("调解协议书", case.number, ext="docx")


def statistics_workbook(stats: dict, chain: dict, period: str) -> bytes:
    """The statistics page as a workbook: the figures, one sheet per breakdown, the monthly trend, the chain."""
    wb = Workbook()
    ws = wb.active
    ws.title = "总体情况"
    f = stats["figures"]
    ws.append(["项目", "数值", "单位"])
    for label, value, unit in (
        ("统计范围（受理日期）", period, ""),
        ("投诉", f["total"], "件"),
        ("已答复", f["answered"], "件"),
        ("按期答复率", f["on_time_rate"], "%"),
        ("逾期答复", f["late"], "件"),
        ("逾期未答复", f["overdue"], "件"),
        ("延长处理期限", f["extended"], "件"),
        ("提请人民银行", f["escalated"], "件"),
        ("已办结", f["closed"], "件"),
        ("满意率", f["satisfied_rate"], "%"),
    ):
        ws.append([label, value, unit])
    style_header(ws, [24, 24, 8])
    for table in stats["tables"]:
        ws = wb.create_sheet(sheet_title(table["title"]))
        ws.append([table["title"][1:], "投诉（件）", "逾期答复（件）"])
        for row in table["rows"]:
            ws.append([row["label"], row["n"], row["late"]])
        style_header(ws, [28, 12, 14])
    ws = wb.create_sheet("按月趋势")
    ws.append(["月份", "投诉（件）", "已答复（件）", "逾期答复（件）", "按期答复率（%）", "满意率（%）"])
    for m in stats["months"]:
        ws.append([m["label"], m["n"], m["answered"], m["late"], m["on_time_rate"], m["satisfied_rate"]])
    style_header(ws, [12, 12, 12, 14, 16, 12])
    ws = wb.create_sheet("调解与司法确认")
    ws.append(["项目", "案件（件）", "平均天数（天）", "中位天数（天）"])
    ws.append(["调解案件", chain["total"], None, None])
    for label, key in (
        ("到达成调解协议", "to_agreement"),
        ("到司法确认", "to_title"),
        ("到执行完毕", "to_enforced"),
    ):
        part = chain[key]
        ws.append([label, part["n"], part["mean"], part["median"]])
    for outcome in chain["outcomes"]:
        ws.append([f"结果：{outcome['label']}", outcome["n"], None, None])
    style_header(ws, [20, 12, 16, 16])
    return xlsx_bytes(wb)
