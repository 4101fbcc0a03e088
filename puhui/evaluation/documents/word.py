"""The report as a Word document in the 公文 layout (`core.documents`: red issuer line, number, title, 一、
headings, tables in 仿宋, issuer and date at the foot), written from the report's figures snapshot alone."""

import datetime

from puhui.core import documents as gongwen
from puhui.core.periods import label as period_label
from puhui.evaluation.documents import townmap

ADDRESSEE = "领导小组各成员单位，各镇人民政府、街道办事处，各金融机构"


def fmt(value, unit: str = "", digits: int = 2) -> str:
    """A figure with its unit, "—" when missing."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def write(figures: dict, *, title: str, number: str, day: datetime.date) -> bytes:
    doc = gongwen.new_document()
    gongwen.red_header(doc, figures["issuer"], number)
    gongwen.title(doc, title)
    gongwen.addressee(doc, ADDRESSEE)
    gongwen.body(doc, [_opening(figures)])
    sections = [
        ("量化目标完成情况", _targets),
        ("普惠金融指数和镇（街道）排名", _index),
        ("重点工作任务推进情况", _plan),
        ("金融机构普惠金融综合评价", _banks),
        ("典型案例和宣传工作", _cases),
        ("存在的问题和下一步工作", _next_steps),
    ]
    for n, (heading, writer) in enumerate(sections, start=1):
        gongwen.heading(doc, f"{gongwen.chinese_number(n)}、{heading}")
        writer(doc, figures)
    gongwen.signature(doc, figures["issuer"], day)
    return gongwen.to_bytes(doc)


def _opening(f: dict) -> str:
    return (
        f"根据《{f.get('plan_title') or '实施方案'}》关于建立专项评估制度、对示范区建设目标和任务落实情况进行"
        f"定期评估、验收、反馈和通报的要求，领导小组办公室依据平台数据，对{f['label']}"
        f"（{f['start']}至{f['end']}）示范区建设情况进行了评估。现将评估情况通报如下。"
    )


def _targets(doc, f: dict) -> None:
    t = f["targets"]
    counts = "，".join(f"{c['label']}{c['count']}项" for c in t["counts"] if c["count"])
    gongwen.body(
        doc, [f"截至{t['as_of_label']}，实施方案的{len(t['rows'])}项量化目标中，{counts or '暂无数据'}。"]
    )
    if not t["rows"]:
        return
    gongwen.table(
        doc,
        ["序号", "目标", "考核期", "状态", "当前值", "目标值", "上期状态", "趋势"],
        [
            [i, f"{r['name']}（{r['measure']}）", r["deadline"], r["status_label"], fmt(r["value"], r["unit"]),
             f"{r['comparator']}{fmt(r['threshold'], r['unit'])}", r["previous_status_label"] or "—",
             r["trend"] or "—"]
            for i, r in enumerate(t["rows"], start=1)
        ],
    )  # fmt: skip


def _index(doc, f: dict) -> None:
    x = f["index"]
    if not x["available"]:
        gongwen.body(doc, [x["note"]])
        return
    change = ""
    if x["previous_score"] is not None and x["score"] is not None:
        delta = x["score"] - x["previous_score"]
        change = (
            f"，较{period_label(x['previous_period'])}{'上升' if delta >= 0 else '下降'}{abs(delta):.2f}分"
        )
    gongwen.body(doc, [
        f"{f['label']}全县普惠金融指数为{fmt(x['score'], '分')}{change}（{x['framework']}第{x['framework_version']}版，"
        f"{x['published_at']}发布，数据截至{x['data_through']}）。各维度得分："
        + "；".join(f"{p['name']}{fmt(p['score'], '分')}" for p in x["pillars"]) + "。",
        f"镇（街道）排名见下表。排名区间为对权重和计算方法进行{x['uncertainty_runs']:,}次蒙特卡洛模拟得到的"
        "5%至95%分位区间，区间越窄，排名越稳健。",
    ])  # fmt: skip
    gongwen.table(
        doc,
        ["名次", "镇（街道）", "指数得分", "排名区间"],
        [[t["rank"] or "—", t["name"], fmt(t["score"], "分"), _interval(t)] for t in x["towns"]],
    )
    _map(doc, x["towns"])


def _interval(t: dict) -> str:
    if t["q5"] is None or t["q95"] is None:
        return "—"
    return f"第{t['q5']:.0f}至{t['q95']:.0f}名"


def _map(doc, towns: list[dict]) -> None:
    from docx.shared import Cm

    png = townmap.town_map_png(towns)
    if png is None:
        return
    import io

    gongwen.para(doc)
    doc.add_picture(io.BytesIO(png), width=Cm(15))
    gongwen.para(doc, "图　各镇（街道）普惠金融指数（图中数字为名次）", align="center")
    bins = townmap.classes([t["score"] for t in towns if t["score"] is not None])
    shades = ("最浅", "较浅", "中等", "较深", "最深")
    if len(bins) > 1:
        legend = "；".join(f"{shades[i]}：{lo:.2f}至{hi:.2f}分" for i, (lo, hi) in enumerate(bins))
        gongwen.para(doc, f"图例（颜色由浅到深）：{legend}。", indent=True)


def _plan(doc, f: dict) -> None:
    p = f["plan"]
    if not p["available"]:
        gongwen.body(doc, [p["note"]])
        return
    c = p["counts"]
    gongwen.body(doc, [
        f"截至{p['end']}，实施方案{len(p['tasks'])}项重点工作任务中，已完成{c['done']}项，正常推进{c['on_track']}项，"
        f"存在逾期里程碑{c['overdue']}项；逾期未完成的里程碑{len(p['overdue'])}个。"
        f"完成进度取牵头单位{p['plan_period_label']}的进度报告。"
    ])  # fmt: skip
    gongwen.table(
        doc,
        ["序号", "工作任务", "牵头单位", "状态", "完成进度", "到期里程碑（完成/到期）"],
        [
            [t["number"], t["title"], t["lead"], t["status_label"], fmt(t["completion"], "%"),
             f"{t['milestones_met']}/{t['milestones_due']}个"]
            for t in p["tasks"]
        ],
    )  # fmt: skip
    if p["overdue"]:
        gongwen.heading(doc, "（一）逾期未完成的里程碑", level=2)
        gongwen.table(
            doc,
            ["任务", "里程碑", "责任单位", "完成期限", "逾期天数"],
            [[m["task"], m["milestone"], m["unit"], m["due_on"], f"{m['days']}天"] for m in p["overdue"]],
        )


def _banks(doc, f: dict) -> None:
    b = f["banks"]
    if not b["conducted"]:
        gongwen.body(doc, [b["note"]])
        return
    gongwen.body(doc, [f"{f['label']}对{b['banks']}家银行业金融机构开展普惠金融综合评价，结果如下。"])
    gongwen.table(
        doc,
        ["名次", "金融机构", "综合得分", "等级"],
        [[r["rank"] or "—", r["bank"], fmt(r["total"], "分"), r["grade"] or "—"] for r in b["rows"]],
    )


def _cases(doc, f: dict) -> None:
    c = f["cases"]
    pub = c.get("publicity")
    if pub:
        kinds = "，".join(f"{k['label']}{k['events']}次" for k in pub["by_kind"] if k["events"])
        gongwen.body(doc, [
            f"{f['label']}审核通过的示范区宣传活动{pub['events']:,}次，受众{pub['audience']:,}人"
            + (f"，其中{kinds}" if kinds else "") + "。"
        ])  # fmt: skip
    if not c["cases"]:
        gongwen.body(doc, ["本期没有入选的典型案例。"])
        return
    gongwen.body(doc, [f"本期入选典型案例{len(c['cases'])}篇："])
    for i, case in enumerate(c["cases"], start=1):
        gongwen.heading(doc, f"（{gongwen.chinese_number(i)}）{case['title']}（{case['unit']}）", level=2)
        gongwen.body(doc, [case["text"]])


def _next_steps(doc, f: dict) -> None:
    missed = [r["name"] for r in f["targets"]["rows"] if r["status"] in ("missed", "at_risk")]
    overdue_units = sorted({m["unit"] for m in f["plan"].get("overdue", [])})
    lines = []
    if missed:
        lines.append(
            f"未达标或存在风险的量化目标{len(missed)}项：{'；'.join(missed)}。相关牵头单位要分析原因，制定措施，限期改进。"
        )
    if overdue_units:
        lines.append(
            f"有逾期未完成里程碑的单位：{'、'.join(overdue_units)}。请于通报印发后10个工作日内报送整改情况。"
        )
    lines.append("各成员单位和金融机构要对照评估结果，查找差距，确保示范区建设各项目标任务按期完成。")
    gongwen.body(doc, lines)
