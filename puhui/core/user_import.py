"""Users in bulk (`puhui import users`, the import page): town officials, the agents of the villages with their
villages, the staff of the office, member units and banks — one row per account, upserted by username.

New accounts get a generated initial password and must change it at first login (`must_change_password`,
puhui/core/security.py). The passwords leave the import once: on the page as a sealed Excel the importing
administrator downloads once (`puhui.core.password_sheets`), on the command line printed by `puhui import`.
Only the administrator (`access.can_manage_users`) imports users; the command line acts for the county.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from django.contrib.auth.hashers import get_hasher, make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError

from puhui.core import password_sheets
from puhui.core.access import can_manage_users
from puhui.core.audit import audit_changed_bulk, audit_record, snapshot
from puhui.core.models import AuditLog, Division, Organisation, User
from puhui.core.services import generate_password
from puhui.core.validators import validate_mobile
from puhui.imports.engine import MODE_CREATE, ImportResult, TableImport, by_code, chunks, run_import
from puhui.imports.tabular import (
    Boolean,
    CellError,
    Choice,
    Code,
    Column,
    DivisionCode,
    Parser,
    Row,
    TableSpec,
    Text,
    _nfkc,
)

Role = User.Role
KIND = "users"
# Farmers' own accounts hang on their household and are made one by one on 用户管理; not in bulk.
IMPORTED_ROLES = [r for r in Role if r != Role.PUBLIC]
ORG_ROLES = frozenset({Role.OFFICE, Role.MEMBER_UNIT, Role.INSTITUTION})
ROLE_ALIASES = {
    "办公室": Role.OFFICE,
    "人民银行": Role.OFFICE,
    "成员": Role.MEMBER_UNIT,
    "银行": Role.INSTITUTION,
    "金融机构用户": Role.INSTITUTION,
    "镇": Role.TOWN,
    "街道": Role.TOWN,
    "镇街": Role.TOWN,
    "镇街道": Role.TOWN,
    "镇(街道)干部": Role.TOWN,
    "代办员": Role.AGENT,
    "村代办员": Role.AGENT,
    "村级代办员": Role.AGENT,
    "管理员": Role.ADMIN,
}
# Column → (the roles that fill it, its empty value).
ANCHORS = {
    "organisation_code": (ORG_ROLES, None),
    "town_code": (frozenset({Role.TOWN, Role.AGENT}), None),
    "village_codes": (frozenset({Role.AGENT}), ()),
}
VILLAGE_SEPARATORS = re.compile(r"[、,，;；\s]+")
# Initial passwords are 16 random characters (about 98 bits) and live until the first login, where the user
# must replace them (the new one is hashed with Argon2). Argon2 here costs ~1 s a password on the county's
# server, PBKDF2 at 20,000 rounds ~35 ms (measured on the shared 2-core machine): 11 and 0.4 minutes for 648
# agents. A 98-bit random secret cannot be guessed from any salted hash, slow or not, so the rounds only
# keep a stolen hash from being tried cheaply: 2,000 of them (~2 s for 648 agents).
INITIAL_PASSWORD_ITERATIONS = 2_000


class Username(Text):
    label = "用户名"
    number_format = "@"

    def __init__(self):
        super().__init__(150)
        self.validator = UnicodeUsernameValidator()

    def __call__(self, value: Any) -> str:
        text = super().__call__(_nfkc(self._text(value)))
        try:
            self.validator(text)
        except ValidationError:
            raise CellError("用户名只能包含字母、数字、汉字和 @ . + - _，不能有空格") from None
        return text

    def describe(self) -> str:
        return "字母、数字、汉字和 @ . + - _，不超过 150 个字符"


class VillageCodes(Parser):
    """One or more 12-digit village codes in one cell, separated by 、 , ， ; or spaces."""

    label = "村代码"
    number_format = "@"

    def __call__(self, value: Any) -> tuple[str, ...]:
        one = DivisionCode()
        text = one._text(value) if isinstance(value, float) else str(value)
        codes: list[str] = []
        for part in VILLAGE_SEPARATORS.split(_nfkc(text)):
            if not part:
                continue
            try:
                code = one(part)
            except CellError as e:
                raise CellError(f"“{part}”：{e.reason}") from None
            if code in codes:
                raise CellError(f"村代码 {code} 重复填写")
            codes.append(code)
        if not codes:
            raise CellError("没有村代码")
        return tuple(codes)

    def describe(self) -> str:
        return "12位村（社区）代码，多个村用顿号“、”或逗号分隔"


class Mobile(Text):
    label = "手机号"
    number_format = "@"

    def __call__(self, value: Any) -> str:
        try:
            return validate_mobile(_nfkc(self._text(value)))
        except ValidationError as e:
            raise CellError(e.messages[0]) from None

    def describe(self) -> str:
        return "11位手机号码"


def _role_fields(values) -> list[tuple[str, str]]:
    """Each role's anchor (the one its access scope hangs on), and no anchor of another role."""
    role = values.get("role")
    if role is None:
        return []
    label = Role(role).label
    problems = []
    if role in ORG_ROLES and not values.get("organisation_code"):
        problems.append(("organisation_code", f"{label}用户必须填写所属机构编码"))
    if role not in ORG_ROLES and values.get("organisation_code"):
        problems.append(
            ("organisation_code", f"{label}用户不填所属机构编码（只有办公室、成员单位、金融机构用户填写）")
        )
    if role == Role.TOWN and not values.get("town_code"):
        problems.append(("town_code", "镇（街道）用户必须填写所属镇（街道）代码"))
    if role not in {Role.TOWN, Role.AGENT} and values.get("town_code"):
        problems.append(("town_code", f"{label}用户不填所属镇（街道）代码"))
    if role == Role.AGENT and not values.get("village_codes"):
        problems.append(("village_codes", "村级代办员必须填写负责的村代码"))
    if role != Role.AGENT and values.get("village_codes"):
        problems.append(("village_codes", f"{label}用户不填负责的村代码（只有村级代办员填写）"))
    return problems


