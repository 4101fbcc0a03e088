"""The 督办单 as a Word document in the 公文 layout of the 通报 (puhui/core/documents.py)."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document
from docx.shared import Cm

from puhui.core import documents as gongwen
from puhui.plan import services
from tests.plan.conftest import task


@pytest.fixture
def notice(plan, units, users, more_users):
    return services.notice_issue(
        actor=users["office"],
        task=task(plan, 3),
        unit=units["县财政局"],
        reason="2020年第4季度进展未按时报送。\n资本市场服务体系建设进度滞后。",
        required_action="补报进展情况，说明滞后原因和整改措施。",
        working_days=5,
        issued_on=datetime.date(2021, 1, 20),
    )


def download(client, user, notice):
    client.force_login(user)
    return client.get(reverse("plan_notice_docx", args=[notice.pk]))


def _fonts(paragraph) -> set[str]:
    return {
        r._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        for r in paragraph.runs
    }


def test_the_notice_as_word_says_what_to_do_by_when(client, notice, more_users):
    r = download(client, more_users["czj"], notice)  # the unit it is addressed to
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    name = unquote(r["Content-Disposition"].split("filename*=utf-8''")[1])
    assert name == f"督办单_督办〔2021〕1号_{notice.unit.name}_2021年1月20日.docx"
    doc = Document(io.BytesIO(r.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "沂源县县域普惠金融综合示范区试点县建设工作领导小组办公室"
    assert texts[1] == "督办〔2021〕1号"
    assert "督办通知单" in texts and f"{notice.unit.name}：" in texts
    assert "一、督办事由" in texts and "二、办理要求" in texts and "三、办理时限" in texts
    assert "资本市场服务体系建设进度滞后。" in texts
    assert "补报进展情况，说明滞后原因和整改措施。" in texts
    deadline = next(t for t in texts if t.startswith("请于"))
    assert deadline.startswith(f"请于{gongwen.date_cn(notice.deadline)}前（5个工作日内）办结")
    assert texts[-1] == "2021年1月20日"
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["督办编号", "督办日期", "办理期限", "办理状态", "催办"]
    assert rows[1][:4] == ["督办〔2021〕1号", "2021年1月20日", gongwen.date_cn(notice.deadline), "待回复"]


def test_the_notice_has_the_bulletin_layout(client, notice, users):
    doc = Document(io.BytesIO(download(client, users["office"], notice).content))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == 3.7 and round(section.left_margin.cm, 1) == 2.8
    issuer, number = doc.paragraphs[0], doc.paragraphs[1]
    assert _fonts(issuer) == {gongwen.FONT_TITLE}
    assert str(issuer.runs[0].font.color.rgb) == gongwen.RED
    assert "w:pBdr" in number._p.xml  # the red rule under the number
    body = next(p for p in doc.paragraphs if p.text.startswith("根据《"))
    assert _fonts(body) == {gongwen.FONT_BODY} and body.paragraph_format.first_line_indent > Cm(0)
    head = next(p for p in doc.paragraphs if p.text == "一、督办事由")
    assert _fonts(head) == {gongwen.FONT_HEADING}


def test_the_response_and_closing_appear_once_given(client, notice, users, more_users):
    services.notice_respond(actor=more_users["czj"], notice=notice, response="已补报，整改措施已落实。")
    notice.refresh_from_db()
    services.notice_close(actor=users["office"], notice=notice, comment="同意办结。")
    notice.refresh_from_db()
    texts = [
        p.text for p in Document(io.BytesIO(download(client, users["office"], notice).content)).paragraphs
    ]
    assert "四、办理情况" in texts and "已补报，整改措施已落实。" in texts
    assert "五、办结意见" in texts and "同意办结。" in texts


def test_the_notice_page_links_to_the_word_file(client, notice, users):
    client.force_login(users["office"])
    page = client.get(reverse("plan_notice_detail", args=[notice.pk])).content.decode()
    assert f'href="/plan/notices/{notice.pk}/docx/" data-testid="notice-docx"' in page


def test_another_unit_gets_404(client, notice, more_users, users):
    assert download(client, more_users["tjj"], notice).status_code == 404
    assert download(client, users["member"], notice).status_code == 404
