"""The 公文 layout (GB/T 9704-2012) of every Word document the platform hands out, defined once.

A4 paper with the standard margins, the red issuer line and the red rule under the document number,
the title in 方正小标宋, the body in 仿宋_GB2312 with a two-character first-line indent, headings in 黑体 and
楷体, tables in 仿宋, the issuer and date at the foot. The plan's 通报 template, its 督办单 and assessment
results, and the index methodology all use these functions (python-docx); `print_css()` gives the same page
and fonts to the pages printed from the browser.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from puhui.core.periods import date_cn

# Fonts as Chinese government offices have them installed; Word falls back when they are missing.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_SUBHEADING = "楷体_GB2312"
RED = "C00000"
SIZE_ISSUER, SIZE_TITLE, SIZE_BODY, SIZE_TABLE = 26, 22, 16, 12  # 初号-ish, 二号, 三号, 小四 (points)
LINE_SPACING = 28  # points: 22 lines a page on A4 with these margins
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
NUMERALS = "一二三四五六七八九十"


def new_document():
    """An empty A4 document with the 公文 margins and 仿宋 as its default font."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    normal = doc.styles["Normal"]
    normal.font.name = FONT_BODY
    normal.font.size = Pt(SIZE_BODY)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_BODY)
    return doc


def _font(run, *, font: str, size: float, bold: bool = False, color: str | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)


def para(
    doc,
    text: str = "",
    *,
    font: str = FONT_BODY,
    size: float = SIZE_BODY,
    bold: bool = False,
    color: str | None = None,
    align: str | None = None,
    indent: bool = False,
    space_after: float = 0,
):
    """One paragraph at the 公文 line spacing. `align`: "center" | "right" | None (justified left)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = Pt(LINE_SPACING)
    if align:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if text:
        _font(p.add_run(text), font=font, size=size, bold=bold, color=color)
    return p


def red_header(doc, issuer: str, number: str = "") -> None:
    """The issuer in red, the document number, and the red rule under it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para(doc, issuer, font=FONT_TITLE, size=SIZE_ISSUER, color=RED, align="center", space_after=12)
    line = para(doc, number, align="center")
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "18", "w:space": "6", "w:color": RED}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    line._p.get_or_add_pPr().append(borders)
    para(doc)


def title(doc, text: str) -> None:
    para(doc, text, font=FONT_TITLE, size=SIZE_TITLE, align="center", space_after=12)


def heading(doc, text: str, level: int = 1) -> None:
    """一、 headings in 黑体, （一） headings in 楷体 (GB/T 9704 7.3.3)."""
    para(doc, text, font=FONT_HEADING if level == 1 else FONT_SUBHEADING, indent=True)


def body(doc, paragraphs) -> None:
    for text in paragraphs:
        if str(text).strip():
            para(doc, str(text).strip(), indent=True)


def addressee(doc, text: str) -> None:
    """主送机关: flush left, ending with a full-width colon."""
    para(doc, text if text.endswith("：") else f"{text}：")


def table(doc, header: list[str], rows: list[list], *, widths_cm: list[float] | None = None):
    """A bordered table in 仿宋 (header bold), centred on the page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    t = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, header, strict=True):
        _cell_text(cell, text, bold=True)
    for values in rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            _cell_text(cell, "" if value is None else str(value))
    if widths_cm:
        for row in t.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)
    return t


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), font=FONT_BODY, size=SIZE_TABLE, bold=bold)


def signature(doc, issuer: str, day) -> None:
    """The issuer and the date (2021年2月5日) at the foot, right-aligned."""
    para(doc)
    para(doc, issuer, align="right")
    para(doc, date_cn(day), align="right")


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二: the numbering of 一、 headings."""
    if 1 <= n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    tens, ones = divmod(n, 10)
    return NUMERALS[tens - 1] + "十" + (NUMERALS[ones - 1] if ones else "")


# ---------------------------------------------------------------- the same page for the browser

PRINT_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "document.css"


@cache
def print_css() -> str:
    """The A4 page and 公文 fonts for printed pages (`static/css/document.css`), for documents
    downloaded as stand-alone HTML files, which cannot link the platform's stylesheets."""
    return PRINT_CSS.read_text(encoding="utf-8")