USERS = TableSpec(
    name=KIND,
    title="用户",
    columns=(
        Column(
            "username",
            "用户名",
            Username(),
            required=True,
            aliases=("登录名", "账号", "用户账号"),
            help="登录用的名字，全县唯一；已存在的用户名按“新增或更新”方式更新该用户",
            example="lucun-dby-01",
        ),
        Column("display_name", "姓名", Text(40), aliases=("真实姓名", "name"), example="张三"),
        Column(
            "role",
            "角色",
            Choice([(r.value, r.label) for r in IMPORTED_ROLES], aliases=ROLE_ALIASES),
            required=True,
            aliases=("用户角色", "用户类型"),
            help="农户本人的“公众”账号不在此导入，请在用户管理页逐个创建",
        ),
        Column(
            "organisation_code",
            "所属机构编码",
            Code(32),
            aliases=("机构编码", "所属机构"),
            help="办公室、成员单位、金融机构用户必填：办公室用户属于人民银行，成员单位用户属于非金融机构，"
            "金融机构用户属于金融机构的县级机构或网点；须已在系统中（先导入机构）",
            example="ABC-YY",
        ),
        Column(
            "town_code",
            "所属镇（街道）代码",
            DivisionCode(),
            aliases=("镇（街道）代码", "镇街代码", "所属镇代码"),
            help="镇（街道）用户必填；代办员可填，须与其负责的村所在的镇一致（仅作核对）",
            example="370323102000",
        ),
        Column(
            "village_codes",
            "负责的村代码",
            VillageCodes(),
            aliases=("负责村代码", "村代码", "负责的村"),
            help="村级代办员必填；一个代办员负责多个村时，在同一格内用顿号或逗号分隔；须是本县的村（社区）",
            example="370323102201、370323102202",
        ),
        Column("phone", "手机号", Mobile(), aliases=("手机", "联系电话", "手机号码")),
        Column(
            "is_active",
            "是否启用",
            Boolean(),
            default=True,
            aliases=("启用", "状态"),
            help="填“否”停用该账号（停用后不能登录，数据保留）；空白为启用",
        ),
    ),
    unique=(("username",),),
    row_checks=(_role_fields,),
    notes=(
        "新用户由系统生成初始密码：网页导入后在“用户管理 → 初始密码”下载一次（Excel），命令行导入时直接打印；"
        "用户首次登录时必须修改密码。",
        "已存在的用户（“新增或更新”方式）不改密码，只更新文件中给出的列。",
    ),
)


