"""Documents of the policy incentives: a bank's application (申请表), a grantor's decision sheet (审定表) in
Word, and the Excel workbooks of a year's results, the payout ledger and the reserve-ratio assessment.

Word documents use the one 公文 layout of `puhui.core.documents`; workbooks are saved by
`puhui.core.exports.xlsx_bytes` (text typed by a user never runs as a formula). Figures come from the
engine's record kept in `Result.detail` (`puhui.engines.policy.result_json`): each condition's value,
comparison, threshold and unit, and the rule's intermediate values. The views name the downloads; each
function's docstring gives the suggested Chinese file name.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from puhui.core import documents as gongwen
from puhui.core.exports import sheet_title, style_header, xlsx_bytes
from puhui.core.periods import date_cn
from puhui.engines.policy import STATUS_LABELS, PolicyInputError
from puhui.policy.models import Result

OPS_CN = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于", "!=": "不等于"}
RESERVE_LABELS = {"passed": "达标", "failed": "未达标", "missing": "缺少数据", "not_applicable": "不适用"}
CENT = Decimal("0.01")
YUAN_FORMAT, RATIO_FORMAT, DATE_FORMAT = "#,##0.00", "0.00", "yyyy-mm-dd"
NONE = "—"


# ------------------------------------------------------------------------------- figures as text


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def yuan(value) -> str:
    """150000 → 150,000.00 (the unit 元 is written beside it)."""
    number = _decimal(value)
    return NONE if number is None else f"{number.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def plain(value) -> str:
    """2.00 → 2, 0.50 → 0.5: percentage points and counts as a document writes them."""
    number = _decimal(value)
    if number is None:
        return NONE
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure_text(value, unit: str = "") -> str:
    """A figure with its unit: 43.3333 % → 43.33%, 1234 元 → 1,234.00 元, 3 个 → 3 个; missing → —."""
    number = _decimal(value)
    if number is None:
        return NONE
    if unit == "%":
        return f"{number.quantize(CENT, rounding=ROUND_HALF_UP)}%"
    if unit == "元":
        return f"{yuan(number)} 元"
    return f"{plain(number)} {unit}" if unit else plain(number)


def requirement_text(condition: dict) -> str:
    """The comparison in words with the threshold: 不低于 50.00%."""
    words = OPS_CN.get(condition.get("op", ""), condition.get("op", ""))
    threshold = condition.get("threshold")
    return f"{words} {figure_text(threshold, condition.get('unit', ''))}" if threshold is not None else NONE


def _condition_label(condition: dict) -> str:
    return STATUS_LABELS.get(condition.get("status", ""), condition.get("status", ""))


def _rule_def(evaluation, code: str):
    """The rule as the evaluation's rule version defines it (labels and units of its values), if found."""
    try:
        return evaluation.rules.parsed.rule(code)
    except (StopIteration, PolicyInputError):
        return None


