"""Reading and checking a plan file (YAML, or the Excel template with the same fields).

`read_plan_file` turns either format into one dict plus a `locate(path)` function that says where a
field sits in the file (YAML line, or sheet/row/column). `check_plan` reports every problem at once,
each in Chinese with its location, and resolves unit names to organisations; the service
`plan_load` writes only when there is no problem at all.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from puhui.core.models import Division, Organisation
from puhui.plan import outcomes
from puhui.plan.models import Plan, PlanUnit

MAX_FILE_BYTES = 5 * 1024 * 1024

PathT = tuple
Locate = Callable[[PathT], str]


class PlanFileError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ---------------------------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps: a bad date must become a reported problem, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _walk_nodes(node, path: PathT, lines: dict, duplicates: list):
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _walk_nodes(value_node, path + (key,), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _walk_nodes(child, path + (i,), lines, duplicates)


def format_path(path: PathT) -> str:
    """('tasks', 3, 'lead') → 'tasks[4].lead' (list positions count from 1, as people count)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "（文件）"


def read_yaml(content: bytes | str) -> tuple[dict, Locate, list[str]]:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PlanFileError(["文件不是 UTF-8 编码的文本。"]) from None
    try:
        root = yaml.compose(content, Loader=_Loader)
        data = yaml.load(content, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else "文件"
        raise PlanFileError([f"{where}：YAML 格式错误（{getattr(exc, 'problem', None) or exc}）。"]) from None
    lines: dict = {}
    duplicates: list = []
    if root is not None:
        _walk_nodes(root, (), lines, duplicates)

    def locate(path: PathT) -> str:
        for n in range(len(path), -1, -1):
            if path[:n] in lines:
                return f"第 {lines[path[:n]]} 行 {format_path(path)}"
        return format_path(path)

    problems = [f"第 {line} 行 {format_path(path)}：字段重复出现。" for path, line in duplicates]
    return data, locate, problems


# --------------------------------------------------------------------------------------------- Excel

# Sheet name → (list key, [(column header, field)]). The 方案 sheet is key/value rows instead.
PLAN_FIELDS = [
    ("县区划代码", "county"),
    ("方案名称", "title"),
    ("印发通知标题", "notice_title"),
    ("文号", "doc_number"),
    ("印发机关", "issuer"),
    ("印发日期", "issued_on"),
    ("实施开始", "starts_on"),
    ("实施结束", "ends_on"),
    ("报送周期", "report_frequency"),
    ("报送期限（工作日）", "report_due_working_days"),
]
SHEETS = {
    "单位": [
        ("称谓", "name"),
        ("全称", "full_name"),
        ("类型", "type"),
        ("机构类型", "kind"),
        ("匹配方式", "match"),
        ("领导小组成员", "leading_group"),
        ("别称", "aliases"),
    ],
    "条目": [("序号", "number"), ("篇章", "chapter"), ("标题", "title"), ("正文", "text")],
    "任务": [
        ("序号", "number"),
        ("对应条目", "section"),
        ("工作内容", "title"),
        ("牵头单位", "lead"),
        ("配合单位", "cooperating"),
    ],
    "责任目标": [
        ("任务序号", "task"),
        ("责任目标", "target"),
        ("责任单位", "units"),
        ("子项牵头单位", "lead"),
    ],
    "里程碑": [
        ("任务序号", "task"),
        ("子项", "item"),
        ("里程碑", "text"),
        ("完成日期", "due"),
        ("关联目标编码", "target"),
    ],
}
# Columns a workbook made from an earlier template may lack.
OPTIONAL_COLUMNS = {"关联目标编码"}
LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")
FREQUENCY_LABELS = {"按季度": "quarterly", "按月": "monthly", "季度": "quarterly", "月": "monthly"}
TYPE_LABELS = {label: value for value, label in PlanUnit.Type.choices}
MATCH_LABELS = {"称谓": "alias", "机构类型": "kind"}


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _split(value):
    if value is None:
        return []
    return [v for v in LIST_SEPARATORS.split(str(value)) if v]


def read_excel(content: bytes) -> tuple[dict, Locate, list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a broken file
        raise PlanFileError(["无法读取 Excel 文件（请使用 .xlsx 格式的方案模板）。"]) from None
    problems = []
    origins: dict[PathT, tuple[str, int, dict]] = {}
    data: dict = {"plan": {}, "units": [], "sections": [], "tasks": []}

    missing = [name for name in ["方案", *SHEETS] if name not in wb.sheetnames]
    if missing:
        raise PlanFileError([f"Excel 文件缺少工作表：{'、'.join(missing)}（请使用方案模板）。"])

    plan_columns = {f: "内容" for _h, f in PLAN_FIELDS}
    labels = {h: f for h, f in PLAN_FIELDS}
    origins[("plan",)] = ("方案", 1, {})
    for row_no, row in enumerate(wb["方案"].iter_rows(min_row=2, max_col=2, values_only=True), start=2):
        key, value = (_cell(v) for v in (list(row) + [None, None])[:2])
        if key is None:
            continue
        if key not in labels:
            problems.append(f"「方案」表第 {row_no} 行：未知项目“{key}”。")
            continue
        fname = labels[key]
        data["plan"][fname] = value
        origins[("plan", fname)] = ("方案", row_no, plan_columns)

    def rows(sheet: str):
        columns = SHEETS[sheet]
        ws = wb[sheet]
        it = ws.iter_rows(values_only=True)
        header = [(_cell(h) or "") for h in next(it, [])]
        index = {}
        for h, fname in columns:
            if h in header:
                index[fname] = header.index(h)
        absent = [h for h, _f in columns if h not in header and h not in OPTIONAL_COLUMNS]
        if absent:
            problems.append(f"「{sheet}」表缺少列：{'、'.join(absent)}。")
        colmap = {fname: h for h, fname in columns}
        for row_no, row in enumerate(it, start=2):
            values = {f: _cell(row[i]) if i < len(row) else None for f, i in index.items()}
            if all(v is None for v in values.values()):
                continue
            yield row_no, values, colmap

    for row_no, v, colmap in rows("单位"):
        unit = {k: val for k, val in v.items() if val is not None}
        if "type" in unit:
            unit["type"] = TYPE_LABELS.get(unit["type"], unit["type"])
        if "match" in unit:
            unit["match"] = MATCH_LABELS.get(unit["match"], unit["match"])
        if "leading_group" in unit:
            unit["leading_group"] = str(unit["leading_group"]) in {"是", "1", "True", "true", "Y"}
        if "aliases" in unit:
            unit["aliases"] = _split(unit["aliases"])
        origins[("units", len(data["units"]))] = ("单位", row_no, colmap)
        data["units"].append(unit)

    for row_no, v, colmap in rows("条目"):
        origins[("sections", len(data["sections"]))] = ("条目", row_no, colmap)
        data["sections"].append({k: val for k, val in v.items() if val is not None})

    tasks_by_number = {}
    for row_no, v, colmap in rows("任务"):
        task = {k: val for k, val in v.items() if val is not None and k != "cooperating"}
        task["cooperating"] = _split(v.get("cooperating"))
        task["items"] = []
        index = len(data["tasks"])
        origins[("tasks", index)] = ("任务", row_no, colmap)
        data["tasks"].append(task)
        tasks_by_number.setdefault(task.get("number"), index)

    for sheet, key in [("责任目标", "items"), ("里程碑", "milestones")]:
        for row_no, v, colmap in rows(sheet):
            number = v.pop("task")
            if number not in tasks_by_number:
                problems.append(
                    f"「{sheet}」表第 {row_no} 行「任务序号」：任务表中没有序号为“{number}”的任务。"
                )
                continue
            index = tasks_by_number[number]
            entry = {k: val for k, val in v.items() if val is not None}
            if "units" in entry or key == "items":
                entry["units"] = _split(v.get("units")) if key == "items" else entry.get("units")
            target_list = data["tasks"][index].setdefault(key, [])
            origins[("tasks", index, key, len(target_list))] = (sheet, row_no, colmap)
            target_list.append(entry)

    def locate(path: PathT) -> str:
        for n in range(len(path), 0, -1):
            if path[:n] in origins:
                sheet, row_no, colmap = origins[path[:n]]
                rest = path[n:]
                column = colmap.get(rest[0]) if rest and isinstance(rest[0], str) else None
                if sheet == "方案" and len(path) >= 2:
                    label = {f: h for h, f in PLAN_FIELDS}.get(path[1], path[1])
                    return f"「方案」表第 {row_no} 行「{label}」"
                where = f"「{sheet}」表第 {row_no} 行"
                return f"{where}「{column}」列" if column else where
        return format_path(path)

    return data, locate, problems


def read_plan_file(name: str, content: bytes) -> tuple[dict, Locate, list[str]]:
    if len(content) > MAX_FILE_BYTES:
        raise PlanFileError(
            [f"文件过大（{len(content) // 1024} KB），方案文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。"]
        )
    suffix = Path(name).suffix.lower()
    if suffix in {".xlsx", ".xlsm"} or content[:4] == b"PK\x03\x04":
        return read_excel(content)
    if suffix in {".yaml", ".yml", ""} or not content.startswith(b"PK"):
        return read_yaml(content)
    raise PlanFileError(["不支持的文件类型：请上传 YAML（.yaml）或 Excel 方案模板（.xlsx）。"])


# -------------------------------------------------------------------------------------------- dates

_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _month_end(year: int, month: int) -> datetime.date:
    import calendar

    return datetime.date(year, month, calendar.monthrange(year, month)[1])


_DUE_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], datetime.date]]] = [
    (
        re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
        lambda m: datetime.date(*map(int, m.groups())),
    ),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末)"), lambda m: _month_end(int(m[1]), int(m[2]))),
    (re.compile(r"(\d{4})\s*年\s*(?:上半年|年中)"), lambda m: datetime.date(int(m[1]), 6, 30)),
    (re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末|全年|内)"), lambda m: datetime.date(int(m[1]), 12, 31)),
    (
        re.compile(r"(?:到|至|于|力争|争取|确保)\s*(\d{4})\s*年(?!\s*\d{1,2}\s*月)"),
        lambda m: datetime.date(int(m[1]), 12, 31),
    ),
]