@dataclasses.dataclass
class UserImportResult(ImportResult):
    """The counts, plus the new accounts' initial passwords (in memory only) and where they wait."""

    passwords: list[tuple[str, str, str, str]] = dataclasses.field(default_factory=list, repr=False)
    sheet_token: str = ""

    @property
    def summary(self) -> str:
        text = super().summary
        if self.passwords and self.sheet_token:
            text += f"；{len(self.passwords)} 个新用户的初始密码请到“用户管理 → 初始密码”下载（只能下载一次）"
        elif self.passwords:
            text += f"；{len(self.passwords)} 个新用户的初始密码见下表"
        return text

    def cli_report(self) -> list[str]:
        """The initial passwords for the command line; printed once, so the sealed copy is dropped."""
        if not self.passwords:
            return []
        if self.sheet_token:
            password_sheets.discard(self.sheet_token)
            self.sheet_token = ""
        lines = ["新用户的初始密码（只显示这一次；用户首次登录时必须修改）：", "用户名\t姓名\t角色\t初始密码"]
        lines += ["\t".join(p) for p in self.passwords]
        return lines


def quick_password_hash(password: str) -> str:
    """A hash for a generated initial password (see INITIAL_PASSWORD_ITERATIONS)."""
    try:
        hasher = get_hasher("pbkdf2_sha256")
    except ValueError:  # not among PASSWORD_HASHERS (tests use a fast hasher anyway)
        return make_password(password)
    return hasher.encode(password, hasher.salt(), iterations=INITIAL_PASSWORD_ITERATIONS)