def _by_rule(evaluation, results) -> list[tuple[str, str, list[Result]]]:
    """(code, name, results) per rule, in the order of the rule version, then any other rule."""
    groups: dict[str, list[Result]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in results:
        groups[r.rule_code].append(r)
        names[r.rule_code] = r.rule_name
    order = [rule.code for rule in evaluation.rules.parsed.rules] if evaluation is not None else []
    codes = [c for c in order if c in groups] + [c for c in groups if c not in order]
    return [(c, names[c], groups[c]) for c in codes]


def _applied(result: Result) -> bool:
    return result.status != Result.Status.NOT_APPLICABLE


# ------------------------------------------------------------------------------------------- Word


def application_docx(result: Result) -> bytes:
    """A bank's 政策激励资金申请表 for one result: the rule and its source, each condition with the bank's
    figure, the requirement and 符合/不符合, the intermediate values, the amount computed and, once
    decided, the amount granted and the approval number; signed by the bank.

    Suggested name: “示例商业银行_新设网点开办费补助_2020年政策激励资金申请表.docx”."""
    evaluation, org = result.evaluation, result.institution
    fiscal = result.kind == Result.Kind.FISCAL
    rule = _rule_def(evaluation, result.rule_code)
    detail = result.detail or {}
    doc = gongwen.new_document()
    gongwen.title(doc, "政策激励资金申请表" if fiscal else "优惠存款准备金率考核申请表")
    gongwen.table(
        doc,
        ["项目", "内容"],
        [
            ["申请单位", org.name],
            ["评价年度", f"{evaluation.year}年"],
            ["申请项目", result.rule_name],
            ["政策依据", result.source],
            ["审定单位", result.grantor],
            ["评价结果", result.get_status_display()],
        ],
        widths_cm=[4, 11.6],
    )
    if rule is not None and rule.note:
        gongwen.body(doc, [f"政策内容：{rule.note}"])
    sections = []
    conditions = detail.get("conditions") or []
    if conditions:
        checked = [
            [
                n,
                c.get("name", ""),
                figure_text(c.get("value"), c.get("unit", "")),
                requirement_text(c),
                _condition_label(c),
            ]
            for n, c in enumerate(conditions, start=1)
        ]
        sections.append(
            ("考核条件", lambda: gongwen.table(doc, ["序号", "条件", "本单位数值", "要求", "结果"], checked))
        )
    elif result.status != Result.Status.NOT_APPLICABLE:
        sections.append(("考核条件", lambda: gongwen.body(doc, ["本项目不设考核条件，按规则直接测算。"])))
    values = detail.get("values") or {}
    if values:
        lets = {let.name: let for let in rule.lets} if rule is not None else {}
        computed = [
            [lets[k].label if k in lets else k, figure_text(v, lets[k].unit if k in lets else "")]
            for k, v in values.items()
        ]
        sections.append(("测算依据", lambda: gongwen.table(doc, ["项目", "数值"], computed)))
    sections.append(("申请金额" if fiscal else "优惠幅度", lambda: gongwen.body(doc, _grant_lines(result))))
    for n, (head, write) in enumerate(sections, start=1):
        gongwen.heading(doc, f"{gongwen.chinese_number(n)}、{head}")
        write()
    # The bank signs and dates the paper copy by hand.
    gongwen.para(doc)
    gongwen.para(doc, f"申请单位（盖章）：{org.name}", align="right")
    gongwen.para(doc, "负责人（签字）：　　　　　　", align="right")
    gongwen.para(doc, "　　　　年　　月　　日", align="right")
    return gongwen.to_bytes(doc)


def _grant_lines(result: Result) -> list[str]:
    fiscal = result.kind == Result.Kind.FISCAL
    if result.status != Result.Status.PASSED:
        lines = [
            f"评价结果为“{result.get_status_display()}”，本项目不予测算{'补贴金额' if fiscal else '优惠幅度'}。"
        ]
    elif fiscal:
        lines = [f"按规则测算金额 {yuan(result.amount)} 元。"]
    else:
        lines = [f"按规则可执行比同类机构低 {plain(result.ratio)} 个百分点的存款准备金率。"]
    if result.decision != Result.Decision.PENDING:
        decided = [f"审定结果：{result.get_decision_display()}"]
        if result.decision == Result.Decision.APPROVED and fiscal:
            decided.append(f"核定金额 {yuan(result.decided_amount)} 元")
        if result.decision == Result.Decision.APPROVED and not fiscal and result.standard_ratio is not None:
            decided.append(
                f"同类机构存款准备金率 {plain(result.standard_ratio)}%，适用存款准备金率 {plain(result.applied_ratio)}%"
            )
        if result.approval_no:
            decided.append(f"批复文号 {result.approval_no}")
        lines.append("；".join(decided) + "。")
        if result.decision_note:
            lines.append(f"审定意见：{result.decision_note}")
    if result.paid_on:
        lines.append(f"已于{date_cn(result.paid_on)}拨付 {yuan(result.paid_amount)} 元。")
    return lines


def approval_docx(evaluation, results, grantor: str) -> bytes:
    """The grantor's decision sheet for one year (县财政局: 普惠金融政策激励资金审定表; 县人民银行 for the
    monetary rules: 优惠存款准备金率考核结果): per rule, every institution that passed or was decided, with
    the amount computed or the cut, the decision, the amount granted, the approval number, and totals.
    `results` are the ones this grantor decides (the caller filters them).

    Suggested name: “2020年度普惠金融政策激励资金审定表_县财政局.docx”."""
    results = list(results)
    monetary = bool(results) and all(r.kind == Result.Kind.MONETARY for r in results)
    year = evaluation.year
    doc = gongwen.new_document()
    gongwen.red_header(doc, grantor)
    gongwen.title(
        doc, f"{year}年度优惠存款准备金率考核结果" if monetary else f"{year}年度普惠金融政策激励资金审定表"
    )
    rules = evaluation.rules
    gongwen.body(
        doc,
        [
            f"根据《{rules.name}》（{rules.version}版），对{year}年度各金融机构的"
            f"{'考核情况' if monetary else '政策激励资金'}评价审定如下。"
        ],
    )
    total_amount = total_decided = Decimal(0)
    groups = _by_rule(evaluation, results)
    for n, (_code, name, group) in enumerate(groups, start=1):
        gongwen.heading(doc, f"{gongwen.chinese_number(n)}、{name}")
        evaluated = [r for r in group if _applied(r)]
        passed = [r for r in group if r.status == Result.Status.PASSED]
        gongwen.body(
            doc, [f"依据：{group[0].source}。", f"参评机构 {len(evaluated)} 家，符合条件 {len(passed)} 家。"]
        )
        shown = [
            r for r in group if r.status == Result.Status.PASSED or r.decision != Result.Decision.PENDING
        ]
        if not shown:
            gongwen.body(doc, ["本项目没有符合条件的机构。"])
            continue
        approved = [r for r in shown if r.decision == Result.Decision.APPROVED]
        if group[0].kind == Result.Kind.MONETARY:
            header, rows = _approval_cut_rows(shown, passed, approved)
        else:
            header, rows, amount, decided = _approval_grant_rows(shown, approved)
            total_amount, total_decided = total_amount + amount, total_decided + decided
        gongwen.table(doc, header, rows)
    if not groups:
        gongwen.body(doc, ["本年度没有需要审定的结果。"])
    elif not monetary:
        gongwen.body(
            doc, [f"以上各项合计测算金额 {yuan(total_amount)} 元，核定金额 {yuan(total_decided)} 元。"]
        )
    gongwen.signature(doc, grantor, timezone.localdate())
    return gongwen.to_bytes(doc)


def _approval_cut_rows(shown, passed, approved) -> tuple[list[str], list[list]]:
    header = [
        "机构",
        "优惠幅度（百分点）",
        "审定",
        "同类机构存款准备金率（%）",
        "适用存款准备金率（%）",
        "批复文号",
    ]
    rows = [
        [r.institution.name, plain(r.ratio), r.get_decision_display(), plain(r.standard_ratio),
         plain(r.applied_ratio), r.approval_no]
        for r in shown
    ]  # fmt: skip
    rows.append(["合计", f"符合 {len(passed)} 家", f"同意 {len(approved)} 家", "", "", ""])
    return header, rows


def _approval_grant_rows(shown, approved) -> tuple[list[str], list[list], Decimal, Decimal]:
    header = ["机构", "测算金额（元）", "审定", "核定金额（元）", "批复文号"]
    rows = [
        [r.institution.name, yuan(r.amount), r.get_decision_display(),
         yuan(r.decided_amount) if r.decision == Result.Decision.APPROVED else NONE, r.approval_no]
        for r in shown
    ]  # fmt: skip
    amount = sum((r.amount or 0 for r in shown), Decimal(0))
    decided = sum((r.decided_amount or 0 for r in approved), Decimal(0))
    rows.append(["合计", yuan(amount), f"同意 {len(approved)} 家", yuan(decided), ""])
    return header, rows, amount, decided


# ------------------------------------------------------------------------------------------ Excel


def _header(ws, header: list[str], widths: list[int]) -> None:
    ws.append(header)
    style_header(ws, widths)


def _formats(ws, formats: dict[int, str]) -> None:
    """Number formats by column (1-based) for every row below the header."""
    for row in ws.iter_rows(min_row=2):
        for col, fmt in formats.items():
            row[col - 1].number_format = fmt


def _bold_last(ws) -> None:
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _condition_columns(rule, results) -> list[tuple[str, str, str]]:
    """(code, name, unit) of each condition: the rule's own, then any other a result's record holds."""
    columns = [(c.code, c.name, c.unit) for c in rule.conditions] if rule is not None else []
    seen = {c[0] for c in columns}
    for r in results:
        for c in (r.detail or {}).get("conditions") or []:
            if c.get("code") not in seen:
                seen.add(c.get("code"))
                columns.append((c.get("code"), c.get("name", ""), c.get("unit", "")))
    return columns


def _condition_header(columns) -> list[str]:
    header = []
    for _code, name, unit in columns:
        suffix = f"（{unit}）" if unit else ""
        header += [f"{name} 数值{suffix}", f"{name} 阈值{suffix}", f"{name} 结果"]
    return header


def _condition_cells(result: Result, columns) -> list:
    found = {c.get("code"): c for c in (result.detail or {}).get("conditions") or []}
    cells = []
    for code, _name, _unit in columns:
        c = found.get(code)
        if c is None:
            cells += [None, None, None]
        else:
            cells += [_decimal(c.get("value")), _decimal(c.get("threshold")), _condition_label(c)]
    return cells


def _condition_formats(start: int, columns) -> dict[int, str]:
    formats = {}
    for i, (_code, _name, unit) in enumerate(columns):
        fmt = YUAN_FORMAT if unit == "元" else RATIO_FORMAT if unit == "%" else "General"
        formats[start + 3 * i] = formats[start + 3 * i + 1] = fmt
    return formats


def results_workbook(evaluation, results) -> bytes:
    """A year's results: a summary sheet, then one sheet per rule with one row per institution — its
    result, each condition's figure, threshold and result, the amount (元) or cut (百分点), the decision
    and, for fiscal rules, the amount granted and paid.

    Suggested name: “2020年政策激励评价结果.xlsx”."""
    results = list(results)
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    _header(
        summary,
        [
            "规则",
            "类型",
            "审定单位",
            "依据",
            "符合（家）",
            "不符合（家）",
            "缺少数据（家）",
            "测算金额（元）",
            "核定金额（元）",
        ],
        [30, 10, 12, 50, 10, 10, 12, 16, 16],
    )
    for _code, name, group in _by_rule(evaluation, results):
        fiscal = group[0].kind == Result.Kind.FISCAL
        approved = [r for r in group if r.decision == Result.Decision.APPROVED]
        summary.append(
            [
                name,
                group[0].get_kind_display(),
                group[0].grantor,
                group[0].source,
                sum(r.status == Result.Status.PASSED for r in group),
                sum(r.status == Result.Status.FAILED for r in group),
                sum(r.status == Result.Status.MISSING for r in group),
                sum((r.amount or 0 for r in group), Decimal(0)) if fiscal else None,
                sum((r.decided_amount or 0 for r in approved), Decimal(0)) if fiscal else None,
            ]
        )
        _rule_sheet(wb, evaluation, group)
    _formats(summary, {8: YUAN_FORMAT, 9: YUAN_FORMAT})
    return xlsx_bytes(wb)


def _rule_sheet(wb, evaluation, group: list[Result]) -> None:
    first = group[0]
    fiscal = first.kind == Result.Kind.FISCAL
    columns = _condition_columns(_rule_def(evaluation, first.rule_code), group)
    if fiscal:
        tail = ["测算金额（元）", "审定", "核定金额（元）", "拨付日期", "拨付金额（元）"]
        tail_formats = [YUAN_FORMAT, None, YUAN_FORMAT, DATE_FORMAT, YUAN_FORMAT]
    else:
        tail = ["优惠幅度（百分点）", "审定", "同类机构存款准备金率（%）", "适用存款准备金率（%）"]
        tail_formats = [RATIO_FORMAT, None, RATIO_FORMAT, RATIO_FORMAT]
    ws = wb.create_sheet(sheet_title(first.rule_name))
    _header(
        ws,
        ["机构", "结果", *_condition_header(columns), *tail],
        [28, 10, *[14] * (3 * len(columns)), *[16] * len(tail)],
    )
    for r in group:
        if fiscal:
            decided = r.decided_amount if r.decision == Result.Decision.APPROVED else None
            end = [r.amount, r.get_decision_display(), decided, r.paid_on, r.paid_amount]
        else:
            end = [r.ratio, r.get_decision_display(), r.standard_ratio, r.applied_ratio]
        ws.append([r.institution.name, r.get_status_display(), *_condition_cells(r, columns), *end])
    first_tail = 3 + 3 * len(columns)
    formats = _condition_formats(3, columns)
    formats.update({first_tail + i: f for i, f in enumerate(tail_formats) if f})
    if fiscal:
        approved = [r for r in group if r.decision == Result.Decision.APPROVED]
        ws.append(
            ["合计", None, *[None] * (3 * len(columns))]
            + [
                sum((r.amount or 0 for r in group), Decimal(0)),
                None,
                sum((r.decided_amount or 0 for r in approved), Decimal(0)),
                None,
                sum((r.paid_amount or 0 for r in group), Decimal(0)),
            ]
        )
        _bold_last(ws)
    _formats(ws, formats)


LEDGER_HEADER = [
    "年度",
    "规则",
    "机构",
    "核定金额（元）",
    "批复文号",
    "审定日期",
    "拨付日期",
    "拨付金额（元）",
    "凭证号",
    "未拨付金额（元）",
]


def ledger_workbook(results) -> bytes:
    """The payout ledger of approved fiscal grants (`selectors.ledger`): what was granted, when it was
    decided and paid, and what is still to pay, with a total row.

    Suggested name: “政策激励资金拨付台账.xlsx” (with a year: “2020年政策激励资金拨付台账.xlsx”)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "拨付台账"
    _header(ws, LEDGER_HEADER, [8, 30, 28, 16, 22, 12, 12, 16, 20, 16])
    decided_total = paid_total = unpaid_total = Decimal(0)
    n = 0
    for r in results:
        n += 1
        decided, paid = r.decided_amount or Decimal(0), r.paid_amount or Decimal(0)
        unpaid = decided - paid
        decided_total, paid_total, unpaid_total = (
            decided_total + decided,
            paid_total + paid,
            unpaid_total + unpaid,
        )
        ws.append(
            [
                r.evaluation.year,
                r.rule_name,
                r.institution.name,
                r.decided_amount,
                r.approval_no,
                timezone.localdate(r.decided_at) if r.decided_at else None,
                r.paid_on,
                r.paid_amount,
                r.payment_ref,
                unpaid,
            ]
        )
    ws.append(["合计", f"{n} 项", None, decided_total, None, None, None, paid_total, None, unpaid_total])
    _bold_last(ws)
    _formats(ws, {4: YUAN_FORMAT, 6: DATE_FORMAT, 7: DATE_FORMAT, 8: YUAN_FORMAT, 10: YUAN_FORMAT})
    return xlsx_bytes(wb)


def reserve_workbook(results) -> bytes:
    """The targeted reserve-ratio assessment for the PBoC branch above (`selectors.reserve_assessment`):
    one sheet per assessment (考核项目), one row per institution and year, with each condition's figure,
    threshold and result, 达标/未达标, the cut granted and the ratios that apply.

    Suggested name: “优惠存款准备金率考核情况.xlsx”."""
    results = sorted(results, key=lambda r: (-r.evaluation.year, r.institution.path))
    wb = Workbook()
    wb.remove(wb.active)
    # Sheets in the order of the newest rules (older years' rules are usually the same ones).
    groups = _by_rule(results[0].evaluation if results else None, results)
    tail = ["考核结果", "优惠幅度（百分点）", "同类机构存款准备金率（%）", "适用存款准备金率（%）", "审定"]
    if not groups:
        ws = wb.create_sheet("优惠存款准备金率考核")
        _header(ws, ["年度", "机构", "考核项目", *tail], [8, 28, 30, 10, 16, 20, 20, 10])
    for _code, name, group in groups:
        columns = _condition_columns(None, group)
        ws = wb.create_sheet(sheet_title(name))
        _header(
            ws,
            ["年度", "机构", "考核项目", *_condition_header(columns), *tail],
            [8, 28, 30, *[14] * (3 * len(columns)), 10, 16, 20, 20, 10],
        )
        for r in group:
            ws.append(
                [
                    r.evaluation.year,
                    r.institution.name,
                    r.rule_name,
                    *_condition_cells(r, columns),
                    RESERVE_LABELS.get(r.status, r.get_status_display()),
                    r.ratio if r.status == Result.Status.PASSED else None,
                    r.standard_ratio,
                    r.applied_ratio,
                    r.get_decision_display(),
                ]
            )
        first_tail = 4 + 3 * len(columns)
        formats = _condition_formats(4, columns)
        formats.update(
            {first_tail + 1: RATIO_FORMAT, first_tail + 2: RATIO_FORMAT, first_tail + 3: RATIO_FORMAT}
        )
        _formats(ws, formats)
    return xlsx_bytes(wb)
