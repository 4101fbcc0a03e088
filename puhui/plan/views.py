"""Pages of the plan: thin — access through `access`, reads through `selectors`, writes through `services`."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core import notifications as core_notifications
from puhui.core.exports import DOCX, XLSX, download
from puhui.core.periods import date_cn
from puhui.plan import access, documents, forms, selectors, services
from puhui.plan import lists as plan_lists
from puhui.plan.loader import PlanFileError
from puhui.plan.models import ProgressReport, SupervisionNotice
from puhui.plan.workdays import period_by_code, plan_periods


def no_plan_page(request):
    return render(request, "plan/no_plan.html", {"is_office": access.is_office(request.user)})


# ---------------------------------------------------------------------------------------- overview


@login_required
def board(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    periods = selectors.periods_until(
        plan, timezone.localdate() + datetime.timedelta(days=92)
    ) or plan_periods(plan)
    period = period_by_code(plan, request.GET.get("period", "")) or selectors.default_period(plan)
    data = selectors.board(plan, request.user, period)
    return render(
        request,
        "plan/board.html",
        {
            "plan": plan,
            "board": data,
            "periods": periods,
            "period": period,
            "is_office": access.is_office(request.user),
        },
    )


@login_required
def my_tasks(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None or access.acting_unit(request.user) is None:
        if plan is not None and access.is_office(request.user):  # an administrator without a unit
            return redirect("plan_board")
        return no_plan_page(request)
    agenda = selectors.unit_agenda(plan, request.user, as_of=timezone.localdate())
    return render(
        request, "plan/my_tasks.html", {"plan": plan, "agenda": agenda, "today": timezone.localdate()}
    )


@login_required
def overdue(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    today = timezone.localdate()
    data = selectors.overdue(plan, request.user, as_of=today)
    if request.GET.get("export") == "xlsx":
        name = documents.document_filename("逾期事项", date_cn(today), ext="xlsx")
        return download(documents.overdue_workbook(data), name, XLSX)
    notices = list(data["notices"][: OVERDUE_SHOWN + 1])
    return render(
        request,
        "plan/overdue.html",
        {
            "plan": plan,
            "data": data,
            "notices": notices[:OVERDUE_SHOWN],
            "notice_count": data["notices"].count() if len(notices) > OVERDUE_SHOWN else len(notices),
            "is_office": access.is_office(request.user),
        },
    )


OVERDUE_SHOWN = 20  # the rest are a click away on the 督办单 list, filtered to the overdue ones


@login_required
def timeline(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    rows = selectors.timeline(plan, request.user)
    chart = [
        {
            "task": f"{r['m'].task.number}. {r['m'].task.title}",
            "number": r["m"].task.number,
            "due": r["m"].due_on.isoformat(),
            "original": r["m"].original_due_on.isoformat(),
            "done": r["m"].completed_on.isoformat() if r["m"].completed_on else None,
            "text": r["m"].text,
            "state": r["state"],
        }
        for r in rows
    ]
    return render(
        request,
        "plan/timeline.html",
        {"plan": plan, "rows": rows, "chart": chart, "today": timezone.localdate()},
    )


@login_required
def task_detail(request, pk):
    task = access.access_task_by_id(request.user, pk)
    data = selectors.task_page(task, request.user)
    org = access.acting_unit(request.user)
    return render(
        request,
        "plan/task_detail.html",
        {
            "task": task,
            "plan": task.plan,
            "data": data,
            "is_office": access.is_office(request.user),
            "can_report": access.may_report_on(request.user, task),
            "my_org": org,
        },
    )


@login_required
def task_export(request):
    access.require_task_export(request.user)
    plan = access.access_current_plan(request.user, request.GET.get("plan"))
    period = period_by_code(plan, request.GET.get("period", "")) or selectors.default_period(plan)
    data = selectors.board(plan, request.user, period)
    rows = selectors.task_table(plan, request.user, period, data)
    content = documents.task_table_workbook(plan, rows, data)
    return download(content, documents.document_filename("任务分解表", period.label, ext="xlsx"), XLSX)


# ------------------------------------------------------------------------------------------ reports


@login_required
def report_new(request, pk):
    task = access.access_task_for_report(request.user, pk)
    org = access.acting_unit(request.user)
    plan = task.plan
    today = timezone.localdate()
    periods = [p for p in plan_periods(plan) if p.start <= today] or plan_periods(plan)[:1]
    periods = list(reversed(periods))
    current = {r.period: r for r in access.reports_for(request.user).filter(task=task, is_current=True)}
    open_periods = [
        p
        for p in periods
        if p.code not in current or current[p.code].review == ProgressReport.Review.RETURNED
    ]
    chosen = request.GET.get("period") or request.POST.get("period")
    previous = current.get(chosen) if chosen else None
    milestones = list(task.milestones.filter(unit__organisation_id=org.pk, completed_on__isnull=True))
    initial = {"period": chosen or (open_periods[0].code if open_periods else "")}
    if previous is not None:
        initial.update(
            status=previous.status,
            completion=previous.completion,
            narrative=previous.narrative,
            indicator_codes=[c for c in (previous.indicator_codes or "").split(",") if c],
            keep_evidence=True,
        )
    form = forms.ReportForm(
        request.POST or None,
        initial=initial,
        periods=open_periods,
        milestones=milestones,
        resubmission=previous is not None,
        indicators=selectors.task_indicators(task),
    )
    if request.method == "POST" and form.is_valid():
        chosen_ms = [m for m in milestones if str(m.pk) in form.cleaned_data.get("milestones", [])]
        try:
            report = services.report_submit(
                actor=request.user,
                task=task,
                unit=org,
                period=form.cleaned_data["period"],
                status=form.cleaned_data["status"],
                completion=form.cleaned_data["completion"],
                narrative=form.cleaned_data["narrative"],
                indicator_codes=form.cleaned_data.get("indicator_codes", ""),
                milestones=chosen_ms,
                files=request.FILES.getlist("files"),
                keep_evidence=form.cleaned_data.get("keep_evidence", False),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(
                request, f"已报送 {report.period} 进度（第{report.version}版），等待办公室审核。"
            )
            return redirect("plan_report_detail", report.pk)
    return render(
        request,
        "plan/report_form.html",
        {"task": task, "plan": plan, "form": form, "previous": previous, "open_periods": open_periods},
    )


@login_required
def report_detail(request, pk):
    report = access.access_report_by_id(request.user, pk)
    versions = (
        access.reports_for(request.user)
        .filter(task=report.task, unit=report.unit, period=report.period)
        .select_related("submitted_by", "reviewed_by")
        .prefetch_related("evidence", "milestones_done")
        .order_by("-version")
    )
    names = dict(selectors.task_indicators(report.task))
    versions = list(versions)
    for v in versions:  # linked indicators by name (a code no longer in the catalogue as it is)
        v.indicator_words = [names.get(c, c) for c in (v.indicator_codes or "").split(",") if c]
    return render(
        request,
        "plan/report_detail.html",
        {
            "report": report,
            "task": report.task,
            "plan": report.task.plan,
            "versions": versions,
            "review_form": forms.ReviewForm(),
            "is_office": access.is_office(request.user),
            "can_resubmit": report.is_current
            and report.review == ProgressReport.Review.RETURNED
            and access.acting_unit(request.user) is not None,
        },
    )


@login_required
@require_POST
def report_review(request, pk):
    report = access.access_report_for_review(request.user, pk)
    form = forms.ReviewForm(request.POST)
    if form.is_valid():
        try:
            reviewed = services.report_review(
                actor=request.user,
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "审核意见已保存。")
            for refused in reviewed.milestones_refused:  # linked milestones whose target is not met
                messages.warning(request, refused)
    else:
        messages.error(request, "请选择审核结果。")
    return redirect("plan_report_detail", report.pk)


@login_required
def evidence_download(request, pk):
    evidence = access.access_evidence_by_id(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=evidence.content_type, as_attachment=True, filename=evidence.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -------------------------------------------------------------------------------------------- 督办


@login_required
def notice_list(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    notices = plan_lists.NOTICES.queryset(request.user).filter(plan=plan)
    context = {"plan": plan, "today": timezone.localdate(), "is_office": access.is_office(request.user)}
    return lists.list_response(
        request, plan_lists.NOTICES, "plan/notice_list.html", context, queryset=notices
    )


@login_required
def notice_new(request, pk):
    task = access.access_task_for_notice(request.user, pk)
    units = [
        (a.unit.organisation, a.unit.name)
        for a in task.assignments.select_related("unit", "unit__organisation")
        if a.unit.organisation_id
    ]
    initial = {"unit": request.GET.get("unit", "")}
    form = forms.NoticeForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = next(org for org, _n in units if str(org.pk) == form.cleaned_data["unit"])
        try:
            notice = services.notice_issue(
                actor=request.user,
                task=task,
                unit=unit,
                reason=form.cleaned_data["reason"],
                required_action=form.cleaned_data["required_action"],
                working_days=form.cleaned_data["working_days"],
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, f"已签发督办单 {notice.number}，办理期限 {date_cn(notice.deadline)}。")
            return redirect("plan_notice_detail", notice.pk)
    return render(request, "plan/notice_form.html", {"task": task, "plan": task.plan, "form": form})


@login_required
def notice_detail(request, pk):
    notice = access.access_notice_by_id(request.user, pk)
    org = access.acting_unit(request.user)
    return render(
        request,
        "plan/notice_detail.html",
        {
            "notice": notice,
            "plan": notice.plan,
            "is_office": access.is_office(request.user),
            "can_respond": org is not None
            and org.pk == notice.unit_id
            and notice.status == SupervisionNotice.Status.OPEN,
            "respond_form": forms.RespondForm(),
            "close_form": forms.CommentForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def notice_respond(request, pk):
    notice = access.access_notice_by_id(request.user, pk)
    form = forms.RespondForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写办理情况。")
        return redirect("plan_notice_detail", notice.pk)
    try:
        services.notice_respond(actor=request.user, notice=notice, response=form.cleaned_data["response"])
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已回复督办单。")
    return redirect("plan_notice_detail", notice.pk)


@login_required
@require_POST
def notice_remind(request, pk):
    notice = access.access_notice_for_office(request.user, pk)
    try:
        services.notice_remind(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已催办。")
    return redirect("plan_notice_detail", notice.pk)


@login_required
@require_POST
def notice_close(request, pk):
    notice = access.access_notice_for_office(request.user, pk)
    form = forms.CommentForm(request.POST)
    form.is_valid()
    try:
        services.notice_close(actor=request.user, notice=notice, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "督办事项已办结。")
    return redirect("plan_notice_detail", notice.pk)


# ----------------------------------------------------------------------------------------- 延期申请


@login_required
def delay_new(request, pk):
    task = access.access_task_for_report(request.user, pk)
    org = access.acting_unit(request.user)
    milestones = list(task.milestones.filter(unit__organisation_id=org.pk, completed_on__isnull=True))
    form = forms.DelayForm(
        request.POST or None, milestones=milestones, initial={"milestone": request.GET.get("milestone", "")}
    )
    if request.method == "POST" and form.is_valid():
        milestone = next((m for m in milestones if str(m.pk) == form.cleaned_data["milestone"]), None)
        try:
            services.delay_request(
                actor=request.user,
                task=task,
                unit=org,
                reason=form.cleaned_data["reason"],
                requested_due=form.cleaned_data["requested_due"],
                milestone=milestone,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, "延期申请已提交，等待办公室审批。")
            return redirect("plan_task_detail", task.pk)
    return render(request, "plan/delay_form.html", {"task": task, "plan": task.plan, "form": form})


@login_required
def delay_list(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    delays = plan_lists.DELAYS.queryset(request.user).filter(task__plan=plan)
    context = {"plan": plan, "is_office": access.is_office(request.user)}
    return lists.list_response(request, plan_lists.DELAYS, "plan/delay_list.html", context, queryset=delays)


@login_required
def report_list(request):
    """进展报告: every unit's reports (the office) or the unit's own, with their review state."""
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    reports = plan_lists.REPORTS.queryset(request.user).filter(task__plan=plan)
    context = {"plan": plan, "is_office": access.is_office(request.user)}
    return lists.list_response(
        request, plan_lists.REPORTS, "plan/report_list.html", context, queryset=reports
    )


@login_required
@require_POST
def delay_decide(request, pk):
    delay = access.access_delay_request_for_decision(request.user, pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批结果。")
        return redirect("plan_delay_list")
    try:
        services.delay_decide(
            actor=request.user,
            request=delay,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已审批延期申请。")
    return redirect("plan_delay_list")


# ------------------------------------------------------------------------------------------- 通报


@login_required
def bulletin_list(request):
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    bulletins = access.bulletins_for(request.user).filter(plan=plan)
    return render(
        request,
        "plan/bulletin_list.html",
        {"plan": plan, "bulletins": bulletins, "is_office": access.is_office(request.user)},
    )


@login_required
def bulletin_new(request):
    access.require_office(request.user)
    plan = access.access_current_plan(request.user, request.GET.get("plan"))
    schemes = list(access.schemes_for(request.user).filter(plan=plan, status="computed"))
    today = timezone.localdate()
    n = plan.bulletins.filter(issued_on__year=today.year).count() + 1
    form = forms.BulletinForm(
        request.POST or None,
        schemes=schemes,
        initial={
            "number": f"普惠办通报〔{today.year}〕{n}号",
            "title": "关于普惠金融综合示范区试点县建设任务落实情况的通报",
            "issued_on": today,
            "scheme": str(schemes[0].pk) if schemes else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        scheme = next((s for s in schemes if str(s.pk) == form.cleaned_data["scheme"]), None)
        try:
            bulletin = services.bulletin_create(
                actor=request.user,
                plan=plan,
                scheme=scheme,
                number=form.cleaned_data["number"],
                title=form.cleaned_data["title"],
                issued_on=form.cleaned_data["issued_on"],
            )
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, "已生成通报草稿，请修改正文后发布。")
            return redirect("plan_bulletin_detail", bulletin.pk)
    return render(request, "plan/bulletin_form.html", {"plan": plan, "form": form})


@login_required
def bulletin_detail(request, pk):
    if request.method == "POST":  # saving an edit: the office, a draft
        bulletin = access.access_bulletin_for_edit(request.user, pk)
    else:
        bulletin = access.access_bulletin_by_id(request.user, pk)
    edit_form = None
    if access.may_edit_bulletin(request.user, bulletin):
        edit_form = forms.BulletinEditForm(
            request.POST or None,
            initial={"title": bulletin.title, "issued_on": bulletin.issued_on, "body": bulletin.body},
        )
        if request.method == "POST" and edit_form.is_valid():
            try:
                services.bulletin_update(actor=request.user, bulletin=bulletin, **edit_form.cleaned_data)
            except ValidationError as exc:
                forms.apply_errors(edit_form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("plan_bulletin_detail", bulletin.pk)
    ranking = selectors.ranking(bulletin.scheme) if bulletin.scheme_id else []
    return render(
        request,
        "plan/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "plan": bulletin.plan,
            "paragraphs": [p for p in bulletin.body.splitlines() if p.strip()],
            "ranking": ranking,
            "overdue_notices": bulletin.overdue_notices.select_related("unit", "task"),
            "edit_form": edit_form,
            "is_office": access.is_office(request.user),
        },
    )


@login_required
@require_POST
def bulletin_publish(request, pk):
    bulletin = access.access_bulletin_for_publish(request.user, pk)
    try:
        services.bulletin_publish(actor=request.user, bulletin=bulletin)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "通报已发布，各责任单位可以查看。")
    return redirect("plan_bulletin_detail", bulletin.pk)


@login_required
def bulletin_docx(request, pk):
    bulletin = access.access_bulletin_by_id(request.user, pk)
    ranking = selectors.ranking(bulletin.scheme) if bulletin.scheme_id else []
    content = documents.bulletin_docx(bulletin, ranking)
    return download(content, documents.document_filename(bulletin.title, bulletin.number, ext="docx"), DOCX)


# -------------------------------------------------------------------------------------- notifications
# The pages stay under the plan's URLs (plan_notifications, …); the model and its reads are core's.


@login_required
def notifications(request):
    unread = core_notifications.notifications_for(request.user).filter(read_at__isnull=True).count()
    return lists.list_response(
        request, plan_lists.NOTIFICATIONS, "plan/notifications.html", {"unread": unread}
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = core_notifications.access_notification_by_id(request.user, pk)
    core_notifications.notification_mark_read(actor=request.user, notification=notification)
    if notification.url and request.POST.get("go"):
        return redirect(notification.url)
    return redirect("plan_notifications")


@login_required
@require_POST
def notifications_read_all(request):
    core_notifications.notification_mark_read(actor=request.user)
    return redirect("plan_notifications")


@login_required
def notification_badge(request):
    """For the navigation bar: the unread count and the latest few titles."""
    qs = core_notifications.notifications_for(request.user).filter(read_at__isnull=True)
    latest = [
        {"title": n.title, "url": n.url, "at": timezone.localtime(n.created_at).strftime("%m-%d %H:%M")}
        for n in qs[:5]
    ]
    return JsonResponse({"unread": qs.count(), "latest": latest, "url": reverse("plan_notifications")})


# --------------------------------------------------------------------------------------------- setup


@login_required
def setup(request):
    access.require_office(request.user)
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    settings_form = None
    if plan is not None:
        settings_form = forms.PlanSettingsForm(
            request.POST if request.POST.get("action") == "settings" else None,
            initial={
                "report_frequency": plan.report_frequency,
                "report_due_working_days": plan.report_due_working_days,
            },
        )
        if request.method == "POST" and request.POST.get("action") == "settings" and settings_form.is_valid():
            services.plan_update_settings(actor=request.user, plan=plan, **settings_form.cleaned_data)
            messages.success(request, "报送设置已保存。")
            return redirect("plan_setup")
    upload_form = forms.PlanUploadForm(
        request.POST if request.POST.get("action") == "upload" else None,
        request.FILES if request.POST.get("action") == "upload" else None,
    )
    problems = []
    if request.method == "POST" and request.POST.get("action") == "upload" and upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        if upload_form.cleaned_data["check_only"]:
            problems = services.plan_check(file=upload)
            if not problems:
                messages.success(request, "检查通过，可以导入。")
        else:
            try:
                loaded = services.plan_load(actor=request.user, file=upload)
            except PlanFileError as exc:
                problems = exc.problems
            else:
                messages.success(request, f"已导入《{loaded.title}》（{loaded.doc_number}）。")
                return redirect("plan_board")
    return render(
        request,
        "plan/setup.html",
        {
            "plan": plan,
            "counts": selectors.plan_counts(plan) if plan else None,
            "units": plan.units.select_related("organisation") if plan else [],
            "settings_form": settings_form,
            "upload_form": upload_form,
            "problems": problems,
        },
    )


@login_required
def template_download(request):
    access.require_office(request.user)
    data = None
    if request.GET.get("example") == "1":
        from puhui.plan.loader import read_yaml

        data, _locate, _problems = read_yaml((documents.DATA_DIR / "yiyuan-2020.yaml").read_bytes())
    name = "实施方案模板-沂源示例.xlsx" if data else "实施方案模板.xlsx"
    return download(documents.plan_workbook(data), name, XLSX)
