"""Pages of typical cases and the zone's publicity. Thin: access first (404 for those who may not see), then
selectors; writes through services, whose refusals are shown on the form that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from puhui.cases import access, forms
from puhui.cases.lists import CASES, PUBLICITY
from puhui.cases.models import CaseStatus, PromotionStatus
from puhui.cases.selectors import records, report
from puhui.cases.services import cases as case_services
from puhui.cases.services import promotions as promotion_services
from puhui.cases.services.attachments import file_chunks
from puhui.core import exports, lists, periods
from puhui.core.service_errors import run_on_form

CASE_FIELDS = ("title", "topic", "task", "period", "text")
PROMOTION_FIELDS = ("kind", "held_on", "topic", "place", "town", "audience", "summary")


def _write_data(form, request) -> dict:
    data = dict(form.cleaned_data)
    data["files"] = request.FILES.getlist("files")
    return data


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


# ---------------------------------------------------------------- cases


@login_required
def cases(request):
    if not access.may_see_cases(request.user):
        raise Http404
    ctx = {"may_add": access.may_add_case(request.user), "pending": records.pending_cases_count(request.user)}
    return lists.list_response(request, CASES, "cases/case_list.html", ctx)


@login_required
def case_add(request):
    if not access.may_add_case(request.user):
        raise Http404
    form = forms.CaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case = run_on_form(
            form, lambda: case_services.case_create(actor=request.user, **_write_data(form, request))
        )
        if case is not None:
            messages.success(request, f"已报送，等待领导小组办公室审核：{case}。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form}, status=_status(request))


@login_required
def case_edit(request, pk):
    case = access.access_case_for_edit(request.user, pk)
    existing = records.case_files(case)
    form = forms.CaseForm(
        request.POST or None,
        request.FILES or None,
        initial=forms.initial_of(case, CASE_FIELDS),
        existing=existing,
    )
    if request.method == "POST" and form.is_valid():
        done = run_on_form(
            form,
            lambda: case_services.case_update(actor=request.user, case=case, **_write_data(form, request)),
        )
        if done is not None:
            messages.success(request, "已修改并重新报送。")
            return redirect("cases:case_detail", case.pk)
    return render(request, "cases/case_form.html", {"form": form, "record": case}, status=_status(request))


def _decisions(user, case) -> list[str]:
    if not access.can_review(user):
        return []
    return [d for d, (allowed, *_rest) in case_services.DECISIONS.items() if case.status in allowed]


def _case_page(request, case, review_form=None, select_form=None, status=200):
    user = request.user
    decisions = _decisions(user, case)
    ctx = {
        "record": case,
        "files": records.case_files(case),
        "may_edit": access.may_edit_case(user, case),
        "review_form": review_form or (forms.CaseReviewForm(decisions=decisions) if decisions else None),
        "select_form": select_form
        or (
            forms.SelectForm(initial={"period": case.selected_for})
            if access.can_review(user) and case.status in (CaseStatus.ACCEPTED, CaseStatus.PUBLISHED)
            else None
        ),
    }
    return render(request, "cases/case_detail.html", ctx, status=status)


@login_required
def case_detail(request, pk):
    return _case_page(request, access.access_case_by_id(request.user, pk))


@login_required
@require_POST
def case_review(request, pk):
    access.require_review(request.user)
    case = access.access_case_by_id(request.user, pk)
    form = forms.CaseReviewForm(request.POST, decisions=_decisions(request.user, case))
    if form.is_valid():
        done = run_on_form(
            form, lambda: case_services.case_review(actor=request.user, case=case, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, f"审核完成：{done.get_status_display()}。")
            return redirect("cases:case_detail", case.pk)
    return _case_page(request, case, review_form=form, status=400)


@login_required
@require_POST
def case_select(request, pk):
    access.require_review(request.user)
    case = access.access_case_by_id(request.user, pk)
    form = forms.SelectForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: case_services.case_select(
                actor=request.user, case=case, period=form.cleaned_data["period"]
            ),
        )
        if done is not None:
            messages.success(
                request, f"已入选{done.selected_label}评估报告。" if done.selected_for else "已取消入选。"
            )
            return redirect("cases:case_detail", case.pk)
    return _case_page(request, case, select_form=form, status=400)


def _download(item):
    return exports.streaming_download(file_chunks(item), item.name, item.content_type)


@login_required
def case_file(request, pk):
    """An attachment, decrypted as it streams, under its own (Chinese) name, for those who see the case."""
    return _download(access.access_case_file_by_id(request.user, pk))


# ---------------------------------------------------------------- the zone's publicity


@login_required
def publicity(request):
    if not access.may_see_promotions(request.user):
        raise Http404
    ctx = {
        "may_add": access.may_add_promotion(request.user),
        "pending": records.pending_promotions_count(request.user),
    }
    return lists.list_response(request, PUBLICITY, "cases/publicity_list.html", ctx)


@login_required
def publicity_add(request):
    if not access.may_add_promotion(request.user):
        raise Http404
    form = forms.PromotionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = run_on_form(
            form,
            lambda: promotion_services.promotion_create(actor=request.user, **_write_data(form, request)),
        )
        if record is not None:
            messages.success(request, f"已登记，等待领导小组办公室审核：{record}。")
            return redirect("cases:publicity_detail", record.pk)
    return render(request, "cases/publicity_form.html", {"form": form}, status=_status(request))


@login_required
def publicity_edit(request, pk):
    record = access.access_promotion_for_edit(request.user, pk)
    existing = records.promotion_files(record)
    initial = forms.initial_of(record, PROMOTION_FIELDS)
    form = forms.PromotionForm(
        request.POST or None, request.FILES or None, initial=initial, existing=existing
    )
    if request.method == "POST" and form.is_valid():
        done = run_on_form(
            form,
            lambda: promotion_services.promotion_update(
                actor=request.user, record=record, **_write_data(form, request)
            ),
        )
        if done is not None:
            messages.success(request, "已修改并重新提交审核。")
            return redirect("cases:publicity_detail", record.pk)
    ctx = {"form": form, "record": record}
    return render(request, "cases/publicity_form.html", ctx, status=_status(request))


def _publicity_page(request, record, review_form=None, status=200):
    user = request.user
    ctx = {
        "record": record,
        "files": records.promotion_files(record),
        "may_edit": access.may_edit_promotion(user, record),
        "review_form": review_form
        or (
            forms.PromotionReviewForm()
            if access.can_review(user) and record.status == PromotionStatus.PENDING
            else None
        ),
    }
    return render(request, "cases/publicity_detail.html", ctx, status=status)


@login_required
def publicity_detail(request, pk):
    return _publicity_page(request, access.access_promotion_by_id(request.user, pk))


@login_required
@require_POST
def publicity_review(request, pk):
    access.require_review(request.user)
    record = access.access_promotion_by_id(request.user, pk)
    form = forms.PromotionReviewForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form,
            lambda: promotion_services.promotion_review(
                actor=request.user, record=record, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"审核完成：{done.get_status_display()}。")
            return redirect("cases:publicity")
    record.refresh_from_db()
    return _publicity_page(request, record, review_form=form, status=400)


@login_required
def publicity_file(request, pk):
    return _download(access.access_promotion_file_by_id(request.user, pk))


# ---------------------------------------------------------------- what the periodic report takes


@login_required
def summary(request):
    """The office's view of what a period's evaluation report takes: the selected cases and the publicity
    figures (the same selectors the report calls)."""
    if not access.may_see_summary(request.user):
        raise Http404
    available = records.summary_periods()
    try:
        chosen = periods.choose(request.GET.get("period"), available, default=str(timezone.localdate().year))
    except ValueError:
        raise Http404 from None
    ctx = {
        "choices": [(c, periods.label(c)) for c in available],
        "chosen": chosen,
        "period": chosen.code,
        "period_label": periods.label(chosen.code),
        "cases": report.selected_cases(chosen.code),
        "publicity": report.publicity_summary(chosen.code),
    }
    return render(request, "cases/summary.html", ctx)
