"""Pages of risk disposal. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown on the form that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.service_errors import run_on_form
from puhui.disposal import access, forms
from puhui.disposal.lists import CASES, LISTINGS
from puhui.disposal.models import RiskCase
from puhui.disposal.selectors import cases as case_selectors
from puhui.disposal.selectors import listings as listing_selectors
from puhui.disposal.services import cases as case_services
from puhui.disposal.services import listings as listing_services

# ---------------------------------------------------------------- cases


@login_required
def cases(request):
    access.require_cases(request.user)
    ctx = {
        "summary": case_selectors.case_summary(request.user),
        "can_manage": access.can_manage(request.user),
    }
    return lists.list_response(request, CASES, "disposal/cases.html", ctx)


@login_required
def case_add(request):
    access.require_manage(request.user)
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = run_on_form(form, lambda: case_services.case_open(actor=request.user, **form.cleaned_data))
        if case is not None:
            messages.success(request, f"已立案：{case.title}。")
            return redirect("disposal:case_detail", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "disposal/case_form.html", {"form": form}, status=status)


def _case_page(request, case: RiskCase, status=200, **forms_given):
    manage = access.can_manage(request.user) and case.status == RiskCase.Status.OPEN
    ctx = {
        "case": case,
        "steps": case_selectors.case_steps(request.user, case),
        "sees_all": access.sees_all(request.user),
        "step_form": forms_given.get("step_form") or (forms.StepForm() if manage else None),
        "close_form": forms_given.get("close_form") or (forms.CloseForm() if manage else None),
        "report_form": forms_given.get("report_form") or forms.StepReportForm(),
        "report_step": forms_given.get("report_step"),
    }
    return render(request, "disposal/case_detail.html", ctx, status=status)


@login_required
def case_detail(request, pk):
    return _case_page(request, access.access_case_by_id(request.user, pk))


@login_required
@require_POST
def step_add(request, pk):
    case = access.access_case_for_edit(request.user, pk)
    form = forms.StepForm(request.POST)
    if form.is_valid():
        step = run_on_form(
            form, lambda: case_services.step_add(actor=request.user, case=case, **form.cleaned_data)
        )
        if step is not None:
            messages.success(request, f"已交办{step.owner.name}：{step.what}（{step.deadline:%Y-%m-%d}前）。")
            return redirect("disposal:case_detail", case.pk)
    return _case_page(request, case, status=400, step_form=form)


@login_required
@require_POST
def case_close(request, pk):
    case = access.access_case_for_edit(request.user, pk)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form, lambda: case_services.case_close(actor=request.user, case=case, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, "案件已办结。")
            return redirect("disposal:case_detail", case.pk)
    return _case_page(request, case, status=400, close_form=form)


@login_required
@require_POST
def step_report(request, pk):
    step = access.access_step_for_report(request.user, pk)
    form = forms.StepReportForm(request.POST)
    if form.is_valid():
        done = run_on_form(
            form, lambda: case_services.step_report(actor=request.user, step=step, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, "已报告办理情况。")
            return redirect("disposal:case_detail", step.case_id)
    case = access.access_case_by_id(request.user, step.case_id)
    return _case_page(request, case, status=400, report_form=form, report_step=step.pk)


# ---------------------------------------------------------------- the dishonest-debtor list


@login_required
def listings(request):
    access.require_listings(request.user)
    ctx = {"may_propose": access.may_propose(request.user)}
    return lists.list_response(request, LISTINGS, "disposal/listings.html", ctx)


@login_required
def listing_propose(request):
    access.require_propose(request.user)
    form = forms.ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        listing = run_on_form(
            form, lambda: listing_services.listing_propose(actor=request.user, **form.cleaned_data)
        )
        if listing is not None:
            messages.success(
                request, f"已提议将“{listing.debtor_name}”列入逃废债黑名单，等待办公室告知债务人。"
            )
            return redirect("disposal:listing_detail", listing.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "disposal/listing_form.html", {"form": form}, status=status)


def _objection_form(user, data=None):
    return forms.OfficeObjectionForm(data) if access.can_manage(user) else forms.ObjectionForm(data)


def _listing_page(request, listing, status=200, **given):
    user = request.user
    ctx = {
        "listing": listing,
        "code": listing_selectors.debtor_code(listing, user),
        "timeline": listing_selectors.timeline(listing),
        "can": listing_selectors.actions(user, listing),
        "notice_form": given.get("notice_form") or forms.NoticeForm(),
        "objection_form": given.get("objection_form") or _objection_form(user),
        "decision_form": given.get("decision_form") or forms.DecisionForm(),
        "settle_form": given.get("settle_form") or forms.SettleForm(),
        "remove_form": given.get("remove_form") or forms.RemoveForm(),
        "is_debtor": access.is_debtor(user, listing),
        # The refused form's errors, shown above the page: the form itself may no longer be offered (an
        # objection after the window).
        "refused": next(iter(given.values()), None),
    }
    return render(request, "disposal/listing_detail.html", ctx, status=status)


@login_required
def listing_detail(request, pk):
    return _listing_page(request, access.access_listing_by_id(request.user, pk))


def _transition(request, pk, form_class, name, write, done_message):
    """One step of the due process: the form, the service, the page again with the refusal if any."""
    listing = access.access_listing_by_id(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid() and run_on_form(form, lambda: write(listing, form.cleaned_data)) is not None:
        messages.success(request, done_message)
        return redirect("disposal:listing_detail", listing.pk)
    listing.refresh_from_db()
    return _listing_page(request, listing, status=400, **{name: form})


@login_required
@require_POST
def listing_notify(request, pk):
    access.require_manage(request.user)
    return _transition(
        request, pk, forms.NoticeForm, "notice_form",
        lambda listing, data: listing_services.listing_notify(actor=request.user, listing=listing, **data),
        "已登记告知，异议期开始计算。",
    )  # fmt: skip


@login_required
@require_POST
def listing_object(request, pk):
    listing = access.access_listing_by_id(request.user, pk)
    if not access.may_object(request.user, listing):
        raise Http404
    form_class = forms.OfficeObjectionForm if access.can_manage(request.user) else forms.ObjectionForm
    return _transition(
        request, pk, form_class, "objection_form",
        lambda listing, data: listing_services.listing_object(actor=request.user, listing=listing, **data),
        "异议已登记，办公室将核实后作出决定。",
    )  # fmt: skip


@login_required
@require_POST
def listing_decide(request, pk):
    access.require_manage(request.user)
    return _transition(
        request, pk, forms.DecisionForm, "decision_form",
        lambda listing, data: listing_services.listing_decide(actor=request.user, listing=listing, **data),
        "已登记决定。",
    )  # fmt: skip


@login_required
@require_POST
def listing_settle(request, pk):
    listing = access.access_listing_by_id(request.user, pk)
    if not (access.is_own_proposal(request.user, listing) or access.can_manage(request.user)):
        raise Http404
    return _transition(
        request, pk, forms.SettleForm, "settle_form",
        lambda listing, data: listing_services.listing_settle(actor=request.user, listing=listing, **data),
        "已报告清偿，等待办公室移出。",
    )  # fmt: skip


@login_required
@require_POST
def listing_remove(request, pk):
    access.require_manage(request.user)
    return _transition(
        request, pk, forms.RemoveForm, "remove_form",
        lambda listing, data: listing_services.listing_remove(actor=request.user, listing=listing, **data),
        "已移出逃废债黑名单。",
    )  # fmt: skip