def parse_due_dates(text: str) -> list[datetime.date]:
    """The deadlines a target's text names: "到2020年底" → 2020-12-31, "2021年6月底" → 2021-06-30.

    A bare year is a deadline only after 到/力争/确保…, so "比2019年同期" is not one.
    """
    found: dict[int, datetime.date] = {}
    for pattern, make in _DUE_PATTERNS:
        for m in pattern.finditer(text):
            if m.start(1) in found:
                continue  # the same year already matched by a more specific pattern
            try:
                found[m.start(1)] = make(m)
            except ValueError:
                continue
    return [found[k] for k in sorted(found)]


# ------------------------------------------------------------------------------------------ checking


@dataclass
class UnitSpec:
    name: str
    type: str
    organisation: Organisation | None
    leading_group: bool
    order: int


@dataclass
class CheckedPlan:
    plan: dict
    county: Division | None
    units: list[UnitSpec] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)


PLAN_KEYS = {f for _h, f in PLAN_FIELDS}
UNIT_KEYS = {"name", "full_name", "type", "kind", "match", "leading_group", "aliases"}
SECTION_KEYS = {"number", "chapter", "title", "text"}
TASK_KEYS = {"number", "section", "title", "lead", "cooperating", "items", "milestones"}
ITEM_KEYS = {"target", "units", "lead"}
MILESTONE_KEYS = {"text", "item", "due", "target"}
KIND_LABELS = {label: value for value, label in Organisation.Kind.choices}
KIND_VALUES = set(Organisation.Kind.values)


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


