"""Templates fill in and import back; the documentation lists every column."""

import io
from pathlib import Path

import openpyxl

from puhui.core.models import Division
from puhui.imports import tabular
from puhui.imports.blank_forms import template_xlsx
from puhui.imports.services import SYSTEM_ACTOR, table_import
from puhui.imports.specs import DIVISIONS
from puhui.imports.tables import tables

DOCS = Path(__file__).resolve().parents[2] / "docs" / "imports.md"


def test_filled_template_imports(county):
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(DIVISIONS)))
    ws = wb["行政区划"]
    ws.append(["370323102203", "鲁村3村", "村", "370323102000", 100, 30, 20, 118.1, 36.2])
    notes = wb["填写说明"]
    assert notes["A1"].value == "行政区划导入模板 · 填写说明"
    buffer = io.BytesIO()
    wb.save(buffer)
    result = table_import(actor=SYSTEM_ACTOR, kind="divisions", file=buffer.getvalue(), filename="模板.xlsx")
    assert result.ok, [e for e in result.errors]
    assert result.source == "Excel（工作表“行政区划”）"
    assert Division.objects.get(code="370323102203").households == 30


def _generic_specs():
    """Every register imported through a generic template (the archives have their own workbook and doc)."""
    return [t.spec for t in tables().values() if not t.entry.template]


def test_empty_template_is_refused_politely():
    for spec in _generic_specs():
        parsed = tabular.parse(template_xlsx(spec), spec)
        assert [e.reason for e in parsed.errors] == ["文件只有表头，没有数据行"]


def test_docs_describe_every_column_and_choice():
    text = DOCS.read_text(encoding="utf-8")
    for spec in _generic_specs():
        for col in spec.columns:
            assert f"| {col.header} |" in text, col.header
            for choice in col.parser.choices:
                assert choice in text, choice
