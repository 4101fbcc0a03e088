"""Writes of the API app: tokens, idempotency housekeeping, and the first API write (service points).

`service_point_create` reads the API's fields and registers the point through the registry's lifecycle
service (`plugins.service("service_point_register")`), the one rule that pages, files and batches use too.
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
from puhui.core import plugins
from puhui.core.access import divisions_for, organisations_for
from puhui.core.audit import audit_record, snapshot
from puhui.core.models import AuditLog, Organisation, ServicePoint, User
from puhui.core.ratelimit import resubmission_since

TOKEN_PREFIX = "ph_"
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


# The registry's field names in the API's words (the service reports `bank`, the API takes `bank_id`).
API_FIELDS = {"bank": "bank_id", "village": "village_code", "upgraded_on": "opened_on"}


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

    The API only reads its fields here (ids and codes into rows, the code's format, a function given twice);
    the rules are the service-point lifecycle's, in one place — the registry's `service_point_register`,
    reached through the plug-in hook (`plugins.service`): a station offers the whole checklist, dates are
    checked, the bank is the caller's own. Every problem is reported together, named by the API's field;
    nothing is written on any.
    """
    user = acting_user(actor)
    if user.role != User.Role.INSTITUTION:
        raise PermissionDenied("只有金融机构可以登记本机构的助农取款服务点")
    problems: dict[str, list[str]] = {}
    code = _checked_code(code, problems)
    name = _checked_name(name, problems)
    # Another institution's bank and a bank that does not exist get the same answer.
    bank = organisations_for(user).filter(pk=bank_id).first() if bank_id is not None else None
    if bank is None:
        problems.setdefault("bank", []).append(f"签约银行（编号 {bank_id}）不存在")
    village = divisions_for(user).filter(code=(village_code or "").strip()).first()
    if village is None:
        problems.setdefault("village", []).append(f"区划代码 {village_code} 不存在")
    functions = _checked_functions(functions, problems)
    try:
        return plugins.service("service_point_register")(
            actor=actor,
            code=code,
            name=name,
            bank=bank,
            village=village,
            functions=functions,
            opened_on=opened_on,
            is_station=bool(is_station),
            note="通过接口登记" if isinstance(actor, TokenActor) else "",
            problems=problems,
        )
    except ValidationError as exc:
        raise ValidationError(_in_api_words(exc.message_dict)) from None


def _in_api_words(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for field, messages in errors.items():
        out.setdefault(API_FIELDS.get(field, field), []).extend(messages)
    return out


def _checked_code(code, errors: dict) -> str:
    code = (code or "").strip()
    if code and not CODE_RE.match(code):
        errors.setdefault("code", []).append("服务点编号只能包含字母、数字、连字符和下划线")
    return code


def _checked_name(name, errors: dict) -> str:
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append("服务点名称不能为空")
    return name


def _checked_functions(functions, errors: dict) -> list[str]:
    """A function given twice is the API's own finding (the lifecycle keeps each once, silently)."""
    functions = [str(f) for f in (functions or [])]
    for f in sorted({f for f in functions if functions.count(f) > 1}):
        errors.setdefault("functions", []).append(f"服务功能重复：{f}")
    return functions