class _Check:
    """One pass over a plan file: every problem with its place in the file, and the plan it describes."""

    def __init__(self, data: dict, locate: Locate):
        self.data, self.locate = data, locate
        self.problems: list[str] = []
        self.spec = CheckedPlan(plan={}, county=None)
        self.names: dict[str, int] = {}  # name or alias → index into spec.units
        self.section_numbers: set[int] = set()
        self.task_numbers: set[int] = set()

    def problem(self, path: PathT, message: str):
        self.problems.append(f"{self.locate(path)}：{message}")

    def as_list(self, key) -> list:
        value = self.data.get(key)
        if value is None:
            if key != "sections":
                self.problem((key,), "缺少此项。")
            return []
        if not isinstance(value, list):
            self.problem((key,), "应为列表。")
            return []
        return value

    def as_int(self, value, path, label, minimum=0):
        if isinstance(value, bool) or value is None:
            self.problem(path, f"缺少{label}。" if value is None else f"{label}应为整数。")
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            self.problem(path, f"{label}应为整数，而不是“{value}”。")
            return None
        if number < minimum:
            self.problem(path, f"{label}不能小于 {minimum}。")
            return None
        return number

    def unknown_keys(self, entry: dict, allowed: set, path: PathT):
        for key in entry:
            if key not in allowed:
                self.problem(path + (key,), f"未知字段“{key}”。")

    def unit_ref(self, value, path: PathT, *, lead: bool = False) -> int | None:
        name = _text(value)
        if not name:
            self.problem(path, "缺少牵头单位。" if lead else "单位称谓为空。")
            return None
        if name not in self.names:
            self.problem(path, f"未知单位“{name}”（units 中没有此称谓）。")
            return None
        index = self.names[name]
        if lead and self.spec.units[index].type != PlanUnit.Type.ORGANISATION:
            self.problem(path, f"“{name}”不能作为牵头单位（牵头单位必须是平台中的具体单位）。")
            return None
        return index

    def plan(self):
        """The plan block: county, title, 文号, dates, reporting settings; a 文号 already loaded is refused."""
        plan = self.data.get("plan")
        if not isinstance(plan, dict):
            self.problem(("plan",), "缺少 plan（方案的名称、文号、日期）或格式不对。")
            plan = {}
        self.unknown_keys(plan, PLAN_KEYS, ("plan",))
        county_code = _text(plan.get("county"))
        if not county_code:
            self.problem(("plan", "county"), "缺少县的区划代码。")
        else:
            self.spec.county = (
                Division.objects.filter(level=Division.Level.COUNTY, code__startswith=county_code[:6]).first()
                if county_code[:6].isdigit()
                else None
            )
            if self.spec.county is None:
                self.problem(("plan", "county"), f"平台中没有区划代码为“{county_code}”的县。")
        for key, label in [("title", "方案名称"), ("doc_number", "文号")]:
            if not _text(plan.get(key)):
                self.problem(("plan", key), f"缺少{label}。")
            self.spec.plan[key] = _text(plan.get(key))
        for key in ["notice_title", "issuer"]:
            self.spec.plan[key] = _text(plan.get(key))
        for key, label in [
            ("issued_on", "印发日期"),
            ("starts_on", "实施开始日期"),
            ("ends_on", "实施结束日期"),
        ]:
            value = plan.get(key)
            day = parse_date(value)
            if value is None:
                self.problem(("plan", key), f"缺少{label}。")
            elif day is None:
                self.problem(("plan", key), f"{label}“{value}”不是有效日期（应为 YYYY-MM-DD）。")
            self.spec.plan[key] = day
        if (
            self.spec.plan.get("starts_on")
            and self.spec.plan.get("ends_on")
            and self.spec.plan["starts_on"] > self.spec.plan["ends_on"]
        ):
            self.problem(("plan", "ends_on"), "实施结束日期早于开始日期。")
        frequency = _text(plan.get("report_frequency")) or Plan.Frequency.QUARTERLY
        frequency = FREQUENCY_LABELS.get(frequency, frequency)
        if frequency not in Plan.Frequency.values:
            self.problem(
                ("plan", "report_frequency"),
                f"报送周期“{frequency}”无效（可选 quarterly 按季度、monthly 按月）。",
            )
        self.spec.plan["report_frequency"] = frequency
        due_days = plan.get("report_due_working_days", 10)
        due_days = self.as_int(due_days, ("plan", "report_due_working_days"), "报送期限（工作日）")
        if due_days is not None and due_days > 60:
            self.problem(("plan", "report_due_working_days"), "报送期限不能超过 60 个工作日。")
        self.spec.plan["report_due_working_days"] = due_days
        if (
            self.spec.county
            and self.spec.plan["doc_number"]
            and Plan.objects.filter(county=self.spec.county, doc_number=self.spec.plan["doc_number"]).exists()
        ):
            self.problem(
                ("plan", "doc_number"),
                f"文号为“{self.spec.plan['doc_number']}”的方案已经导入，不能重复导入。",
            )

    def units(self):
        """The units: names and aliases, each resolved to an organisation on the platform."""
        for i, entry in enumerate(self.as_list("units")):
            path = ("units", i)
            if not isinstance(entry, dict):
                self.problem(path, "应为包含 name 等字段的映射。")
                continue
            self.unknown_keys(entry, UNIT_KEYS, path)
            name = _text(entry.get("name"))
            if not name:
                self.problem(path + ("name",), "缺少单位称谓。")
                continue
            utype = _text(entry.get("type")) or PlanUnit.Type.ORGANISATION
            if utype not in PlanUnit.Type.values:
                self.problem(
                    path + ("type",), f"类型“{utype}”无效（可选 organisation、all_institutions、external）。"
                )
                continue
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list):
                self.problem(path + ("aliases",), "别称应为列表。")
                aliases = []
            for alias in [name, *map(_text, aliases)]:
                if alias in self.names:
                    self.problem(path + ("name",), f"单位称谓“{alias}”重复。")
                self.names[alias] = len(self.spec.units)
            organisation = None
            kind = _text(entry.get("kind"))
            kind = KIND_LABELS.get(kind, kind)
            if kind and kind not in KIND_VALUES:
                self.problem(path + ("kind",), f"机构类型“{kind}”无效。")
                kind = ""
            if utype == PlanUnit.Type.ORGANISATION:
                match = _text(entry.get("match")) or "alias"
                if match not in {"alias", "kind"}:
                    self.problem(path + ("match",), f"匹配方式“{match}”无效（可选 alias、kind）。")
                organisation = _resolve_unit(
                    name, kind, match, self.spec.county, lambda msg, p=path: self.problem(p + ("name",), msg)
                )
            self.spec.units.append(
                UnitSpec(
                    name=name,
                    type=utype,
                    organisation=organisation,
                    leading_group=bool(entry.get("leading_group")),
                    order=len(self.spec.units),
                )
            )

    def sections(self):
        for i, entry in enumerate(self.as_list("sections")):
            path = ("sections", i)
            if not isinstance(entry, dict):
                self.problem(path, "应为包含 number、title、text 的映射。")
                continue
            self.unknown_keys(entry, SECTION_KEYS, path)
            number = self.as_int(entry.get("number"), path + ("number",), "条目序号", minimum=1)
            if number is not None:
                if number in self.section_numbers:
                    self.problem(path + ("number",), f"条目序号 {number} 重复。")
                self.section_numbers.add(number)
            if not _text(entry.get("title")):
                self.problem(path + ("title",), "缺少条目标题。")
            self.spec.sections.append(
                {
                    "number": number,
                    "chapter": _text(entry.get("chapter")),
                    "title": _text(entry.get("title")),
                    "text": _text(entry.get("text")),
                }
            )

    def tasks(self):
        for i, entry in enumerate(self.as_list("tasks")):
            self.task(i, entry)

    def task(self, i: int, entry):
        """One task: number, 条目, title, lead and co-operating units, 附件2's items, milestones."""
        path = ("tasks", i)
        if not isinstance(entry, dict):
            self.problem(path, "应为包含 number、title、lead 等字段的映射。")
            return
        self.unknown_keys(entry, TASK_KEYS, path)
        number = self.as_int(entry.get("number"), path + ("number",), "任务序号", minimum=1)
        if number is not None:
            if number in self.task_numbers:
                self.problem(path + ("number",), f"任务序号 {number} 重复。")
            self.task_numbers.add(number)
        section = entry.get("section")
        if section is not None:
            section = self.as_int(section, path + ("section",), "对应条目序号", minimum=1)
            if section is not None and section not in self.section_numbers:
                self.problem(path + ("section",), f"sections 中没有序号为 {section} 的条目。")
        title = _text(entry.get("title"))
        if not title:
            self.problem(path + ("title",), "缺少工作内容。")
        lead = self.unit_ref(entry.get("lead"), path + ("lead",), lead=True)
        cooperating = self.cooperating(path, entry, lead)
        items, n_items = self.items(path, entry, lead)
        milestones = self.milestones(path, entry, n_items)
        self.spec.tasks.append(
            {
                "number": number,
                "section": section,
                "title": title,
                "lead": lead,
                "cooperating": cooperating,
                "items": items,
                "milestones": milestones,
            }
        )

    def cooperating(self, path: PathT, entry: dict, lead: int | None) -> list[int]:
        cooperating: list[int] = []
        coop_values = entry.get("cooperating") or []
        if not isinstance(coop_values, list):
            self.problem(path + ("cooperating",), "配合单位应为列表。")
            coop_values = []
        for j, value in enumerate(coop_values):
            ref = self.unit_ref(value, path + ("cooperating", j))
            if ref is None:
                continue
            if ref == lead:
                self.problem(path + ("cooperating", j), f"“{_text(value)}”已是牵头单位，不能同时是配合单位。")
            elif ref in cooperating:
                self.problem(path + ("cooperating", j), f"配合单位“{_text(value)}”重复。")
            else:
                cooperating.append(ref)
        return cooperating

    def items(self, path: PathT, entry: dict, lead: int | None) -> tuple[list[dict], int]:
        """附件2's rows: target, responsible units and the row's lead; (items, how many rows were given)."""
        items = []
        item_values = entry.get("items") or []
        if not isinstance(item_values, list) or not item_values:
            self.problem(path + ("items",), "至少需要一条责任目标（items）。")
            item_values = []
        for j, item in enumerate(item_values):
            ipath = path + ("items", j)
            if not isinstance(item, dict):
                self.problem(ipath, "应为包含 target、units 的映射。")
                continue
            self.unknown_keys(item, ITEM_KEYS, ipath)
            target = _text(item.get("target"))
            if not target:
                self.problem(ipath + ("target",), "缺少责任目标。")
            unit_values = item.get("units") or []
            if not isinstance(unit_values, list) or not unit_values:
                self.problem(ipath + ("units",), "缺少责任单位。")
                unit_values = []
            units: list[int] = []
            for k, value in enumerate(unit_values):
                ref = self.unit_ref(value, ipath + ("units", k))
                if ref is None:
                    continue
                if ref in units:
                    self.problem(ipath + ("units", k), f"责任单位“{_text(value)}”重复。")
                else:
                    units.append(ref)
            item_lead = None
            if item.get("lead") is not None:
                item_lead = self.unit_ref(item.get("lead"), ipath + ("lead",), lead=True)
                if item_lead is not None and item_lead not in units:
                    units.insert(0, item_lead)
            elif lead is not None and lead in units:
                item_lead = lead
            elif len(units) == 1 and self.spec.units[units[0]].type == PlanUnit.Type.ORGANISATION:
                item_lead = units[0]
            elif units:
                self.problem(ipath + ("units",), "无法确定该责任目标的牵头单位：请用 lead 指明。")
            items.append({"target": target, "units": units, "lead": item_lead})
        return items, len(item_values)

    def milestones(self, path: PathT, entry: dict, n_items: int) -> list[dict]:
        """Milestones: text, the item they belong to, and a due date given or read from the text."""
        milestones = []
        milestone_values = entry.get("milestones") or []
        if not isinstance(milestone_values, list):
            self.problem(path + ("milestones",), "里程碑应为列表。")
            milestone_values = []
        for j, ms in enumerate(milestone_values):
            mpath = path + ("milestones", j)
            if not isinstance(ms, dict):
                self.problem(mpath, "应为包含 text、due 的映射。")
                continue
            self.unknown_keys(ms, MILESTONE_KEYS, mpath)
            text = _text(ms.get("text"))
            if not text:
                self.problem(mpath + ("text",), "缺少里程碑内容。")
            item_no = None
            if ms.get("item") is not None:
                item_no = self.as_int(ms.get("item"), mpath + ("item",), "子项序号", minimum=1)
                if item_no is not None and item_no > n_items:
                    self.problem(mpath + ("item",), f"该任务只有 {n_items} 条责任目标，没有第 {item_no} 条。")
                    item_no = None
            due_value = ms.get("due")
            if due_value is not None:
                due = parse_date(due_value)
                if due is None:
                    self.problem(mpath + ("due",), f"完成日期“{due_value}”不是有效日期（应为 YYYY-MM-DD）。")
            else:
                dates = parse_due_dates(text)
                due = dates[0] if len(set(dates)) == 1 else None
                if not dates:
                    self.problem(
                        mpath + ("text",), "文字中没有可识别的完成时间（如“到2021年底”），请填写 due。"
                    )
                elif len(set(dates)) > 1:
                    self.problem(mpath + ("text",), "文字中有多个完成时间，请用 due 指明。")
            milestones.append({"text": text, "item": item_no, "due": due, "target": self.target(ms, mpath)})
        return milestones

    def target(self, ms: dict, mpath: PathT) -> str:
        """The code of the quantitative target the milestone restates (the data app's current target), or ""."""
        code = _text(ms.get("target"))
        if code:
            try:
                outcomes.validate_target_code(code)
            except ValidationError as exc:
                self.problem(mpath + ("target",), "；".join(exc.messages))
                return ""
        return code


