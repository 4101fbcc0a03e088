"""The report's Excel annex: one sheet per section, written from the figures snapshot through the platform's
one xlsx writer (`core.exports`: formula-like text stays text)."""

from openpyxl import Workbook

from puhui.core.exports import style_header, xlsx_bytes


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: list[int]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    style_header(ws, widths)


def write(figures: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _targets(wb, figures["targets"])
    _index(wb, figures["index"])
    _plan(wb, figures["plan"])
    _banks(wb, figures["banks"])
    _cases(wb, figures["cases"])
    return xlsx_bytes(wb)


def _targets(wb, t: dict) -> None:
    _sheet(
        wb, "量化目标",
        ["条款", "目标", "考核指标", "考核范围", "考核期", "状态", "当前值", "数据期间", "比较", "目标值", "单位",
         "趋势", "每季变化", "推算至考核期", f"上期状态（截至{t['previous_as_of'] or '—'}）", "上期值"],
        [[r["clause"], r["name"], r["measure"], r["scope"], r["deadline"], r["status_label"], r["value"],
          r["value_period"], r["comparator"], r["threshold"], r["unit"], r["trend"], r["slope"], r["projection"],
          r["previous_status_label"], r["previous_value"]] for r in t["rows"]],
        [8, 30, 20, 10, 14, 10, 12, 10, 6, 10, 8, 6, 10, 12, 14, 10],
    )  # fmt: skip


def _index(wb, x: dict) -> None:
    if not x["available"]:
        _sheet(wb, "指数（镇街）", ["说明"], [[x["note"]]], [60])
        return
    pillars = [p["name"] for p in x["pillars"]]
    rows = [["全县", "", None, x["score"], *[p["score"] for p in x["pillars"]], None, None, None, ""]]
    rows += [
        [
            t["name"],
            t["code"],
            t["rank"],
            t["score"],
            *t["pillars"],
            t["q5"],
            t["median"],
            t["q95"],
            t["estimate"],
        ]
        for t in x["towns"]
    ]
    _sheet(
        wb, "指数（镇街）",
        ["镇（街道）", "区划代码", "名次", "指数得分（分）", *[f"{n}（分）" for n in pillars],
         "排名区间下限（5%分位）", "排名中位数", "排名区间上限（95%分位）", "数据状态"],
        rows, [14, 14, 6, 12, *[12] * len(pillars), 12, 10, 12, 12],
    )  # fmt: skip


def _plan(wb, p: dict) -> None:
    if not p["available"]:
        _sheet(wb, "重点任务", ["说明"], [[p["note"]]], [60])
        return
    _sheet(
        wb, "重点任务",
        ["序号", "工作任务", "牵头单位", "状态", f"牵头单位{p['plan_period_label']}报告", "完成进度（%）",
         "到期里程碑（个）", "按期完成（个）", "逾期未完成（个）"],
        [[t["number"], t["title"], t["lead"], t["status_label"], t["report"], t["completion"], t["milestones_due"],
          t["milestones_met"], t["milestones_overdue"]] for t in p["tasks"]],
        [6, 40, 20, 10, 14, 12, 14, 12, 14],
    )  # fmt: skip
    _sheet(
        wb, "逾期里程碑",
        ["任务序号", "工作任务", "里程碑", "责任单位", "完成期限", f"截至{p['end']}逾期天数（天）"],
        [[m["task"], m["task_title"], m["milestone"], m["unit"], m["due_on"], m["days"]] for m in p["overdue"]],
        [8, 30, 40, 20, 12, 16],
    )  # fmt: skip


def _banks(wb, b: dict) -> None:
    if not b["conducted"]:
        _sheet(wb, "金融机构评价", ["说明"], [[b["note"]]], [60])
        return
    _sheet(
        wb, "金融机构评价", ["名次", "金融机构", "综合得分（分）", "等级"],
        [[r["rank"], r["bank"], r["total"], r["grade"]] for r in b["rows"]], [6, 30, 14, 8],
    )  # fmt: skip


def _cases(wb, c: dict) -> None:
    _sheet(
        wb, "典型案例", ["标题", "报送单位", "专题", "对应任务", "所属期间", "正文"],
        [[k["title"], k["unit"], k["topic_label"], k["task"], k["period_label"], k["text"]] for k in c["cases"]],
        [30, 20, 12, 20, 12, 60],
    )  # fmt: skip
    pub = c.get("publicity")
    if pub:
        rows = [[k["label"], k["events"], k["audience"]] for k in pub["by_kind"]]
        rows += [["合计", pub["events"], pub["audience"]]]
        rows += [[f"其中：{u['unit']}", u["events"], u["audience"]] for u in pub["by_unit"]]
        _sheet(wb, "示范区宣传", ["宣传方式或单位", "活动次数（次）", "受众人数（人）"], rows, [30, 14, 14])
