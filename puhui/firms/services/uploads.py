"""A member unit's file of one source for one period: every row checked by the import engine (USCC by the
project's validator, each column by its catalogue type), then matched to the register by USCC.

Unmatched USCCs (docs/smallfirm.md, “部分匹配”): the whole file is refused with every unmatched row listed,
unless the office marked the source as accepting partial matches — then the matched rows are stored and the
unmatched listed on the upload. Re-uploading a source and period replaces it whole (audited, before → after).
Nothing is half-stored: the rows go in one transaction.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from puhui.api.access import acting_user
from puhui.core.audit import audit_changed, audit_record, snapshot
from puhui.core.models import AuditLog
from puhui.firms import access, catalogue
from puhui.firms.models import DepartmentRecord, DepartmentUpload, SourceSetting
from puhui.imports import tabular
from puhui.imports.engine import chunks
from puhui.registry.models import Firm


@dataclass
class UploadResult:
    filename: str
    errors: tabular.ErrorList
    rows: int = 0
    matched: int = 0
    unmatched: list[dict] = field(default_factory=list)
    replaced: bool = False
    upload: DepartmentUpload | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def accepts_partial(source: catalogue.Source) -> bool:
    setting = SourceSetting.objects.filter(source=source.code).first()
    return setting.accepts_partial if setting is not None else source.partial_default


def _firm_ids(usccs) -> dict[str, int]:
    found = {}
    for chunk in chunks(sorted(usccs)):
        found.update(Firm.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    return found


def _check(actor, source_code: str, period: datetime.date) -> catalogue.Source:
    source = catalogue.source(source_code)
    if source is None:
        raise ValidationError({"source": "没有这个信息来源。"})
    if source.code not in {s.code for s in access.sources_for_upload(actor)}:
        raise ValidationError({"source": f"{source.name}由{source.department}报送，本单位不能上传。"})
    problem = source.check_period(period)
    if problem:
        raise ValidationError({"period": problem})
    return source


def department_upload(
    *, actor, source_code: str, period: datetime.date, file, filename: str = ""
) -> UploadResult:
    """Check the whole file, then store it (replacing the same source and period) in one transaction.
    `actor`: the department's staff member, or its API token (the department's system pushing the file)."""
    period = period.replace(day=1)
    source = _check(acting_user(actor), source_code, period)
    parsed = tabular.parse(file, source.spec(), filename=filename)
    result = UploadResult(parsed.filename, parsed.errors, rows=len(parsed.rows))
    if parsed.errors.fatal or parsed.errors:
        return result
    firms = _firm_ids({r.values["uscc"] for r in parsed.rows})
    good, unmatched = [], []
    for row in parsed.rows:
        firm_id = firms.get(row.values["uscc"])
        if firm_id is None:
            unmatched.append(
                (
                    row,
                    {
                        "row": row.number,
                        "uscc": row.values["uscc"],
                        "name": row.values.get("firm_name") or "",
                    },
                )
            )
        else:
            good.append((firm_id, row.values))
    result.unmatched = [u for _r, u in unmatched]
    if unmatched and not accepts_partial(source):
        for row, _u in unmatched:
            parsed.add_error(
                row,
                "uscc",
                "本县市场主体名录中没有这个统一社会信用代码（本来源不接受部分匹配，整份文件未保存）",
            )
        return result
    if not good:
        parsed.errors.add_fatal(None, "", "", "文件中没有一户企业能与市场主体名录匹配，未保存。")
        return result
    _store(actor, source, period, good, result)
    return result  # fmt: skip


@transaction.atomic
def _store(actor, source: catalogue.Source, period, good, result: UploadResult) -> None:
    old = DepartmentUpload.objects.select_for_update().filter(source=source.code, period=period).first()
    before = snapshot(old)
    if old is not None:
        old.delete()  # its records go with it (CASCADE)
        result.replaced = True
    upload = DepartmentUpload.objects.create(
        source=source.code,
        period=period,
        organisation=acting_user(actor).organisation,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,  # a token: in the audit
        uploaded_at=timezone.now(),
        filename=result.filename[:200],
        rows=result.rows,
        matched=len(good),
        unmatched=result.unmatched,
    )
    DepartmentRecord.objects.bulk_create(
        [
            DepartmentRecord(
                upload=upload,
                firm_id=firm_id,
                source=source.code,
                period=period,
                values={c.key: c.stored(values.get(c.key)) for c in source.columns},
            )
            for firm_id, values in good
        ],
        batch_size=1000,
    )
    result.matched, result.upload = len(good), upload
    audit_record(
        actor=actor,
        action=AuditLog.Action.IMPORT,
        obj=upload,
        before=before,
        after=snapshot(upload),
        note=(
            f"{source.name} {period:%Y年%m月}：文件 {result.rows} 行，匹配 {len(good)} 户，"
            f"未匹配 {len(result.unmatched)} 行{'，替换原有数据' if before else ''}"
        ),
    )


@transaction.atomic
def source_partial_set(*, actor, source_code: str, accepts: bool) -> SourceSetting:
    """The office decides whether a source's files may be stored in part."""
    if not access.is_office(actor):
        raise ValidationError("只有领导小组办公室可以修改部分匹配规则。")
    if catalogue.source(source_code) is None:
        raise ValidationError("没有这个信息来源。")
    setting = SourceSetting.objects.select_for_update().filter(source=source_code).first()
    before = snapshot(setting)
    if setting is None:
        setting = SourceSetting(source=source_code)
    setting.accepts_partial = bool(accepts)
    setting.changed_by, setting.changed_at = actor, timezone.now()
    setting.save()
    audit_changed(actor=actor, obj=setting, before=before, note="修改部分匹配规则")
    return setting