def check_plan(data, locate: Locate) -> tuple[list[str], CheckedPlan | None]:
    """Every problem in the file, and the plan resolved against the database when there are none."""
    if not isinstance(data, dict):
        return ["文件内容应为一个包含 plan、units、sections、tasks 的映射。"], None
    check = _Check(data, locate)
    for key in data:
        if key not in {"plan", "units", "sections", "tasks"}:
            check.problem((key,), f"未知字段“{key}”。")
    check.plan()
    check.units()
    check.sections()
    check.tasks()
    if not check.spec.tasks and isinstance(data.get("tasks"), list):
        check.problem(("tasks",), "方案中没有任务。")
    return check.problems, (check.spec if not check.problems else None)


def _resolve_unit(name: str, kind: str, match: str, county, problem) -> Organisation | None:
    candidates = list(Organisation.objects.filter(plan_alias=name)[:3])
    if not candidates and match == "kind" and kind:
        candidates = list(
            Organisation.objects.filter(
                kind=kind,
                level__in=[Organisation.Level.HEAD_OFFICE, Organisation.Level.BRANCH],
                closed_on__isnull=True,
            )[:3]
        )
        if not candidates:
            problem(f"平台中没有类型为“{Organisation.Kind(kind).label}”的机构可对应“{name}”。")
            return None
    if not candidates:
        problem(f"未知单位“{name}”：没有机构的“方案中的称谓”是“{name}”（请在机构资料中设置）。")
        return None
    if len(candidates) > 1:
        problem(f"“{name}”对应多个机构（{'、'.join(c.name for c in candidates)}），无法确定。")
        return None
    org = candidates[0]
    if kind and org.kind != kind:
        problem(f"“{name}”对应的机构“{org.name}”类型为{org.get_kind_display()}，与文件中的类型不符。")
        return None
    return org
