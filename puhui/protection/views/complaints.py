"""Staff pages of complaints: the list, the deadline board, intake, one complaint and its actions, the
statistics. Thin: access first (404), then selectors; writes through services."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.crypto import mask_id_number, mask_phone
from puhui.core.exports import XLSX, download
from puhui.core.periods import date_cn
from puhui.core.service_errors import run_on_form
from puhui.protection import access, documents, forms
from puhui.protection.lists import BOARD, COMPLAINTS
from puhui.protection.models import Complaint
from puhui.protection.selectors import complaints as selectors
from puhui.protection.selectors import mediation as mediation_selectors
from puhui.protection.selectors import statistics as statistics_selectors
from puhui.protection.services import complaints as services
from puhui.protection.services import mediation as mediation_services

Status = Complaint.Status


@login_required
def complaints(request):
    access.require(access.may_see_complaints(request.user) or access.is_public(request.user))
    ctx = {"may_record": access.may_record(request.user)}
    return lists.list_response(request, COMPLAINTS, "protection/complaints.html", ctx)


@login_required
def board(request):
    access.require(access.may_see_complaints(request.user))
    return lists.list_response(request, BOARD, "protection/board.html")


@login_required
def complaint_add(request):
    access.require(access.may_record(request.user))
    bank = access.bank_of(request.user)
    form = forms.StaffComplaintForm(request.POST or None, bank=bank)
    if request.method == "POST" and form.is_valid():
        done = run_on_form(form, lambda: services.complaint_file(actor=request.user, **form.cleaned_data))
        if done is not None:
            complaint, code = done
            messages.success(
                request,
                f"已受理投诉 {complaint.number}。请把查询码 {services.format_code(code)} 告知投诉人（只显示这一次）。",
            )
            return redirect("protection:complaint_detail", complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/complaint_form.html", {"form": form}, status=status)


def _allowed(user, c: Complaint) -> dict:
    handles, office = access.handles(user, c), access.is_office(user)
    own = access.is_public(user) and c.complainant_id == user.pk
    overdue = c.status == Status.HANDLING and (selectors.days_left(c) or 0) < 0
    return {
        "answer": handles and c.status == Status.HANDLING,
        "extend": handles and c.status == Status.HANDLING and not overdue,
        "transfer": (handles or office) and c.status == Status.HANDLING,
        "feedback": (own or office) and c.status == Status.ANSWERED and not c.feedback,
        "escalate": (own or office) and (c.status == Status.ANSWERED or overdue),
        "close": office and c.status in (Status.ANSWERED, Status.ESCALATED),
        "refer": office and c.status == Status.ESCALATED,
    }


ACTIONS = {
    # action: (form class, service call)
    "answer": (forms.AnswerForm, lambda u, c, d: services.complaint_answer(actor=u, complaint=c, **d), "已答复投诉人。"),
    "extend": (forms.ExtendForm, lambda u, c, d: services.complaint_extend(actor=u, complaint=c, **d), "已延长答复期限，延长理由将告知投诉人。"),
    "transfer": (forms.TransferForm, lambda u, c, d: services.complaint_transfer(actor=u, complaint=c, **d), "已转交。"),
    "feedback": (forms.FeedbackForm, lambda u, c, d: services.complaint_feedback(actor=u, complaint=c, **d), "已登记评价。"),
    "escalate": (forms.EscalateForm, lambda u, c, d: services.complaint_escalate(actor=u, complaint=c, **d), "已提请人民银行处理。"),
    "close": (forms.CloseForm, lambda u, c, d: services.complaint_close(actor=u, complaint=c, **d), "投诉已办结。"),
    "refer": (forms.ReferForm, lambda u, c, d: mediation_services.mediation_open(actor=u, complaint=c, **d), "已转入调解。"),
}  # fmt: skip


def _page(request, c: Complaint, status=200, given=None, clear=None):
    allowed = _allowed(request.user, c)
    action_forms = {
        name: (given if given and given.prefix == name else ACTIONS[name][0](prefix=name))
        for name, ok in allowed.items()
        if ok
    }
    ctx = {
        "complaint": c,
        "state": selectors.state(c),
        "days_left": selectors.days_left(c),
        "phone": (clear or {}).get("phone") or (mask_phone(c.phone) if c.phone else ""),
        "id_number": (clear or {}).get("id_number") or (mask_id_number(c.id_number) if c.id_number else ""),
        "may_unmask": access.may_unmask_contact(request.user, c),
        "timeline": selectors.timeline(c),
        "forms": action_forms,
        "mediation": getattr(c, "mediation", None)
        if access.may_see_mediations(request.user) or access.is_public(request.user)
        else None,
    }
    return render(request, "protection/complaint_detail.html", ctx, status=status)


@never_cache
@login_required
@require_POST
def complaint_unmask(request, pk):
    """The complainant's phone or ID number in clear (htmx fragment), logged; other roles 404."""
    complaint = access.access_complaint_for_unmask(request.user, pk)
    try:
        value = services.complaint_contact_unmask(
            actor=request.user, complaint=complaint, field=request.POST.get("field", "")
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    if request.headers.get("HX-Request"):
        return render(request, "includes/clear_value.html", {"value": value})
    return _page(request, complaint, clear={request.POST["field"]: value})


@login_required
def complaint_detail(request, pk):
    return _page(request, access.access_complaint_by_id(request.user, pk))


@login_required
@require_POST
def complaint_act(request, pk, action):
    c = access.access_complaint_by_id(request.user, pk)
    if action not in ACTIONS or not _allowed(request.user, c)[action]:
        raise Http404
    form_class, write, done = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid() and run_on_form(form, lambda: write(request.user, c, form.cleaned_data)) is not None:
        messages.success(request, done)
        if action == "refer":
            return redirect("protection:mediation_detail", c.mediation.pk)
        return redirect("protection:complaint_detail", c.pk)
    c.refresh_from_db()
    return _page(request, c, status=400, given=form)


def _day(value):
    """A YYYY-MM-DD from the address, or None (an impossible date is ignored, as the list filters do)."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def statistics(request):
    user = request.user
    access.require(access.may_see_statistics(user))
    date_from, date_to = _day(request.GET.get("from")), _day(request.GET.get("to"))
    stats = statistics_selectors.statistics(user, date_from, date_to)
    chain = mediation_selectors.chain_summary(user)
    if request.GET.get("export") == "xlsx":
        period = f"{date_cn(date_from) if date_from else '最早'}至{date_cn(date_to) if date_to else '今'}"
        content = documents.statistics_workbook(stats, chain, period)
        return download(content, f"投诉与调解统计_{timezone.localdate():%Y%m%d}.xlsx", XLSX)
    ctx = {"stats": stats, "chain": chain, "date_from": date_from, "date_to": date_to}
    return render(request, "protection/statistics.html", ctx)
