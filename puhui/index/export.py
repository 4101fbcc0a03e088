"""Excel export of a run: scores, rank intervals, balance, weights and goalposts (openpyxl)."""

from openpyxl import Workbook

from puhui.core.exports import xlsx_bytes
from puhui.core.periods import label as title
from puhui.index.models import IndexRankInterval, IndexRun, IndexScore
from puhui.index.selectors import beyond_goal, estimate_text, run_catalogue


def run_workbook(run: IndexRun) -> bytes:
    cat = run_catalogue(run)
    wb = Workbook()
    ws = wb.active
    ws.title = "得分"
    ws.append(
        [
            "期间",
            "镇（街道）代码",
            "镇（街道）",
            "指标代码",
            "名称",
            "得分",
            "排名",
            "贡献",
            "原始值",
            "单位",
            "数据状态",
            "与目标相比",
        ]
    )
    qs = IndexScore.objects.filter(run=run).select_related("town").order_by("period", "town__code", "code")
    for s in qs.iterator():
        ws.append(
            [
                title(s.period),
                s.town.code if s.town else "全县",
                s.town.name if s.town else "全县",
                s.code,
                cat.get(s.code, {}).get("name", s.code),
                s.score,
                s.rank,
                s.contribution,
                s.raw,
                cat.get(s.code, {}).get("unit", ""),
                estimate_text(s.estimate, s.as_of) or "实测",
                beyond_goal(s.raw, run.goalposts.get(s.code), cat.get(s.code, {}).get("unit", "")),
            ]
        )
    ws = wb.create_sheet("排名区间")
    ws.append(["期间", "镇（街道）", "名义排名", "平均排名", "中位数", "5%分位", "95%分位"])
    for r in IndexRankInterval.objects.filter(run=run).select_related("town").order_by("period", "nominal"):
        ws.append([title(r.period), r.town.name, r.nominal, r.mean, r.median, r.q5, r.q95])
    ws = wb.create_sheet("均衡度")
    ws.append(["期间", "代码", "名称", "均值", "标准差", "变异系数", "泰尔指数"])
    for r in run.dispersion:
        ws.append(
            [
                title(r["Time"]),
                r["iCode"],
                cat.get(r["iCode"], {}).get("name", ""),
                r.get("mean"),
                r.get("sd"),
                r.get("cv"),
                r.get("theil"),
            ]
        )
    ws = wb.create_sheet("权重与阈值")
    fixed = any("kind" in g for g in run.goalposts.values())
    low, high = ("起点（0分）", "目标（100分）") if fixed else ("基期最差值", "基期最好值")
    ws.append(["代码", "名称", "单位", "相对权重", low, high, "阈值依据"])
    for code, meta in cat.items():
        gp = run.goalposts.get(code) or {}
        ws.append(
            [
                code,
                meta["name"],
                meta.get("unit", ""),
                run.weights.get(code),
                gp.get("worst"),
                gp.get("best"),
                gp.get("basis", ""),
            ]
        )
    ws = wb.create_sheet("未计入指标")
    ws.append(["代码", "名称", "数据来源", "原因"])
    for s in run.skipped:
        ws.append([s["code"], s["name"], s["source"], s["why"]])
    return xlsx_bytes(wb)


def methodology_docx(ctx: dict) -> bytes:
    """The methodology as a Word document on A4 in the 公文 layout of the plan's 通报 (`core.documents`),
    from the same content as the page."""
    from puhui.core import documents as gongwen

    fw = ctx["framework"]
    doc = gongwen.new_document()
    gongwen.title(doc, f"{fw.name}编制方法")
    gongwen.para(doc, f"（第{fw.version}版）", align="center", space_after=12)
    gongwen.heading(doc, "一、编制目的")
    gongwen.body(
        doc,
        [
            "按照示范区建设方案“建立普惠金融指数统计体系”的要求，以镇（街道）为单元，从可得性、使用情况、质量、安全四个维度"
            "综合反映全县普惠金融发展水平和各镇（街道）之间的均衡程度，并保持各年度之间可比。"
        ],
    )
    if ctx.get("fixed_goalposts"):
        gongwen.body(doc, [ctx["method_items"][0][1]])
    gongwen.heading(doc, "二、指标体系与权重")
    for n, p in enumerate(ctx["pillars"], start=1):
        off = "" if p["effective_weight"] else "，本期未计入"
        gongwen.heading(
            doc,
            f"（{gongwen.chinese_number(n)}）{p['name']}（维度权重 {p['effective_weight']:.3f}{off}）",
            level=2,
        )
        gongwen.table(
            doc,
            ["指标", "单位", "方向", "维度内权重", "指数中的权重"]
            + (
                ["起点（0分）", "目标（100分）", "阈值依据"]
                if ctx.get("fixed_goalposts")
                else ["基期最差值", "基期最好值"]
            ),
            [
                [
                    i["name"] + ("" if i["on"] else "（暂未接入，本期不计入）"),
                    i.get("unit", ""),
                    i["direction_label"],
                    _fmt(i["weight_in_pillar"], i["on"]),
                    _fmt(i["weight_in_index"], i["on"]),
                    _fmt(i["worst"], i["on"], 2),
                    _fmt(i["best"], i["on"], 2),
                ]
                + ([i["basis"]] if ctx.get("fixed_goalposts") else [])
                for i in p["indicators"]
            ],
        )
    gongwen.heading(doc, "三、计算方法")
    gongwen.body(doc, [f"{n}. {head}。{text}" for n, (head, text) in enumerate(ctx["method_items"], start=1)])
    return gongwen.to_bytes(doc)


def _fmt(v, on: bool, digits: int = 3) -> str:
    return "—" if v is None or not on else f"{v:.{digits}f}"
