"""The leading group (附件1 of the plan) from a file: `puhui import leading_group`, or the import page.

A row is one term: a person in a post, for a unit, from a date (to a date when it has ended). A post is a
*seat*: 组长 and 办公室主任 are one seat each, the other posts one seat per unit. A row for a seat whose current
holder is someone else closes that holder's term the day before (the post changes hands); a row for the
seat's current holder updates their term (*upsert*; *insert* refuses it). Rows of one seat may come in any
order: they are applied by date, so a file can carry the group's whole history.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied

from puhui.core.audit import audit_changed_bulk, snapshot
from puhui.core.models import Organisation, User
from puhui.imports.engine import MODE_CREATE, ImportResult, TableImport, by_code, run_import
from puhui.imports.tabular import Choice, Code, Column, Date, Integer, Row, TableSpec, Text
from puhui.plan.access import may_edit_leading_group
from puhui.plan.models import LeadingGroupMember

Post = LeadingGroupMember.Post
KIND = "leading_group"


def _term_in_order(values) -> list[tuple[str, str]]:
    start, end = values.get("from_date"), values.get("to_date")
    if start and end and end < start:
        return [("to_date", f"离任日期 {end} 早于任职日期 {start}")]
    return []


SPEC = TableSpec(
    name=KIND,
    title="领导小组成员",
    columns=(
        Column("person_name", "姓名", Text(40), required=True, aliases=("成员姓名",), example="张三"),
        Column(
            "post",
            "小组职务",
            Choice(
                Post.choices,
                aliases={
                    "组员": Post.MEMBER,
                    "小组成员": Post.MEMBER,
                    "办公室副主任（兼）": Post.OFFICE_DEPUTY,
                },
            ),
            required=True,
            aliases=("职务（领导小组）", "领导小组职务", "post"),
            help="组长、办公室主任各一人；副组长、成员、办公室副主任每个单位各一人",
        ),
        Column(
            "unit_code",
            "单位编码",
            Code(32),
            required=True,
            aliases=("机构编码", "所在单位编码", "unit"),
            help="所在单位的机构编码，须已在系统中（先导入机构）",
            example="PBOC",
        ),
        Column(
            "title",
            "本职职务",
            Text(100),
            aliases=("职务", "现任职务", "title"),
            example="县人民银行行长",
        ),
        Column(
            "from_date",
            "任职日期",
            Date(),
            required=True,
            aliases=("起始日期", "开始日期", "from_date"),
            help="担任该小组职务的第一天；前任的任期自动截至前一天",
        ),
        Column(
            "to_date",
            "离任日期",
            Date(),
            aliases=("截止日期", "结束日期", "to_date"),
            help="仍在任的不填；补录已离任的历史任职时填写",
        ),
        Column(
            "order",
            "排序",
            Integer(0, 999),
            default=0,
            aliases=("序号", "order"),
            help="同一职务内的排列顺序",
        ),
    ),
    unique=(("post", "person_name", "from_date"),),
    row_checks=(_term_in_order,),
    notes=(
        "一行是一段任职。某个职务换人时，只需导入新任者一行：系统把前任的离任日期设为新任者任职日期的前一天。",
        "“新增或更新”方式下，现任者本人的行更新其本职职务、排序、日期；“仅新增”方式下该行报错。",
    ),
)


def seat(post: str, unit_code: str) -> tuple[str, ...]:
    return (post,) if post in LeadingGroupMember.SINGLE_POSTS else (post, unit_code)


@dataclasses.dataclass
class LeadingGroupResult(ImportResult):
    closed: int = 0  # previous holders whose term the file's new holders ended

    @property
    def summary(self) -> str:
        text = super().summary
        if self.closed:
            text += f"；{self.closed} 位前任的任期随之结束"
        return text


@dataclasses.dataclass
class _Term:
    """A term while the file is applied: a stored row (`obj`) or a new one."""

    person_name: str
    from_date: datetime.date
    to_date: datetime.date | None
    obj: LeadingGroupMember | None = None
    row: Row | None = None


class LeadingGroupImport(TableImport):
    spec = SPEC
    model = LeadingGroupMember
    result_class = LeadingGroupResult
    exists_reason = "该成员已在系统中担任此职务；如需修改，请选择“新增或更新”方式导入"

    def check(self) -> None:
        rows = list(self.parsed.rows)
        for row in rows:
            if row.ok:
                for key, reason in self.spec.check_row(self.spec.complete(row.values)):
                    self.error(row, key, reason)
        codes = {r.values.get("unit_code") for r in rows} - {None, ""}
        self.units = by_code(Organisation.objects.values("id", "code", "name", "closed_on"), codes)
        for row in rows:
            code = row.values.get("unit_code")
            if code and code not in self.units:
                self.error(row, "unit_code", f"单位编码 {code} 在系统中不存在，请先导入机构")
        good = [r for r in rows if r.ok]
        posts = {r.values["post"] for r in good}
        stored: dict[tuple, list[_Term]] = {}
        query = LeadingGroupMember.objects.filter(post__in=posts).select_related("unit")
        for obj in query.order_by("from_date", "pk"):
            term = _Term(obj.person_name, obj.from_date, obj.to_date, obj=obj)
            stored.setdefault(seat(obj.post, obj.unit.code), []).append(term)
        by_seat: dict[tuple, list[Row]] = {}
        for row in good:
            by_seat.setdefault(seat(row.values["post"], row.values["unit_code"]), []).append(row)
        self.updates: list[tuple[LeadingGroupMember, dict[str, Any]]] = []
        self.closings: list[tuple[LeadingGroupMember, datetime.date]] = []
        self.new: list[tuple[Row, dict[str, Any], _Term]] = []
        for key, seat_rows in by_seat.items():
            terms = stored.get(key, [])
            for row in sorted(seat_rows, key=lambda r: r.values["from_date"]):
                self._apply(row, terms)

    def _apply(self, row: Row, terms: list[_Term]) -> None:
        v = self.spec.complete(row.values)
        name, start, end = v["person_name"], v["from_date"], v["to_date"]
        same = [t for t in terms if t.person_name == name and (t.from_date == start or t.to_date is None)]
        if same:
            term = same[0]
            if self.mode == MODE_CREATE or term.obj is None:
                since = f"（自 {term.from_date} 起）"
                self.error(
                    row,
                    "person_name",
                    f"{name} 已在系统中担任此职务{since}；如需修改，请选择“新增或更新”方式导入",
                )
                return
            # Columns the file leaves out keep their stored values.
            self.updates.append((term.obj, row.values))
            term.from_date = start
            term.to_date = end if "to_date" in row.values else term.to_date
            return
        current = next((t for t in terms if t.to_date is None), None)
        if current is not None and start <= current.from_date:
            if end is None or end >= current.from_date:
                self.error(
                    row,
                    "from_date",
                    f"任职日期 {start} 不晚于现任 {current.person_name}（自 {current.from_date} 起）的任职日期；"
                    "补录已离任的历史任职，请同时填写早于现任任职日期的离任日期",
                )
                return
        elif current is not None:
            # The post changes hands: the holder's term ends the day before (a new term's row reads it at write).
            current.to_date = start - datetime.timedelta(days=1)
            if current.obj is not None:
                self.closings.append((current.obj, current.to_date))
        term = _Term(name, start, end, row=row)
        terms.append(term)
        self.new.append((row, v, term))

    def write(self) -> None:
        changes: list[tuple[LeadingGroupMember, dict | None]] = []
        touched: dict[int, tuple[LeadingGroupMember, dict]] = {}
        for obj, v in self.updates:
            before = touched.get(obj.pk, (obj, snapshot(obj)))[1]
            obj.from_date = v["from_date"]
            if "to_date" in v:
                obj.to_date = v["to_date"]
            if "title" in v:
                obj.title = v["title"] or ""
            if "order" in v:
                obj.order = v["order"] or 0
            touched[obj.pk] = (obj, before)
        for obj, to_date in self.closings:
            before = touched.get(obj.pk, (obj, snapshot(obj)))[1]
            obj.to_date = to_date
            touched[obj.pk] = (obj, before)
            self.result.closed += 1
        for obj, before in touched.values():
            if snapshot(obj) == before:
                self.result.unchanged += 1
                continue
            obj.save()
            changes.append((obj, before))
            self.result.updated += 1
        created = [
            LeadingGroupMember(
                person_name=v["person_name"],
                post=v["post"],
                unit_id=self.units[v["unit_code"]]["id"],
                title=v["title"] or "",
                from_date=v["from_date"],
                to_date=term.to_date,
                order=v["order"] or 0,
            )
            for _row, v, term in self.new
        ]
        LeadingGroupMember.objects.bulk_create(created)
        changes.extend((obj, None) for obj in created)
        self.result.created = len(created)
        audit_changed_bulk(actor=self.actor, changes=changes, note=self._note())


def leading_group_import(*, actor, file, mode: str = MODE_CREATE, **kwargs) -> LeadingGroupResult:
    """Import terms of the leading group: the office and administrators, or the command line."""
    if isinstance(actor, User) and not may_edit_leading_group(actor):
        raise PermissionDenied
    return run_import(LeadingGroupImport, actor=actor, file=file, mode=mode, **kwargs)
