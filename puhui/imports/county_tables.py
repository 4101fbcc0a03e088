"""The county's own tables: divisions and organisations (the registers every other import refers to)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from puhui.core.audit import audit_changed_bulk, snapshot
from puhui.core.models import Division, Organisation
from puhui.imports.engine import (
    MODE_CREATE,
    TableImport,
    bulk_update_changed,
    by_code,
    chunks,
    run_import,
)
from puhui.imports.specs import (
    DIVISIONS,
    LEVEL_LABELS,
    LEVEL_OF_KIND,
    LEVEL_RANK,
    ORG_LEVEL_LABELS,
    ORGANISATIONS,
    PARENT_LEVEL,
)

_UNKNOWN = object()
_UPDATE_BATCH = 200


# ---------------------------------------------------------------- divisions


class DivisionImport(TableImport):
    spec = DIVISIONS
    model = Division
    exists_reason = "区划代码已存在于系统中；如需修改，请选择“新增或更新”方式导入"
    FIELDS = [
        "name",
        "level",
        "kind",
        "parent_id",
        "population",
        "households",
        "farm_households",
        "longitude",
        "latitude",
    ]

    def current_values(self, d: Division) -> dict[str, Any]:
        return {
            "code": d.code,
            "name": d.name,
            "kind": d.kind,
            "parent_code": d.parent.code if d.parent_id else None,
            "population": d.population,
            "households": d.households,
            "farm_households": d.farm_households,
            "longitude": d.longitude,
            "latitude": d.latitude,
        }

    def check(self) -> None:
        self.existing = by_code(Division.objects.select_related("parent"), self.codes)
        self._merge()
        self.refs = by_code(
            Division.objects.values("id", "code", "level"), self._referenced("parent_code") - self.codes
        )
        known = self.codes | set(self.refs)
        for row, values in self.rejected:
            if self.unknown_reference(row, values, "parent_code", known):
                self.error(
                    row,
                    "parent_code",
                    f"上级区划代码 {values['parent_code']} 不存在（系统中和本文件中都没有）",
                )
        for row, _ex, values in self.plan:
            level = LEVEL_OF_KIND[values["kind"]]
            parent_code = values["parent_code"]
            if not parent_code:
                continue
            parent_level = self._level_of(parent_code)
            if parent_level is _UNKNOWN:
                self.error(row, "parent_code", f"上级区划代码 {parent_code} 不存在（系统中和本文件中都没有）")
            elif parent_level is not None and parent_level != PARENT_LEVEL[level]:
                self.error(
                    row,
                    "parent_code",
                    f"上级区划 {parent_code} 是{LEVEL_LABELS[parent_level]}级；"
                    f"{LEVEL_LABELS[level]}的上级应为{LEVEL_LABELS[PARENT_LEVEL[level]]}",
                )
        # A stored division changing level would strand its stored children at the wrong level.
        changed = {
            ex.pk: row for row, ex, v in self.plan if ex is not None and ex.level != LEVEL_OF_KIND[v["kind"]]
        }
        if changed:
            reported = set()
            children = Division.objects.filter(parent_id__in=changed).exclude(code__in=self.codes)
            for parent_id, child in children.values_list("parent_id", "code"):
                if parent_id not in reported:
                    reported.add(parent_id)
                    self.error(
                        changed[parent_id], "kind", f"该区划下已有下级区划（如 {child}），不能改变层级"
                    )

    def _level_of(self, code: str):
        """The parent's level after this import; None if its own row is in error (reported there)."""
        if code in self.merged:
            return LEVEL_OF_KIND[self.merged[code]["kind"]]
        if code in self.existing and self.mode == MODE_CREATE:
            return self.existing[code].level  # its row is refused, the stored division stays as it is
        if code in self.file_rows:
            return None  # its own row is in error and reported there
        if code in self.refs:
            return self.refs[code]["level"]
        return _UNKNOWN

    def write(self) -> None:
        ids = {code: ref["id"] for code, ref in self.refs.items()}
        ids.update({code: ex.pk for code, ex in self.existing.items()})
        order = {Division.Level.COUNTY: 0, Division.Level.TOWN: 1, Division.Level.VILLAGE: 2}
        changes: list[tuple[Division, dict | None]] = []
        updated: list[Division] = []
        # Parents before children: a level's rows are created once the level above has its ids.
        for rank in range(3):
            new = []
            for _row, ex, v in self.plan:
                level = LEVEL_OF_KIND[v["kind"]]
                if order[level] != rank:
                    continue
                fields = {
                    "name": v["name"],
                    "level": level,
                    "kind": v["kind"],
                    "parent_id": ids[v["parent_code"]] if v["parent_code"] else None,
                    "population": v["population"] or 0,
                    "households": v["households"] or 0,
                    "farm_households": v["farm_households"] or 0,
                    "longitude": v["longitude"],
                    "latitude": v["latitude"],
                }
                if ex is None:
                    new.append(Division(code=v["code"], **fields))
                    continue
                before = snapshot(ex)
                for name, value in fields.items():
                    setattr(ex, name, value)
                if snapshot(ex) == before:
                    self.result.unchanged += 1
                else:
                    updated.append(ex)
                    changes.append((ex, before))
            Division.objects.bulk_create(new, batch_size=500)
            for obj in new:
                ids[obj.code] = obj.pk
                changes.append((obj, None))
            self.result.created += len(new)
        bulk_update_changed(Division, changes)
        self.result.updated = len(updated)
        audit_changed_bulk(actor=self.actor, changes=changes, note=self._note())


