"""Writes of the API app: tokens, idempotency housekeeping, and the first API write (service points).

`service_point_create` is a core capability; it lives here until core grows a services module for
the service network, and can move there unchanged.
"""

import datetime
import hashlib
import re
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from puhui.api.access import TokenActor, acting_user, can_manage_tokens
from puhui.api.models import ApiToken, IdempotencyRecord
from puhui.core.access import divisions_for, organisations_for
from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog, Division, Organisation, ServicePoint, User
from puhui.core.ratelimit import resubmission_since

TOKEN_PREFIX = "ph_"
BANK_KINDS = frozenset(
    {
        Organisation.Kind.POLICY_BANK,
        Organisation.Kind.COMMERCIAL_BANK,
        Organisation.Kind.RURAL_BANK,
        Organisation.Kind.VILLAGE_BANK,
    }
)
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _token_snapshot(token: ApiToken) -> dict:
    # The hash is useless to a reader of the log and needs no second copy.
    data = snapshot(token)
    data.pop("key_hash", None)
    return data


@transaction.atomic
def token_create(
    *, actor: User, organisation: Organisation, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token for an organisation; returns it with the full secret, which is never stored."""
    if not can_manage_tokens(actor) or (
        actor.role != User.Role.ADMIN and actor.organisation_id != organisation.pk
    ):
        raise PermissionDenied("只能为本机构创建接口令牌")
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写令牌用途"
    elif len(name) > 60:
        errors["name"] = "用途不能超过60个字"
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "过期时间必须晚于当前时间"
    if errors:
        raise ValidationError(errors)
    # A double click posts the form twice; the browser shows the second answer. The organisation row is
    # locked so that the second request waits for the first, finds its token (same creator, use and
    # expiry, unused, moments old) and gives it a new secret instead of creating a second token: one
    # row, and the secret on the page the user sees is the valid one (the first was never shown).
    Organisation.objects.select_for_update().filter(pk=organisation.pk).exists()
    twin = (
        ApiToken.objects.filter(
            organisation=organisation,
            created_by=actor,
            name=name,
            expires_at=expires_at,
            revoked_at__isnull=True,
            last_used_at__isnull=True,
            created_at__gte=resubmission_since(),
        )
        .order_by("-created_at")
        .first()
    )
    if twin is not None:
        raw = f"{twin.prefix}_{secrets.token_urlsafe(32)}"
        twin.key_hash = hash_token(raw)
        twin.save(update_fields=["key_hash"])
        audit_record(
            actor=actor,
            action=AuditLog.Action.TOKEN,
            obj=twin,
            after=_token_snapshot(twin),
            note="重复提交：未新建令牌，重新生成其密钥",
        )
        return twin, raw
    return _token_insert(actor=actor, organisation=organisation, name=name, expires_at=expires_at)


def _token_insert(
    *, actor: User, organisation: Organisation, name: str, expires_at: datetime.datetime | None
) -> tuple[ApiToken, str]:
    for _attempt in range(5):
        prefix = TOKEN_PREFIX + secrets.token_hex(4)
        raw = f"{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    organisation=organisation,
                    name=name,
                    prefix=prefix,
                    key_hash=hash_token(raw),
                    created_by=actor,
                    expires_at=expires_at,
                )
            break
        except IntegrityError:  # a prefix collision: 1 in 4 billion, try another
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not allocate a unique token prefix")
    audit_record(
        actor=actor,
        action=AuditLog.Action.TOKEN,
        obj=token,
        after=_token_snapshot(token),
        note="创建接口令牌",
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _token_snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditLog.Action.TOKEN,
        obj=token,
        before=before,
        after=_token_snapshot(token),
        note="吊销接口令牌",
    )
    return token


@transaction.atomic
def idempotency_records_purge(*, actor, before: datetime.datetime) -> int:
    """Forget stored responses older than `before`; a retry after that runs as a new request."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=before).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditLog.Action.DELETE,
            object_type=IdempotencyRecord._meta.label,
            object_repr="幂等记录",
            note=f"清理 {before:%Y-%m-%d %H:%M} 之前的幂等记录 {deleted} 条",
        )
    return deleted


