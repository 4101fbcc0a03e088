"""Pages of the data capability. Thin: access, then a selector or a service, then a template."""

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.crypto import mask_id_number
from puhui.core.exports import BOM, XLSX, csv_line, download, streaming_download
from puhui.core.periods import choose, parse_code
from puhui.core.periods import label as label_of
from puhui.core.ratelimit import import_limited
from puhui.core.service_errors import form_add_service_error
from puhui.core.uploads import refused as upload_refused
from puhui.core.uploads import too_large_message, upload_limit
from puhui.data import access, catalogue, selectors, services, targets
from puhui.data import lists as data_lists
from puhui.data.county import county_context
from puhui.data.forms import IndicatorForm, ReviewForm, TargetForm, UploadForm
from puhui.data.intake import MIN_CHANGE, max_bytes
from puhui.data.models import Indicator, IndicatorValue, LoanRecord, ReportingPeriod, Submission, Target
from puhui.data.specs import spec_for
from puhui.data.workbooks import table_xlsx, template_csv, template_xlsx
from puhui.imports.tabular import human_size

PAGE_SIZE = 50
ERRORS_SHOWN = 500


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def home(request):
    user = request.user
    if access.can_see_inbox(user):
        return redirect("data_inbox")
    if access.submitting_organisation(user) is not None:
        return redirect("data_my_forms")
    if access.can_see_figures(user):
        return redirect("data_targets")
    raise Http404


# ---------------------------------------------------------------- submissions


@login_required
def inbox(request):
    access.require_inbox_reader(request.user)
    kind = request.GET.get("kind", "quarter") if request.GET.get("kind") in {"quarter", "year"} else "quarter"
    choices = selectors.ended_periods(kind)
    code = (
        request.GET.get("period")
        or selectors.latest_reported(request.user, kind)
        or (choices[0].code if choices else "")
    )
    if code and code not in {p.code for p in choices}:
        raise Http404
    data = selectors.inbox(request.user, code) if code else None
    problems_only = request.GET.get("problems") == "1"
    if data and problems_only:
        data["rows"] = [
            r
            for r in data["rows"]
            if any(c and (c.state in {"missing", "returned", "submitted"} or c.late) for c in r["cells"])
        ]
    pending = (
        access.submissions_for(request.user)
        .filter(is_current=True, status=Submission.Status.SUBMITTED)
        .order_by("submitted_at")[:50]
    )
    return render(
        request,
        "data/inbox.html",
        {
            "data": data,
            "choices": choices,
            "kind": kind,
            "code": code,
            "problems_only": problems_only,
            "pending": pending,
        },
    )


@login_required
def submission_list(request):
    """报送记录: every return (the office) or the unit's own, searchable, filtered and exported."""
    return lists.list_response(request, data_lists.SUBMISSIONS, "data/submission_list.html")


@login_required
def upload_list(request):
    """上传记录: every upload attempt, refused ones with their error count."""
    return lists.list_response(request, data_lists.UPLOADS, "data/upload_list.html")


def _own_org(request):
    return access.require_submitting_organisation(request.user)


@login_required
def my_forms(request):
    org = _own_org(request)
    return render(
        request,
        "data/my_forms.html",
        {
            "org": org,
            "forms": selectors.my_forms(org),
            "uploads": access.uploads_for(request.user).filter(institution=org)[:10],
        },
    )


def _form_and_period(form_code: str, period_code: str):
    form = catalogue.form(form_code)
    try:
        spec = parse_code(period_code)
    except ValueError:
        raise Http404 from None
    if form is None or spec.kind != form.frequency:
        raise Http404
    return form, spec