# ---------------------------------------------------------------- organisations


class OrganisationImport(TableImport):
    spec = ORGANISATIONS
    model = Organisation
    exists_reason = "机构编码已存在于系统中；如需修改，请选择“新增或更新”方式导入"
    FIELDS = [
        "name",
        "short_name",
        "kind",
        "level",
        "parent_id",
        "uscc",
        "division_id",
        "address",
        "opened_on",
        "closed_on",
        "is_county_legal_person",
        "is_new_rural_institution",
        "has_sannong_division",
        "is_leading_group_member",
        "plan_alias",
    ]
    FLAGS = [
        "is_county_legal_person",
        "is_new_rural_institution",
        "has_sannong_division",
        "is_leading_group_member",
    ]

    def current_values(self, o: Organisation) -> dict[str, Any]:
        values = {
            "code": o.code,
            "name": o.name,
            "short_name": o.short_name,
            "kind": o.kind,
            "level": o.level,
            "parent_code": o.parent.code if o.parent_id else None,
            "uscc": o.uscc,
            "division_code": o.division.code if o.division_id else None,
            "address": o.address,
            "opened_on": o.opened_on,
            "closed_on": o.closed_on,
            "plan_alias": o.plan_alias,
        }
        values.update({flag: getattr(o, flag) for flag in self.FLAGS})
        return values

    def check(self) -> None:
        self.existing = by_code(Organisation.objects.select_related("parent", "division"), self.codes)
        self._merge()
        parent_codes = self._referenced("parent_code") - self.codes
        self.refs = by_code(Organisation.objects.values("id", "code", "level", "path"), parent_codes)
        division_codes = self._referenced("division_code")
        self.division_ids = {
            code: d["id"]
            for code, d in by_code(Division.objects.values("id", "code"), division_codes).items()
        }
        known = self.codes | set(self.refs)
        for row, values in self.rejected:
            if self.unknown_reference(row, values, "parent_code", known):
                self.error(
                    row,
                    "parent_code",
                    f"上级机构编码 {values['parent_code']} 不存在（系统中和本文件中都没有）",
                )
            if self.unknown_reference(row, values, "division_code", self.division_ids):
                self.error(
                    row,
                    "division_code",
                    f"所在区划代码 {values['division_code']} 在系统中不存在，请先导入行政区划",
                )
        for row, _ex, v in self.plan:
            if v["division_code"] and v["division_code"] not in self.division_ids:
                self.error(
                    row,
                    "division_code",
                    f"所在区划代码 {v['division_code']} 在系统中不存在，请先导入行政区划",
                )
            parent_code = v["parent_code"]
            if not parent_code:
                continue
            parent_level = self._level_of(parent_code)
            if parent_level is _UNKNOWN:
                self.error(row, "parent_code", f"上级机构编码 {parent_code} 不存在（系统中和本文件中都没有）")
            elif parent_level == Organisation.Level.OUTLET:
                self.error(row, "parent_code", f"上级机构 {parent_code} 是网点，网点下不能再设下级机构")
            elif parent_level is not None and LEVEL_RANK[v["level"]] < LEVEL_RANK[parent_level]:
                self.error(
                    row,
                    "level",
                    f"层级“{ORG_LEVEL_LABELS[v['level']]}”高于上级机构 {parent_code} 的层级“{ORG_LEVEL_LABELS[parent_level]}”",
                )
        self._check_cycles()
        self._check_stored_children()

    def _level_of(self, code: str):
        if code in self.merged:
            return self.merged[code]["level"]
        if code in self.existing and self.mode == MODE_CREATE:
            return self.existing[code].level  # its row is refused, the stored organisation stays as it is
        if code in self.file_rows:
            return None  # its own row is in error and reported there
        if code in self.refs:
            return self.refs[code]["level"]
        return _UNKNOWN

    def _check_cycles(self) -> None:
        """A parent chain must end at a root; it may run through stored organisations not in the file."""
        final_parent = {code: v["parent_code"] for code, v in self.merged.items()}
        path_pks = {int(pk) for ref in self.refs.values() for pk in ref["path"].strip("/").split("/") if pk}
        code_of = {
            pk: code
            for chunk in chunks(path_pks)
            for pk, code in Organisation.objects.filter(pk__in=chunk).values_list("pk", "code")
        }

        def stored_ancestors(code: str) -> list[str]:
            pks = [int(pk) for pk in self.refs[code]["path"].strip("/").split("/") if pk][:-1]
            return [code_of[pk] for pk in reversed(pks) if pk in code_of]

        for code in final_parent:
            seen = {code}
            current = final_parent[code]
            cycle = False
            while current:
                if current == code:
                    cycle = True
                    break
                if current in seen:
                    break  # a loop elsewhere; its own rows report it
                seen.add(current)
                if current in final_parent:
                    current = final_parent[current]
                elif current in self.codes or current not in self.refs:
                    break  # a row in error, or an unknown code (already reported)
                else:
                    # Stored organisations not in the file keep their parents: jump to the nearest one that moves.
                    nxt = None
                    for ancestor in stored_ancestors(current):
                        if ancestor in final_parent or ancestor in self.codes:
                            nxt = ancestor
                            break
                    if nxt is not None and nxt not in final_parent:
                        break
                    current = nxt
            if cycle:
                self.error(
                    self.file_rows[code], "parent_code", f"上级机构关系形成循环：{code} 最终隶属于它自己"
                )

    def _check_stored_children(self) -> None:
        """A stored organisation whose level changes must still sit above its stored children."""
        changed = {
            ex.pk: (row, v["level"]) for row, ex, v in self.plan if ex is not None and ex.level != v["level"]
        }
        if not changed:
            return
        reported = set()
        children = Organisation.objects.filter(parent_id__in=changed).exclude(code__in=self.codes)
        for parent_id, child, child_level in children.values_list("parent_id", "code", "level"):
            row, level = changed[parent_id]
            if parent_id in reported:
                continue
            if level == Organisation.Level.OUTLET or LEVEL_RANK[child_level] < LEVEL_RANK[level]:
                reported.add(parent_id)
                self.error(
                    row,
                    "level",
                    f"该机构下已有下级机构（如 {child}，{ORG_LEVEL_LABELS[child_level]}），不能改为此层级",
                )

    def write(self) -> None:
        ids = {code: ref["id"] for code, ref in self.refs.items()}
        ids.update({code: ex.pk for code, ex in self.existing.items()})
        depth: dict[str, int] = {}

        def depth_of(code: str) -> int:
            if code not in depth:
                parent = self.merged[code]["parent_code"]
                depth[code] = depth_of(parent) + 1 if parent in self.merged else 0
            return depth[code]

        plan = sorted(self.plan, key=lambda p: depth_of(p[0].values["code"]))
        changes: list[tuple[Organisation, dict | None]] = []
        updated: list[Organisation] = []
        created: list[Organisation] = []
        moved: dict[int, str] = {}  # pk → old path, for organisations whose parent changes
        for d in sorted(set(depth.values())):
            new = []
            for _row, ex, v in plan:
                if depth[v["code"]] != d:
                    continue
                fields = {
                    "name": v["name"],
                    "short_name": v["short_name"] or "",
                    "kind": v["kind"],
                    "level": v["level"],
                    "parent_id": ids[v["parent_code"]] if v["parent_code"] else None,
                    "uscc": v["uscc"] or "",
                    "division_id": self.division_ids[v["division_code"]] if v["division_code"] else None,
                    "address": v["address"] or "",
                    "opened_on": v["opened_on"],
                    "closed_on": v["closed_on"],
                    "plan_alias": v["plan_alias"] or "",
                }
                fields.update({flag: bool(v[flag]) for flag in self.FLAGS})
                if ex is None:
                    new.append(Organisation(code=v["code"], path="", **fields))
                    continue
                before = snapshot(ex)
                if fields["parent_id"] != ex.parent_id:
                    moved[ex.pk] = ex.path
                for name, value in fields.items():
                    setattr(ex, name, value)
                if snapshot(ex) == before:
                    self.result.unchanged += 1
                else:
                    updated.append(ex)
                    changes.append((ex, before))
            Organisation.objects.bulk_create(new, batch_size=500)
            for obj in new:
                ids[obj.code] = obj.pk
                changes.append((obj, None))
            created.extend(new)
        bulk_update_changed(Organisation, changes)
        self._recompute_paths(created, updated, moved)
        self.result.created = len(created)
        self.result.updated = len(updated)
        audit_changed_bulk(actor=self.actor, changes=changes, note=self._note())

    def _recompute_paths(
        self, created: list[Organisation], updated: list[Organisation], moved: dict[int, str]
    ) -> None:
        """New paths for new organisations and for every moved subtree (the rule of `organisation_update`)."""
        parent_of: dict[int, int | None] = {}
        old_path: dict[int, str] = {}
        if moved:
            subtree = Q()
            for path in moved.values():
                subtree |= Q(path__startswith=path)
            for pk, parent_id, path in Organisation.objects.filter(subtree).values_list(
                "pk", "parent_id", "path"
            ):
                parent_of[pk] = parent_id
                old_path[pk] = path
        in_memory = {obj.pk: obj for obj in (*created, *updated)}
        for obj in created:
            parent_of[obj.pk] = obj.parent_id
        for obj in updated:
            if obj.pk in parent_of:
                parent_of[obj.pk] = obj.parent_id
        outside = {p for p in parent_of.values() if p is not None and p not in parent_of}
        fixed = {
            pk: path
            for chunk in chunks(outside)
            for pk, path in Organisation.objects.filter(pk__in=chunk).values_list("pk", "path")
        }
        new_path: dict[int, str] = {}

        def path_of(pk: int) -> str:
            if pk not in new_path:
                parent = parent_of[pk]
                prefix = (
                    "/" if parent is None else (path_of(parent) if parent in parent_of else fixed[parent])
                )
                new_path[pk] = f"{prefix}{pk}/"
            return new_path[pk]

        stored_only = []
        for pk in parent_of:
            path = path_of(pk)
            if pk in in_memory:
                in_memory[pk].path = path
            elif old_path.get(pk) != path:
                stored_only.append(Organisation(pk=pk, path=path))
        to_save = [obj for obj in in_memory.values() if obj.pk in parent_of]
        Organisation.objects.bulk_update([*to_save, *stored_only], ["path"], batch_size=_UPDATE_BATCH)
        self.result.moved_descendants = len(stored_only)


def division_import(**kwargs):
    return run_import(DivisionImport, **kwargs)


def organisation_import(**kwargs):
    return run_import(OrganisationImport, **kwargs)
