"""The coverage page as an Excel workbook: the towns' coverage and merchants per 1,000 households, the
year's monthly non-cash totals by town (笔 and 元), and the chosen town's villages."""

from openpyxl import Workbook

from puhui.core.exports import style_header, xlsx_bytes
from puhui.core.periods import date_cn


def _share(value) -> float | None:
    return round(value, 2) if value is not None else None


def coverage_workbook(data: dict, town, villages) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "镇村覆盖"
    ws.append(["镇（街道）", "村（社区）数（个）", "已覆盖村数（个）", "覆盖率（%）", "户数（户）",
               "签约商户数（个）", "每千户商户数（个）", "全年非现金交易笔数（笔）", "全年非现金交易金额（元）"])  # fmt: skip
    for r in [*data["rows"], data["total"]]:
        ws.append([r.town.name, r.villages, r.covered, _share(r.share), r.households, r.merchants,
                   _share(r.per_1000), r.transactions, r.amount])  # fmt: skip
    ws.append([f"覆盖情况截至{date_cn(data['day'])}；已覆盖村：至少有一家签约中且受理银行卡或二维码的商户。"])
    style_header(ws, [16, 12, 12, 10, 10, 12, 12, 16, 18])
    months = data["months"]
    for title, index in (("月度交易笔数（笔）", 0), ("月度交易金额（元）", 1)):
        sheet = wb.create_sheet(title)
        sheet.append(["镇（街道）", *[f"{m.month}月" for m in months], "合计"])
        for r in [*data["rows"], data["total"]]:
            cells = [r.months.get(m, (0, 0))[index] for m in months]
            sheet.append([r.town.name, *cells, r.transactions if index == 0 else r.amount])
        style_header(sheet, [16, *[10] * len(months), 14])
    if town is not None:
        sheet = wb.create_sheet(f"{town.name}各村"[:31])
        sheet.append(
            [
                "村（社区）",
                "区划代码",
                "户数（户）",
                "签约商户数（个）",
                "受理银行卡或二维码的商户（个）",
                "是否覆盖",
            ]
        )
        for v in villages:
            sheet.append([v.village.name, v.village.code, v.village.households, v.merchants, v.covering,
                          "是" if v.covered else "否"])  # fmt: skip
        style_header(sheet, [16, 16, 10, 12, 18, 10])
    return xlsx_bytes(wb)