@login_required
def form_page(request, form_code, period_code):
    org = _own_org(request)
    form, spec = _form_and_period(form_code, period_code)
    if not form.applies_to(org):
        raise Http404
    subs = (
        access.submissions_for(request.user)
        .filter(institution=org, form=form.code, period__code=spec.code)
        .order_by("-version")
    )
    uploads = access.uploads_for(request.user).filter(
        institution=org, form=form.code, period__code=spec.code
    )[:10]
    return render(
        request,
        "data/form_page.html",
        {
            "org": org,
            "form": form,
            "period": spec,
            "submissions": subs,
            "uploads": uploads,
            "upload_form": UploadForm(),
            "max_size": human_size(max_bytes()),
            "latest_upload": uploads[0] if uploads else None,
            "min_changes": _min_changes(form),
        },
    )


def _min_changes(form) -> list[tuple[str, str]]:
    """The validator's floor under the year-on-year rule (intake.MIN_CHANGE), for the kinds this form has."""
    words = {
        "integer": ("计数", lambda n: f"{n:,}"),
        "number": ("面积等数值", lambda n: f"{n:,}"),
        "money": ("金额", lambda n: f"{n / 10_000:g}万元"),
    }
    kinds = dict.fromkeys(i.type for i in form.items)
    return [(words[k][0], words[k][1](MIN_CHANGE[k])) for k in kinds if k in MIN_CHANGE and k in words]


def _finished(response, up):
    """An htmx answer about an upload that has finished tells the page to refresh its history."""
    if up is not None and up.is_finished:
        response["HX-Trigger"] = "upload-finished"
    return response


@login_required
def template_download(request, form_code, period_code, fmt):
    org = _own_org(request)
    form, spec = _form_and_period(form_code, period_code)
    if not form.applies_to(org) or fmt not in {"xlsx", "csv"}:
        raise Http404
    period = selectors.reporting_period(spec.code)
    ctx = county_context()
    table = spec_for(form, ctx=ctx, period=period)
    name = f"{form.title}_{org.short_name or org.name}_{period.label}.{fmt}"
    if fmt == "xlsx":
        return download(
            template_xlsx(spec=table, form=form, ctx=ctx, institution=org, period=period), name, XLSX
        )
    return download(template_csv(table, form=form, ctx=ctx), name, "text/csv; charset=utf-8")


@login_required
@import_limited
@require_POST
@upload_limit(max_bytes)
def upload(request, form_code, period_code):
    org = _own_org(request)
    form, spec = _form_and_period(form_code, period_code)
    if not form.applies_to(org):
        raise Http404
    if limit := upload_refused(request):
        # Stopped while it arrived (puhui/core/uploads.py): nothing of it reached the disk.
        text = too_large_message(limit)
        if _is_htmx(request):  # htmx swaps only 2xx answers
            return render(
                request, "data/_upload_status.html", {"form_errors": {"file": [text]}, "upload": None}
            )
        back = reverse("data_form", args=[form_code, period_code])
        return render(request, "imports/upload_refused.html", {"message": text, "back": back}, status=413)
    upload_form = UploadForm(request.POST, request.FILES)
    if not upload_form.is_valid():
        context = {"form_errors": upload_form.errors, "upload": None}
        if _is_htmx(request):
            return render(request, "data/_upload_status.html", context)
        messages.error(request, "请选择要上传的文件。")
        return redirect("data_form", form_code, period_code)
    f = upload_form.cleaned_data["file"]
    try:
        up = services.upload_start(
            actor=request.user,
            institution=org,
            form_code=form.code,
            period_code=spec.code,
            channel="page",
            file=f,
            filename=f.name,
            comment=upload_form.cleaned_data["comment"],
        )
    except (ValidationError, PermissionDenied) as e:
        text = "；".join(e.messages) if isinstance(e, ValidationError) else str(e)
        if _is_htmx(request):
            return render(
                request, "data/_upload_status.html", {"form_errors": {"file": [text]}, "upload": None}
            )
        messages.error(request, text)
        return redirect("data_form", form_code, period_code)
    if _is_htmx(request):
        return _finished(render(request, "data/_upload_status.html", _upload_context(up)), up)
    return redirect("data_upload", up.pk)


def _upload_context(up) -> dict:
    return {"upload": up, "errors": up.errors[:ERRORS_SHOWN], "job": up.job}


