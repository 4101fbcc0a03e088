"""Pages of 首贷培植和续贷. Thin: access first (404 for those who may not see), then selectors; writes through
services, whose refusals are shown on the form that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.periods import label as period_label
from puhui.core.service_errors import run_on_form
from puhui.firstloans import access, forms
from puhui.firstloans.lists import CONTACTS, DISAGREEMENTS, LISTED, RENEWALS
from puhui.firstloans.models import ListedFirm
from puhui.firstloans.selectors import figures
from puhui.firstloans.services import records
from puhui.firstloans.tasks import firstloans_compute_task
from puhui.jobs.services import job_enqueue


def _require_see(user) -> None:
    if not access.may_see(user):
        raise Http404


@login_required
def listed(request):
    _require_see(request.user)
    run = figures.latest_run()
    ctx = {
        "run": run,
        "summary": figures.list_summary(request.user, run),
        "bank": access.bank_of(request.user),
        "title": LISTED.title,
    }
    return lists.list_response(request, LISTED, "firstloans/list.html", ctx)


@login_required
def firm(request, pk):
    user = request.user
    _require_see(user)
    firm = access.access_firm_for_view(user, pk)
    ctx = {
        "firm": firm,
        "listed_in": ListedFirm.objects.filter(firm=firm)
        .select_related("run__period")
        .order_by("-run_id")[:8],
        "contacts": access.contacts_for(user).filter(firm=firm)[:100],
        "outcomes": access.outcomes_for(user).filter(firm=firm),
        "may_record": access.may_record(user),
    }
    return render(request, "firstloans/firm.html", ctx)


def _record_page(request, pk, form_class, write, title: str, done: str):
    firm = access.access_firm_for_record(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_on_form(form, lambda: write(actor=request.user, firm=firm, **form.cleaned_data))
        if saved is not None:
            messages.success(request, f"{done}：{firm.name}。")
            return redirect("firstloans:firm", firm.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "firm": firm, "title": f"{title}：{firm.name}"}
    return render(request, "firstloans/form.html", ctx, status=status)


@login_required
def contact_add(request, pk):
    return _record_page(request, pk, forms.ContactForm, records.contact_record, "登记对接", "已登记对接记录")


@login_required
def outcome_edit(request, pk):
    return _record_page(request, pk, forms.OutcomeForm, records.outcome_set, "登记培植结果", "已登记培植结果")


@login_required
def contacts(request):
    _require_see(request.user)
    return lists.list_response(request, CONTACTS, "firstloans/plain_list.html", {"title": CONTACTS.title})


@login_required
def first_check(request):
    _require_see(request.user)
    run = figures.latest_run()
    ctx = {"run": run, "rows": figures.first_check_table(request.user, run)}
    return render(request, "firstloans/first_check.html", ctx)


@login_required
def disagreements(request):
    _require_see(request.user)
    ctx = {"title": DISAGREEMENTS.title, "back": "firstloans:first_check"}
    return lists.list_response(request, DISAGREEMENTS, "firstloans/plain_list.html", ctx)


@login_required
def renewal_check(request):
    _require_see(request.user)
    run = figures.latest_run()
    ctx = {"run": run, "rows": figures.renewal_check_table(request.user, run)}
    return render(request, "firstloans/renewal_check.html", ctx)


@login_required
def renewals(request):
    _require_see(request.user)
    ctx = {"title": RENEWALS.title, "back": "firstloans:renewal_check"}
    return lists.list_response(request, RENEWALS, "firstloans/plain_list.html", ctx)


@login_required
def runs(request):
    if not access.may_compute(request.user):
        raise Http404
    ctx = {"runs": access.runs_for(request.user)[:50], "form": forms.ComputeForm()}
    return render(request, "firstloans/runs.html", ctx)


@login_required
@require_POST
def run_start(request):
    if not access.may_compute(request.user):
        raise Http404
    form = forms.ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "所选季度没有审核通过的贷款明细表，请重新选择。")
        return redirect("firstloans:runs")
    period = form.cleaned_data["period"]
    job = job_enqueue(
        actor=request.user,
        task=firstloans_compute_task,
        label=f"计算首贷培植名单和续贷（截至{period_label(period) if period else '最近一个季度'}）",
        period=period,
        actor_id=request.user.pk,
    )
    messages.success(request, f"已提交后台任务 #{job.pk}。")
    return redirect("job_detail", job.pk)
