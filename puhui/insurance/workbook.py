"""The coverage of one year as an Excel workbook: a sheet per product, a sheet per town. The figures are the
coverage page's (`selectors.coverage.coverage`), each header naming its unit."""

from openpyxl import Workbook

from puhui.core.exports import sheet_title, style_header, xlsx_bytes


def _round(value, places=2):
    return None if value is None else round(value, places)


def coverage_xlsx(cov) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(f"{cov.year}年分产品")
    ws.append(["产品名称", "保险机构", "险种", "保险标的", "地方特色", "覆盖镇（街道）（个）", "承保件数（件）",
               "参保户数（户）", "参保户数占农户数（%）", "承保数量", "单位", "保费（元）", "赔付件数（件）", "赔款（元）",
               "简单赔付率（%）"])  # fmt: skip
    for r in cov.products:
        p = r.product
        ws.append([
            p.name, p.insurer.short_name or p.insurer.name, p.get_line_display(), p.get_subject_display(),
            "是" if p.is_local_special else "否", r.towns, r.policies, r.households, _round(r.household_rate),
            r.quantity, p.unit, r.premium, r.claims, r.claims_paid, _round(r.loss_ratio),
        ])  # fmt: skip
    style_header(ws, [28, 20, 14, 14, 8, 12, 12, 12, 14, 12, 6, 16, 12, 16, 12])
    towns = wb.create_sheet(sheet_title(f"{cov.year}年分镇（街道）"))
    towns.append(["镇（街道）", "农户数（户）", "农业保险参保户数（户）", "参保农户覆盖率（%）", "产品数（个）",
                  "保费（元）", "赔款（元）"])  # fmt: skip
    for t in cov.towns:
        towns.append([t.town.name, t.farm_households, t.agri_households, _round(t.rate), t.products, t.premium,
                      t.claims_paid])  # fmt: skip
    towns.append(["合计", cov.farm_households, cov.agri_households, _round(cov.farm_rate), None, cov.premium,
                  cov.claims_paid])  # fmt: skip
    style_header(towns, [16, 14, 20, 18, 12, 16, 16])
    return xlsx_bytes(wb)