class UserImport(TableImport):
    spec = USERS
    model = User
    result_class = UserImportResult
    exists_reason = "用户名已存在于系统中；如需修改，请选择“新增或更新”方式导入"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.file_rows = {}
        for row in self.parsed.rows:
            name = row.values.get("username")
            if name and name not in self.file_rows:
                self.file_rows[name] = row
        self.codes = set(self.file_rows)

    def current_values(self, u: User) -> dict[str, Any]:
        return {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "organisation_code": u.organisation.code if u.organisation_id else None,
            "town_code": u.town.code if u.town_id else None,
            "village_codes": tuple(sorted(v.code for v in u.villages.all())),
            "phone": u.phone or None,
            "is_active": u.is_active,
        }

    def check(self) -> None:
        self.existing = {}
        for chunk in chunks(sorted(self.codes)):
            users = User.objects.filter(username__in=chunk).select_related("organisation", "town")
            for u in users.prefetch_related("villages"):
                self.existing[u.username] = u
        self._merge_users()
        self.orgs = by_code(
            Organisation.objects.values("id", "code", "name", "kind", "level", "closed_on"),
            self._referenced("organisation_code"),
        )
        village_codes = {c for _r, _e, v in self.plan for c in v["village_codes"] or ()}
        village_codes |= {c for _r, v in self.rejected for c in v.get("village_codes") or ()}
        self.divisions = by_code(
            Division.objects.values("id", "code", "name", "level", "parent_id"),
            self._referenced("town_code") | village_codes,
        )
        county = Division.objects.filter(level=Division.Level.COUNTY).values("id", "code").first()
        self.county_prefix = county["code"][:6] if county else None
        for row, values in self.rejected:
            self._check_references(row, values)
        for row, ex, values in self.plan:
            self._check_references(row, values)
            self._check_self(row, ex, values)

    def _merge_users(self) -> None:
        present = self.parsed.present
        for name, row in self.file_rows.items():
            ex = self.existing.get(name)
            if ex is not None and self.mode == MODE_CREATE:
                self.error(row, "username", self.exists_reason)
                self.rejected.append((row, row.values))
                continue
            if ex is not None and ex.role == Role.PUBLIC:
                self.error(row, "username", "该用户名是农户本人的“公众”账号，不能通过导入修改")
                self.rejected.append((row, row.values))
                continue
            if not row.ok:
                self.rejected.append((row, row.values))
                continue
            if ex is None:
                values = self.spec.complete(row.values)
            else:
                values = self.current_values(ex)
                values.update(row.values)
                # A role changed by the file drops the old role's anchors the file says nothing of.
                for key, (roles, empty) in ANCHORS.items():
                    if key not in present and values["role"] not in roles:
                        values[key] = empty
            problems = self.spec.check_row(values)
            for key, reason in problems:
                self.error(row, key, reason)
            if problems:
                self.rejected.append((row, values))
            else:
                self.plan.append((row, ex, values))

    def _check_references(self, row: Row, v: dict[str, Any]) -> None:
        role = v.get("role")
        code = v.get("organisation_code")
        if code and (row.number, "organisation_code") not in self.flagged:
            org = self.orgs.get(code)
            reason = _organisation_problem(org, code, role)
            if reason:
                self.error(row, "organisation_code", reason)
        town = v.get("town_code")
        if town and (row.number, "town_code") not in self.flagged:
            reason = self._division_problem(town, Division.Level.TOWN, "镇（街道）")
            if reason:
                self.error(row, "town_code", reason)
        villages = v.get("village_codes") or ()
        if villages and (row.number, "village_codes") not in self.flagged:
            reasons = [self._division_problem(c, Division.Level.VILLAGE, "村（社区）") for c in villages]
            reasons = [r for r in reasons if r]
            if not reasons and town and town in self.divisions:
                town_id = self.divisions[town]["id"]
                elsewhere = [c for c in villages if self.divisions[c]["parent_id"] != town_id]
                if elsewhere:
                    reasons.append(f"村 {'、'.join(elsewhere)} 不在所属镇（街道）{town} 内")
            if reasons:
                self.error(row, "village_codes", "；".join(reasons))

    def _division_problem(self, code: str, level: str, label: str) -> str:
        d = self.divisions.get(code)
        if self.county_prefix and code[:6] != self.county_prefix:
            return f"{code} 是其他县的区划代码（本县为 {self.county_prefix}），只能填写本县的{label}"
        if d is None:
            return f"{label}代码 {code} 在系统中不存在，请先导入行政区划"
        if d["level"] != level:
            return f"{code}（{d['name']}）不是{label}"
        return ""

    def _check_self(self, row: Row, ex: User | None, v: dict[str, Any]) -> None:
        """An administrator cannot lock themselves out with their own file."""
        actor = self.actor
        if ex is None or not isinstance(actor, User) or ex.pk != actor.pk:
            return
        if v["role"] != ex.role:
            self.error(row, "role", "不能在导入中更改自己的角色")
        if not v["is_active"]:
            self.error(row, "is_active", "不能在导入中停用自己的账号")

    def write(self) -> None:
        changes: list[tuple[User, dict | None]] = []
        new: list[tuple[User, tuple[str, ...]]] = []
        passwords = []
        note = self._note()
        for _row, ex, v in self.plan:
            fields = self._fields(v)
            if ex is None:
                password = generate_password()
                user = User(username=v["username"], must_change_password=True, **fields)
                user.password = quick_password_hash(password)
                new.append((user, v["village_codes"] or ()))
                passwords.append((user.username, user.display_name, Role(user.role).label, password))
                continue
            before = snapshot(ex)
            old_villages = tuple(sorted(d.code for d in ex.villages.all()))
            # Compared in clear: the snapshot masks the phone, so a new number would look unchanged.
            changed = [name for name, value in fields.items() if getattr(ex, name) != value]
            for name in changed:
                setattr(ex, name, fields[name])
            villages = tuple(sorted(v["village_codes"] or ()))
            if not changed and villages == old_villages:
                self.result.unchanged += 1
                continue
            self.result.updated += 1
            if changed:
                # The phone's lookup hash is written with it (pre_save runs only for the fields saved).
                names = [User._meta.get_field(k).name for k in changed]
                ex.save(update_fields=[*names, *(["phone_hash"] if "phone" in changed else [])])
                changes.append((ex, before))
            if villages != old_villages:
                ex.villages.set([self.divisions[c]["id"] for c in villages])
                audit_record(
                    actor=self.actor,
                    action=AuditLog.Action.UPDATE,
                    obj=ex,
                    before={"villages": list(old_villages)},
                    after={"villages": list(villages)},
                    note=f"{note}：负责的村 {'、'.join(old_villages) or '（无）'} → {'、'.join(villages) or '（无）'}",
                )
        User.objects.bulk_create([u for u, _ in new], batch_size=500)
        links = [
            User.villages.through(user_id=u.pk, division_id=self.divisions[c]["id"])
            for u, codes in new
            for c in codes
        ]
        User.villages.through.objects.bulk_create(links, batch_size=1000)
        changes.extend((u, None) for u, _ in new)
        self.result.created = len(new)
        audit_changed_bulk(actor=self.actor, changes=changes, note=note)
        self.result.passwords = passwords

    def _fields(self, v: dict[str, Any]) -> dict[str, Any]:
        org = self.orgs.get(v["organisation_code"]) if v["organisation_code"] else None
        town = self.divisions.get(v["town_code"]) if v["town_code"] else None
        return {
            "display_name": v["display_name"] or "",
            "role": v["role"],
            "organisation_id": org["id"] if org else None,
            # An agent's town is only checked against their villages; the access rules read it for towns.
            "town_id": town["id"] if town and v["role"] == Role.TOWN else None,
            "phone": v["phone"] or "",
            "is_active": bool(v["is_active"]),
        }


