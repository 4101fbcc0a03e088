"""The files of `puhui risk networks`: guarantee edges in (CSV), groups, circles, firms and the most vulnerable
firms out (CSV, UTF-8 with BOM so that Excel opens them, Chinese headers like the other engines' results).

Edges CSV: `guarantor`, `borrower`, `amount` (元) — or 担保人, 借款人, 担保金额 — and optionally `default`
(是否违约): 1 when the borrower is in default, 0 or empty when not. Rows of the same guarantor and borrower are
summed (one firm may guarantee the same borrower's loans at several banks). Refused, every problem named by row and
column: a missing column, an empty identity, an identity with “;” (the member separator of circles.csv), a
guarantor that is its own borrower, an amount missing, not a number or not above 0, a default flag other than
0/1, and a borrower flagged 1 on one row and 0 on another.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from .contagion import Contagion
from .networks import Network, RiskInputError, group_summary

COLUMNS = {
    "guarantor": ("guarantor", "担保人"),
    "borrower": ("borrower", "借款人"),
    "amount": ("amount", "担保金额"),
    "default": ("default", "是否违约"),
}
GROUP_COLUMNS = [
    "担保群编号",
    "企业数（户）",
    "担保关系数（条）",
    "担保总额（元）",
    "违约企业数（户）",
    "担保圈数（个）",
    "互保对数（对）",
    "最长担保链（层）",
    "核心企业",
    "核心企业担保关系数（条）",
    "现有违约传染损失（元）",
    "单户违约最大传染损失（元）",
    "最大传染损失企业",
]
CIRCLE_COLUMNS = [
    "担保圈编号",
    "担保群编号",
    "企业数（户）",
    "成员",
    "圈内担保总额（元）",
    "找到的担保环（个）",
    "达到上限",
]
NODE_COLUMNS = [
    "企业",
    "担保群编号",
    "担保圈编号",
    "入度（为其担保的企业，户）",
    "出度（其担保的企业，户）",
    "互保企业（户）",
    "对外担保额（元）",
    "获担保额（元）",
    "是否违约",
    "传染损失（元）",
    "易损度（户次）",
    "现有违约下受压程度（%）",
]
VULNERABLE_COLUMNS = [
    "排名",
    "企业",
    "担保群编号",
    "担保圈编号",
    "易损度（户次）",
    "对外担保额（元）",
    "现有违约下受压程度（%）",
]
OUTPUT_FILES = ("groups.csv", "circles.csv", "nodes.csv", "vulnerable.csv")


def _amount(text: str, where: str, problems: list[str]) -> float | None:
    text = text.strip().replace(",", "")
    if not text:
        problems.append(f"{where}不能为空")
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(f"{where}“{text}”不是数字")
        return None
    if value <= 0:
        problems.append(f"{where}“{text}”应大于 0（元）")
        return None
    return value


def read_edges(text: str) -> tuple[list[str], list[str], list[float], dict[str, bool]]:
    """Guarantors, borrowers, amounts and default flags of an edges CSV; RiskInputError names every bad cell
    (row numbers as in a spreadsheet, the header being row 1)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    problems: list[str] = []
    at: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in aliases]
        if len(found) > 1:
            problems.append(f"“{aliases[1]}”列出现了不止一次")
        if found:
            at[key] = found[0]
        elif key != "default":
            problems.append(f"缺少“{aliases[1]}”列（{aliases[0]}）")
    if problems:
        raise RiskInputError(problems)
    name = {key: header[i] for key, i in at.items()}
    guarantors, borrowers, amounts = [], [], []
    flags: dict[str, tuple[bool, int]] = {}
    width = len(header)
    for cells in reader:
        n = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line, as spreadsheets leave at the end
        cells = [c.strip() for c in cells] + [""] * (width - len(cells))
        guarantor, borrower = cells[at["guarantor"]], cells[at["borrower"]]
        for key, value in (("guarantor", guarantor), ("borrower", borrower)):
            if not value:
                problems.append(f"第{n}行“{name[key]}”不能为空")
            elif ";" in value:
                problems.append(f"第{n}行“{name[key]}”“{value}”不能含有分号")
        if guarantor and guarantor == borrower:
            problems.append(f"第{n}行：担保人与借款人都是“{guarantor}”，不能为自己担保")
        amount = _amount(cells[at["amount"]], f"第{n}行“{name['amount']}”", problems)
        if "default" in at and (flag := cells[at["default"]]):
            if flag not in ("0", "1"):
                problems.append(f"第{n}行“{name['default']}”“{flag}”应为 0 或 1")
            elif borrower:
                earlier = flags.setdefault(borrower, (flag == "1", n))
                if earlier[0] != (flag == "1"):
                    problems.append(
                        f"第{n}行“{name['default']}”为 {flag}，与第{earlier[1]}行借款人“{borrower}”的"
                        f" {int(earlier[0])} 不一致"
                    )
        guarantors.append(guarantor)
        borrowers.append(borrower)
        amounts.append(amount)
    if not guarantors and not problems:
        problems.append("担保关系文件中没有数据行")
    if problems:
        raise RiskInputError(problems)
    return guarantors, borrowers, amounts, {k: v for k, (v, _) in flags.items()}


