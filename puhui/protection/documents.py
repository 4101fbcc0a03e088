"""The 调解协议书 as a Word file, in the house's 公文 layout (`puhui.core.documents`)."""

from puhui.core import documents as gongwen
from puhui.core.crypto import Unreadable
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