def _organisation_problem(org: dict | None, code: str, role: str | None) -> str:
    if org is None:
        return f"机构编码 {code} 在系统中不存在，请先导入机构"
    kind_label = Organisation.Kind(org["kind"]).label
    financial = org["kind"] in Organisation.FINANCIAL_KINDS
    if org["level"] == Organisation.Level.HEAD_OFFICE:
        return f"{org['name']}是总行/总公司；请填写其在本县的县级机构或网点的编码"
    if org["closed_on"] is not None:
        return f"{org['name']}已于 {org['closed_on']:%Y-%m-%d} 撤销，不能再添加用户"
    if role == Role.INSTITUTION and not financial:
        return f"金融机构用户必须属于金融机构；{org['name']}是{kind_label}"
    if role == Role.MEMBER_UNIT and financial:
        return f"成员单位用户必须属于非金融机构的成员单位；{org['name']}是{kind_label}"
    if role == Role.OFFICE and org["kind"] != Organisation.Kind.PBOC:
        return f"领导小组办公室用户必须属于人民银行；{org['name']}是{kind_label}"
    return ""


def user_import(*, actor, file, mode: str = MODE_CREATE, **kwargs) -> UserImportResult:
    """Import users; the administrator only (a user), or the command line (a label: the whole county)."""
    if isinstance(actor, User) and not can_manage_users(actor):
        raise PermissionDenied
    result = run_import(UserImport, actor=actor, file=file, mode=mode, **kwargs)
    if not result.ok:
        result.passwords = []
    elif result.passwords and isinstance(actor, User):
        result.sheet_token = password_sheets.seal(
            owner=actor, rows=result.passwords, filename=result.filename
        )
    return result
