"""Assessment results as a Word document in the 公文 layout; the 通报 template is built by the same
layout functions (one place: puhui/core/documents.py)."""

import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from puhui.core import documents as gongwen
from puhui.plan import documents, services


@pytest.fixture
def scheme(plan, units, users):
    scheme = services.scheme_create(
        actor=users["office"],
        plan=plan,
        name="2020年度考核",
        period_start=datetime.date(2020, 7, 28),
        period_end=datetime.date(2021, 1, 31),
    )
    quality = scheme.criteria.get(kind="quality")
    services.score_manual(
        actor=users["office"],
        scheme=scheme,
        criterion=quality,
        unit=units["县财政局"],
        points=Decimal("14"),
        reason="材料详实",
    )
    return scheme


def get(client, user, scheme):
    client.force_login(user)
    return client.get(reverse("plan_assessment_docx", args=[scheme.pk]))


def test_results_before_and_after_computing(client, scheme, users):
    r = get(client, users["office"], scheme)
    assert r.status_code == 200
    name = unquote(r["Content-Disposition"].split("filename*=utf-8''")[1])
    assert name == "2020年度考核考核结果_2020年7月28日至2021年1月31日.docx"
    doc = Document(io.BytesIO(r.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].endswith("建设工作领导小组办公室") and "2020年度考核考核结果" in texts
    assert any("尚未计算得分和排名" in t for t in texts)
    assert "一、考核项目和评分标准" in texts and "二、得分和排名" in texts
    assert any(t.startswith("（一）进度报送及时性（20分）。") for t in texts)
    assert any("满分 100 分。" in t for t in texts)
    header = [c.text for c in doc.tables[0].rows[0].cells]
    criteria = [c.name for c in scheme.criteria.all()]
    assert header == ["名次", "单位", *criteria, "总分"]

    services.scheme_compute(actor=users["office"], scheme=scheme, as_of=datetime.date(2021, 2, 1))
    scheme.refresh_from_db()
    doc = Document(io.BytesIO(get(client, users["office"], scheme).content))
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[1][:2] == ["1", "县财政局"]  # the only unit with quality points
    assert rows[1][1 + 1 + criteria.index(scheme.criteria.get(kind="quality").name)] == "14.00"
    assert all(r[0].isdigit() for r in rows[1:])
    assert any("计算结果列出" in p.text for p in doc.paragraphs)


def test_results_have_the_bulletin_layout(client, scheme, users):
    doc = Document(io.BytesIO(get(client, users["office"], scheme).content))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.bottom_margin.cm, 1) == 3.5
    first = doc.paragraphs[0].runs[0]
    assert first.font.name == gongwen.FONT_TITLE and str(first.font.color.rgb) == gongwen.RED


def test_the_bulletin_template_is_built_by_the_same_layout(tmp_path):
    path = documents.build_bulletin_template(tmp_path / "t.docx")
    doc = Document(str(path))
    assert doc.sections[0].top_margin.cm == pytest.approx(gongwen.MARGINS_CM["top"], abs=0.01)
    issuer = doc.paragraphs[0]
    assert issuer.text == "{{ issuer }}" and issuer.runs[0].font.name == gongwen.FONT_TITLE
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["名次", "单位", "得分", "备注"]
    # The shipped template is this function's output (regenerate it after changing the layout).
    shipped = Document(str(documents.BULLETIN_TEMPLATE))
    assert [p.text for p in shipped.paragraphs] == [p.text for p in doc.paragraphs]
    assert shipped.sections[0].top_margin == doc.sections[0].top_margin


def test_the_assessment_page_links_to_the_word_file(client, scheme, users):
    client.force_login(users["office"])
    page = client.get(reverse("plan_assessment_detail", args=[scheme.pk])).content.decode()
    assert f'href="/plan/assessments/{scheme.pk}/docx/" data-testid="assessment-docx"' in page


def test_only_the_office(client, scheme, users, more_users):
    for who in (users["member"], more_users["czj"]):
        assert get(client, who, scheme).status_code == 404