def _yuan(value: float) -> str:
    return f"{value:.2f}"


def _write(path: Path, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def vulnerable_firms(net: Network, spread: Contagion, top: int) -> np.ndarray:
    """The `top` firms with the highest vulnerability, ties to the larger exposure, then the earlier firm."""
    order = np.lexsort((np.arange(net.size), -net.exposure, -np.round(spread.vulnerability, 9)))
    return order[:top]


def write_results(net: Network, spread: Contagion, out: str | Path, top: int) -> Path:
    """groups.csv, circles.csv, nodes.csv and vulnerable.csv in `out` (created if need be)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    summary = group_summary(net)
    names = net.names
    circle_of = ["" if c < 0 else str(c + 1) for c in net.circle]
    # Per group: the flagged defaults' spread inside it, and its worst single default (first firm on ties).
    current = np.bincount(
        net.group, weights=np.where(net.defaulted, 0.0, spread.current_distress * spread.capacity)
    )
    order = np.lexsort((np.arange(net.size), -spread.contagion_loss, net.group))
    worst = order[np.searchsorted(net.group[order], np.arange(net.group_count))]
    degree = net.in_degree + net.out_degree
    _write(
        folder / "groups.csv",
        GROUP_COLUMNS,
        (
            [g + 1, summary.size[g], summary.edges[g], _yuan(summary.exposure[g]), summary.defaulted[g],
             summary.circles[g], summary.mutual[g], summary.chain[g], names[summary.hub[g]],
             degree[summary.hub[g]], _yuan(current[g]), _yuan(spread.contagion_loss[worst[g]]),
             names[worst[g]] if spread.contagion_loss[worst[g]] > 0 else ""]
            for g in range(net.group_count)
        ),
    )  # fmt: skip
    rows, cols = net.adjacency.nonzero()
    inside = (net.circle[rows] >= 0) & (net.circle[rows] == net.circle[cols])
    circle_amount = np.bincount(
        net.circle[rows[inside]], weights=np.asarray(net.adjacency[rows[inside], cols[inside]]).ravel(),
        minlength=len(net.circles),
    )  # fmt: skip
    _write(
        folder / "circles.csv",
        CIRCLE_COLUMNS,
        (
            [c.number, net.group[c.members[0]] + 1, c.members.size, ";".join(names[v] for v in c.members),
             _yuan(circle_amount[c.number - 1]), len(c.cycles), "是" if c.cap_hit else "否"]
            for c in net.circles
        ),
    )  # fmt: skip
    mutual = np.bincount(net.mutual.ravel(), minlength=net.size)
    _write(
        folder / "nodes.csv",
        NODE_COLUMNS,
        (
            [names[v], net.group[v] + 1, circle_of[v], net.in_degree[v], net.out_degree[v], mutual[v],
             _yuan(net.exposure[v]), _yuan(net.guaranteed[v]), int(net.defaulted[v]),
             _yuan(spread.contagion_loss[v]), f"{spread.vulnerability[v]:.4f}",
             f"{100 * spread.current_distress[v]:.2f}"]
            for v in range(net.size)
        ),
    )  # fmt: skip
    _write(
        folder / "vulnerable.csv",
        VULNERABLE_COLUMNS,
        (
            [rank, names[v], net.group[v] + 1, circle_of[v], f"{spread.vulnerability[v]:.4f}",
             _yuan(net.exposure[v]), f"{100 * spread.current_distress[v]:.2f}"]
            for rank, v in enumerate(vulnerable_firms(net, spread, top), start=1)
        ),
    )  # fmt: skip
    return folder