@login_required
def upload_detail(request, pk):
    up = access.access_upload_by_id(request.user, pk)
    if _is_htmx(request):
        return _finished(render(request, "data/_upload_status.html", _upload_context(up)), up)
    return render(request, "data/upload_detail.html", _upload_context(up))


@login_required
def submission_detail(request, pk):
    sub = access.access_submission_by_id(request.user, pk)
    form = catalogue.form(sub.form)
    town = _int(request.GET.get("town"))
    village = _int(request.GET.get("village"))
    source = request.GET.get("source", "")
    item = request.GET.get("item", "")
    context = {
        "sub": sub,
        "form": form,
        "versions": selectors.versions(sub),
        "review_form": ReviewForm(),
        "can_review": access.can_review(request.user)
        and sub.is_current
        and sub.status == Submission.Status.SUBMITTED,
        "town": town,
        "village": village,
        "source": source,
        "item": item,
        "filter_town": county_context().towns.get(town, ("", ""))[1] if town else "",
        "filter_source": _source_words(source),
        "filter_item": form.item(item).header if form and form.item(item) else item,
    }
    if form and form.is_guarantees:
        rows = selectors.guarantee_rows(sub)
        loan_no = context["q"] = request.GET.get("q", "").strip()[:40]
        if loan_no:
            rows = rows.filter(loan_no=loan_no)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, row_count=page.paginator.count)
    elif form and form.is_loans:
        try:
            rows = selectors.loan_rows(sub, town=town, village=village, source=source)
        except ValueError:
            raise Http404 from None
        loan_no = request.GET.get("q", "").strip()[:40]
        if loan_no:  # a loan number, exactly (ID numbers never travel in an address)
            rows = rows.filter(loan_no=loan_no)
        context["q"] = loan_no
        page = Paginator(rows.select_related("town", "village"), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["row_count"] = page.paginator.count
        context["compare"] = selectors.compared_with(request.user, sub)
        context["loan_totals"] = selectors.loan_totals_compared(request.user, sub)
    elif form:
        compared = selectors.aggregate_rows_compared(request.user, sub, town=town, item=item)
        context.update(items=compared["items"], agg_rows=compared["rows"], compare=compared)
    return render(request, "data/submission_detail.html", context)


def _source_words(source: str) -> str:
    try:
        return catalogue.parse_loan_source(source).describe() if source else ""
    except ValueError:
        return source


def _int(value):
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def submission_review(request, pk):
    sub = access.access_submission_for_review(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.submission_review(
                actor=request.user,
                submission=sub,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
            messages.success(
                request,
                "已审核通过，派生指标和目标完成情况将在后台重新计算。"
                if form.cleaned_data["decision"] == "approve"
                else "已退回，报送机构可在其报表页面看到审核意见。",
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    return redirect("data_submission", sub.pk)


@login_required
def submission_export(request, pk):
    """The submission's rows as CSV, streamed (a loan file can have a million rows); ids stay masked."""
    sub = access.access_submission_by_id(request.user, pk)
    form = catalogue.form(sub.form)
    name = f"{sub.form_title}_{sub.institution.short_name or sub.institution.name}_{sub.period.label}_第{sub.version}版.csv"
    if form and form.is_guarantees:
        return streaming_download(_guarantee_lines(sub), name)
    return streaming_download(
        _loan_lines(sub) if form and form.is_loans else _aggregate_lines(sub, form), name
    )


LOAN_EXPORT_HEADER = [
    "行号", "借据号", "借款人证件号码", "借款人类型", "镇（街道）", "村（社区）", "贷款金额（元）", "贷款余额（元）",
    "年利率（%）", "发放日期", "到期日期", "担保方式", "信用贷款", "首贷", "涉农贷款", "贷款状态", "贷款产品", "押品类型",
]  # fmt: skip


def _loan_lines(sub):
    yield BOM
    yield csv_line(LOAN_EXPORT_HEADER)
    towns = {pk: name for pk, (code, name) in county_context().towns.items()}
    labels = {
        f: dict(getattr(LoanRecord, c).choices)
        for f, c in (("borrower_type", "BorrowerType"), ("guarantee", "Guarantee"), ("status", "Status"))
    }
    labels["collateral"] = {"": "", **dict(LoanRecord.Collateral.choices)}
    yes = {True: "是", False: "否"}
    for r in selectors.loan_rows(sub).iterator(chunk_size=5000):
        yield csv_line(
            [
                r.row, r.loan_no, mask_id_number(r.borrower_id), labels["borrower_type"][r.borrower_type],
                towns.get(r.town_id, ""), r.village_id or "", f"{r.amount:.2f}", f"{r.balance:.2f}", r.rate,
                r.issued_on, r.due_on, labels["guarantee"][r.guarantee], yes[r.is_credit], yes[r.is_first],
                yes[r.is_agri], labels["status"][r.status], r.product, labels["collateral"][r.collateral],
            ]
        )  # fmt: skip


def _aggregate_lines(sub, form):
    yield BOM
    items = form.items if form else ()
    yield csv_line(["行号", "镇（街道）代码", "镇（街道）", *[i.header for i in items], "说明"])
    for row in selectors.aggregate_rows(sub):
        town = row["town"]
        yield csv_line(
            [row["row"], town.code if town else "", town.name if town else "", *row["cells"], row["note"]]
        )


def _guarantee_lines(sub):
    yield BOM
    yield csv_line(["行号", "借据号", "借款人证件号码", "保证人证件类型", "保证人证件号码", "担保金额（元）"])
    kinds = dict(LoanRecord.IdKind.choices)
    for r in selectors.guarantee_rows(sub).iterator(chunk_size=5000):
        yield csv_line(
            [
                r.row, r.loan_no, mask_id_number(r.borrower_id), kinds[r.guarantor_kind],
                mask_id_number(r.guarantor_id), f"{r.amount:.2f}",
            ]
        )  # fmt: skip


@login_required
def submission_file(request, pk):
    """The original file, decrypted as it streams out; never the administrator's, every download audited."""
    sub = access.access_submission_file_by_id(request.user, pk)
    if not sub.file and sub.file_purged_at:
        context = {"sub": sub, "days": services.retention_days()}
        return render(request, "data/original_purged.html", context, status=410)
    try:
        chunks = services.submission_file_open(actor=request.user, submission=sub)
    except FileNotFoundError:
        raise Http404 from None
    response = streaming_download(
        chunks, sub.filename or os.path.basename(sub.file), "application/octet-stream"
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- targets


def _figures_user(request):
    access.require_figures_reader(request.user)


def _as_of(request) -> ReportingPeriod | None:
    code = request.GET.get("as_of", "")
    if code:
        period = access.periods_for(request.user).filter(code=code, kind="quarter").first()
        if period is None:
            raise Http404
        return period
    return targets.latest_period()


@login_required
def target_dashboard(request):
    _figures_user(request)
    as_of = _as_of(request)
    statuses = targets.evaluate_all(as_of=as_of) if as_of else []
    counts = {k: sum(1 for s in statuses if s.status == k) for k in targets.STATUS_LABELS}
    return render(
        request,
        "data/targets.html",
        {
            "statuses": statuses,
            "as_of": as_of,
            "quarters": selectors.periods_with_values("quarter"),
            "counts": [(targets.STATUS_LABELS[k], targets.STATUS_CSS[k], n) for k, n in counts.items()],
            "can_compute": access.can_recompute(request.user),
        },
    )


@login_required
def target_detail(request, code):
    _figures_user(request)
    target = access.access_target_by_code(request.user, code)
    as_of = _as_of(request)
    status = targets.evaluate(
        target, as_of=as_of, scoped=access.indicator_values_for(request.user), with_units=True
    )
    chart = {
        "threshold": float(target.threshold),
        "unit": status.measure_unit,
        "measure": status.measure_name,
        "series": [{"period": p.label, "value": p.value} for p in status.series],
        "units": [{"name": u.name, "value": u.value, "ok": u.ok} for u in status.units],
        "each": float(target.each_threshold) if target.each_threshold is not None else None,
        "projection": {"period": status.deadline_label, "value": status.projection}
        if status.status in {"on_track", "at_risk"}
        else None,
    }
    return render(
        request,
        "data/target_detail.html",
        {
            "t": target,
            "status": status,
            "as_of": as_of,
            "chart": chart,
            "quarters": selectors.periods_with_values("quarter"),
            "versions": access.targets_for(request.user).filter(code=code).order_by("-version"),
            "can_edit": access.can_edit_catalogue(request.user),
        },
    )


@login_required
def target_edit(request, code):
    target = access.access_target_for_edit(request.user, code)
    form = TargetForm(
        request.POST or None, instance=Target(**{f: getattr(target, f) for f in services.TARGET_FIELDS})
    )
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.TARGET_FIELDS}
        try:
            services.target_update(
                actor=request.user, code=code, change_note=form.cleaned_data["change_note"], **changes
            )
            messages.success(request, "已保存为新版本。")
            return redirect("data_target", code)
        except ValidationError as e:
            form_add_service_error(form, e)
    return render(
        request,
        "data/edit_form.html",
        {"form": form, "title": f"修改目标：{target.name}", "back": reverse("data_target", args=[code])},
    )


@login_required
@require_POST
def compute(request):
    access.require_recomputer(request.user)
    from puhui.data.tasks import derived_compute_task
    from puhui.jobs.services import job_enqueue

    job = job_enqueue(
        actor=request.user, task=derived_compute_task, label="重新计算全部派生指标", actor_id=request.user.pk
    )
    messages.info(request, "已开始重新计算派生指标，完成后目标和指标页面自动使用新结果。")
    return redirect("job_detail", job.pk)


# ---------------------------------------------------------------- indicators


@login_required
def explorer(request):
    _figures_user(request)
    levels = access.levels_for(request.user)
    inds = selectors.browsable_indicators()
    by_code = {i.code: i for i in inds}
    code = request.GET.get("indicator") or (inds[0].code if inds else "")
    ind = by_code.get(code)
    if inds and ind is None:
        raise Http404
    level = request.GET.get("level") or (
        "town" if "town" in levels and ind and "town" in ind.levels else "county"
    )
    if level not in levels:
        raise Http404
    kind = request.GET.get("kind") or (ind.frequency if ind else "quarter")
    periods = selectors.periods_with_values(kind if kind in {"quarter", "year"} else "quarter")
    # Offered and chosen by default: the periods with this indicator's figures at this level (the
    # latest first); one computed without them shows a notice saying so (`core.periods.choose`).
    filled = selectors.indicator_periods(request.user, code=code, level=level, periods=periods)
    try:
        choice = choose(request.GET.get("period"), filled, default=periods[0].code if periods else None)
    except ValueError:
        raise Http404 from None
    period = next((p for p in periods if p.code == choice.code), None)
    if periods and period is None:
        raise Http404
    offered = [p for p in periods if p.code in filled or p == period]
    points = bool(ind and ind.unit == "%")
    rows = (
        selectors.indicator_table(request.user, code=code, level=level, period=period, points=points)
        if ind and period
        else []
    )
    series = selectors.indicator_series(request.user, code=code, kind=period.kind) if ind and period else []
    chart = {
        "name": ind.name if ind else "",
        "unit": ind.unit if ind else "",
        "level": level,
        "rows": [
            {"name": r["name"], "value": float(r["value"].value) if r["value"].value is not None else None}
            for r in rows
        ],
        "series": [{"period": label, "value": v} for _c, label, v in series],
    }
    if request.GET.get("export") == "xlsx" and ind and period:
        return _explorer_xlsx(ind, period, level, rows, points)
    return render(
        request,
        "data/explorer.html",
        {
            "inds": inds,
            "ind": ind,
            "levels": [(lv, dict(IndicatorValue.Level.choices)[lv]) for lv in levels],
            "level": level,
            "periods": offered,
            "period": period,
            "period_notice": choice.notice if ind and period else "",
            "latest_href": _with_query(request, period=choice.latest) if choice.latest else "",
            "latest_label": label_of(choice.latest) if choice.latest else "",
            "kind": kind,
            "rows": rows,
            "chart": chart,
            "points": points,
        },
    )


def _with_query(request, **changes) -> str:
    """This page's query string with some parameters changed (a link to another period)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    query.pop("export", None)
    return f"?{query.urlencode()}"


def _explorer_xlsx(ind, period, level: str, rows: list[dict], points: bool):
    """The explorer's table as shown, with its unit and year-on-year column, as an Excel file."""
    level_label = dict(IndicatorValue.Level.choices)[level]
    header = [
        "单位",
        "上级",
        "代码",
        f"{ind.name}（{ind.unit}）",
        "上年同期",
        "同比（百分点）" if points else "同比（%）",
    ]
    content = table_xlsx(
        ind.name,
        header,
        (
            [
                r["name"],
                r["parent"],
                r["code"],
                r["value"].value,
                r["prev"],
                None if r["growth"] is None else round(r["growth"], 2),
            ]
            for r in rows
        ),
        notes=[f"{period.label} · {level_label} · 定义：{ind.definition}"],
    )
    return download(content, f"{ind.name}_{period.label}_{level_label}.xlsx", XLSX)


@login_required
def value_lineage(request, pk):
    _figures_user(request)
    value = access.access_value_by_id(request.user, pk)
    data = selectors.lineage(request.user, value)
    return render(request, "data/lineage.html", {"v": value, "unit": selectors.unit_name(value), **data})


@login_required
def catalogue_list(request):
    _figures_user(request)
    ctx = {
        "can_edit": access.can_edit_catalogue(request.user),
        "targets": targets.current_targets(),
        "forms": catalogue.forms().values(),
    }
    return lists.list_response(request, data_lists.INDICATORS, "data/catalogue.html", ctx)


@login_required
def indicator_detail(request, code):
    _figures_user(request)
    versions = list(access.indicators_for(request.user).filter(code=code).order_by("-version"))
    if not versions:
        raise Http404
    return render(
        request,
        "data/indicator_detail.html",
        {
            "ind": next((v for v in versions if v.is_current), versions[0]),
            "versions": versions,
            "can_edit": access.can_edit_catalogue(request.user),
            "used_by": access.indicators_for(request.user).filter(
                is_current=True, source_kind="formula", source__contains=code
            ),
            "targets": access.targets_for(request.user).filter(is_current=True, indicator_code=code),
        },
    )


@login_required
def indicator_new(request):
    access.require_catalogue_editor(request.user)
    form = IndicatorForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in services.INDICATOR_FIELDS}
        try:
            ind = services.indicator_create(actor=request.user, code=form.cleaned_data["code"], **fields)
            messages.success(request, "已新增指标；重新计算派生指标后即有数值。")
            return redirect("data_indicator", ind.code)
        except ValidationError as e:
            form_add_service_error(form, e)
    return render(
        request, "data/edit_form.html", {"form": form, "title": "新增指标", "back": reverse("data_catalogue")}
    )


@login_required
def indicator_edit(request, code):
    ind = access.access_indicator_for_edit(request.user, code)
    form = IndicatorForm(
        request.POST or None, instance=Indicator(**{f: getattr(ind, f) for f in services.INDICATOR_FIELDS})
    )
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in services.INDICATOR_FIELDS}
        try:
            services.indicator_update(
                actor=request.user, code=code, change_note=form.cleaned_data["change_note"], **changes
            )
            messages.success(request, "已保存为新版本；重新计算派生指标后生效。")
            return redirect("data_indicator", code)
        except ValidationError as e:
            form_add_service_error(form, e)
    return render(
        request,
        "data/edit_form.html",
        {"form": form, "title": f"修改指标：{ind.name}", "back": reverse("data_indicator", args=[code])},
    )