@transaction.atomic
def service_point_create(
    *,
    actor,
    code: str,
    name: str,
    bank_id: int,
    village_code: str,
    functions: list[str],
    is_station: bool = False,
    opened_on: datetime.date | None = None,
) -> ServicePoint:
    """An institution registers a service point run by itself or one of its outlets.

    Every field is checked before anything is written; all problems are reported together.
    """
    user = acting_user(actor)
    if user.role != User.Role.INSTITUTION:
        raise PermissionDenied("只有金融机构可以登记本机构的助农取款服务点")
    errors: dict[str, list[str]] = {}
    code = _checked_code(code, errors)
    name = _checked_name(name, errors)
    bank = _checked_bank(user, bank_id, errors)
    village = _checked_village(user, village_code, errors)
    functions = _checked_functions(functions, errors)
    if opened_on is not None and opened_on > timezone.localdate():
        errors.setdefault("opened_on", []).append("设立日期不能晚于今天")
    if errors:
        raise ValidationError(errors)

    point = ServicePoint(
        code=code,
        name=name,
        bank=bank,
        village=village,
        functions=functions,
        is_station=bool(is_station),
        opened_on=opened_on,
    )
    try:
        with transaction.atomic():
            point.save()
    except IntegrityError:  # another request took the code between the check and the insert
        raise ValidationError({"code": [f"服务点编号 {code} 已被使用"]}) from None
    audit_changed(
        actor=actor, obj=point, before=None, note="通过接口登记" if isinstance(actor, TokenActor) else ""
    )
    return point


def _checked_code(code, errors: dict) -> str:
    code = (code or "").strip()
    if not code:
        errors.setdefault("code", []).append("服务点编号不能为空")
    elif len(code) > 32:
        errors.setdefault("code", []).append("服务点编号不能超过32个字符")
    elif not CODE_RE.match(code):
        errors.setdefault("code", []).append("服务点编号只能包含字母、数字、连字符和下划线")
    elif ServicePoint.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(f"服务点编号 {code} 已被使用")
    return code


def _checked_name(name, errors: dict) -> str:
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append("服务点名称不能为空")
    elif len(name) > 100:
        errors.setdefault("name", []).append("服务点名称不能超过100个字")
    return name


def _checked_bank(user, bank_id, errors: dict):
    # Another institution's bank and a bank that does not exist get the same answer.
    bank = organisations_for(user).filter(pk=bank_id).first() if bank_id is not None else None
    if bank is None:
        errors.setdefault("bank_id", []).append(f"签约银行（编号 {bank_id}）不存在")
    elif bank.kind not in BANK_KINDS:
        errors.setdefault("bank_id", []).append(f"{bank.name} 不是银行，不能签约助农取款服务点")
    elif bank.closed_on is not None:
        errors.setdefault("bank_id", []).append(f"{bank.name} 已于 {bank.closed_on} 撤销")
    return bank


def _checked_village(user, village_code, errors: dict):
    village = divisions_for(user).filter(code=(village_code or "").strip()).first()
    if village is None:
        errors.setdefault("village_code", []).append(f"区划代码 {village_code} 不存在")
    elif village.level != Division.Level.VILLAGE:
        errors.setdefault("village_code", []).append(f"区划代码 {village_code}（{village.name}）不是村或社区")
    return village


def _checked_functions(functions, errors: dict) -> list[str]:
    known = set(ServicePoint.Function.values)
    functions = [str(f) for f in (functions or [])]
    if not functions:
        errors.setdefault("functions", []).append("至少选择一项服务功能")
    for f in sorted({f for f in functions if f not in known}):
        errors.setdefault("functions", []).append(f"未知的服务功能：{f}")
    for f in sorted({f for f in functions if functions.count(f) > 1}):
        errors.setdefault("functions", []).append(f"服务功能重复：{f}")
    return functions
