"""The index methodology on A4 in the fonts of the plan's 通报 (Word and print), and the run's Excel
export named in Chinese with its periods."""

import io
from urllib.parse import unquote

from docx import Document

from puhui.core import documents as gongwen


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])


def test_methodology_word_is_an_a4_document_in_the_bulletin_fonts(published, login, users):
    word = login(users["office"]).get("/index/methodology/?download=docx")
    assert filename(word).endswith("编制方法_第2版.docx")
    doc = Document(io.BytesIO(word.content))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == gongwen.MARGINS_CM["top"]
    title = doc.paragraphs[0]
    assert title.text.endswith("编制方法") and title.runs[0].font.name == gongwen.FONT_TITLE
    heading = next(p for p in doc.paragraphs if p.text == "一、编制目的")
    assert heading.runs[0].font.name == gongwen.FONT_HEADING
    body = next(p for p in doc.paragraphs if p.text.startswith("按照示范区建设方案"))
    assert body.runs[0].font.name == gongwen.FONT_BODY
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "指标"


def test_methodology_web_version_prints_on_a4(published, login, users):
    client = login(users["office"])
    html = client.get("/index/methodology/?download=html")
    assert filename(html).endswith("编制方法_第2版.html")
    body = html.content.decode()
    assert "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }" in body
    assert '"仿宋_GB2312"' in body and '<div class="gongwen">' in body
    page = client.get("/index/methodology/").content.decode()
    assert 'href="/static/css/document.css" media="print"' in page
    assert 'class="card-body gongwen"' in page


def test_run_export_is_named_with_its_frequency_and_periods(published, login, users):
    yearly = next(r for r in published if r.frequency == "year")
    r = login(users["office"]).get(f"/index/runs/{yearly.pk}/export.xlsx")
    assert filename(r) == "普惠金融指数_年度_2019年至2021年_第2版.xlsx"
