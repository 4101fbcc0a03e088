"""Pages of mediation and the court chain, the register of mediation organisations and the typical cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.exports import DOCX, download
from puhui.core.service_errors import run_on_form
from puhui.protection import access, documents, forms
from puhui.protection.lists import MEDIATIONS
from puhui.protection.models import MediationOrg, TypicalCase
from puhui.protection.selectors import mediation as selectors
from puhui.protection.services import mediation as services
from puhui.protection.services import typical as typical_services


@login_required
def mediations(request):
    access.require_mediations(request.user)
    ctx = {"may_open": access.may_open_mediation(request.user)}
    return lists.list_response(request, MEDIATIONS, "protection/mediations.html", ctx)


@login_required
def mediation_add(request):
    user = request.user
    access.require(access.may_open_mediation(user))
    form = forms.MediationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = run_on_form(form, lambda: services.mediation_open(actor=user, **form.cleaned_data))
        if case is not None:
            messages.success(request, f"已受理调解：{case.number}。")
            return redirect("protection:mediation_detail", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/mediation_form.html", {"form": form}, status=status)


ACTIONS = {
    "session": (forms.SessionForm, services.session_add, "已登记调解记录。"),
    "agree": (forms.AgreementForm, services.agreement_make, "已达成调解协议，可下载调解协议书。"),
    "fail": (forms.FailForm, services.mediation_fail, "已登记调解不成。"),
    "perform": (forms.PerformForm, services.agreement_performed, "已登记自动履行。"),
    "confirm_apply": (forms.ConfirmApplyForm, services.confirmation_apply, "已登记司法确认申请。"),
    "accept": (forms.AcceptForm, services.confirmation_accept, "已登记受理。"),
    "rule": (forms.RuleForm, services.confirmation_rule, "已登记裁定。"),
    "enforce_apply": (forms.EnforceApplyForm, services.enforcement_apply, "已登记强制执行申请。"),
    "enforce_close": (forms.EnforceCloseForm, services.enforcement_close, "已登记执行结果。"),
}


def _page(request, case, status=200, given=None):
    allowed = selectors.actions(request.user, case)
    action_forms = {
        name: (given if given and given.prefix == name else ACTIONS[name][0](prefix=name))
        for name, ok in allowed.items()
        if ok
    }
    ctx = {
        "case": case,
        "sessions": case.sessions.all(),
        "durations": selectors.durations(case),
        "forms": action_forms,
        "refused": given,
    }
    return render(request, "protection/mediation_detail.html", ctx, status=status)


@login_required
def mediation_detail(request, pk):
    return _page(request, access.access_mediation_by_id(request.user, pk))


@login_required
@require_POST
def mediation_act(request, pk, action):
    case = access.access_mediation_by_id(request.user, pk)
    if action not in ACTIONS or not selectors.actions(request.user, case)[action]:
        raise Http404
    form_class, write, done = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if (
        form.is_valid()
        and run_on_form(form, lambda: write(actor=request.user, case=case, **form.cleaned_data)) is not None
    ):
        messages.success(request, done)
        return redirect("protection:mediation_detail", case.pk)
    case.refresh_from_db()
    return _page(request, case, status=400, given=form)


@login_required
def agreement(request, pk):
    case = access.access_mediation_by_id(request.user, pk)
    if case.agreement_on is None:
        raise Http404
    return download(documents.agreement_docx(case), documents.agreement_filename(case), DOCX)


@login_required
def orgs(request):
    user = request.user
    access.require(access.may_see_mediations(user))
    manage = access.may_manage_orgs(user)
    org_form = forms.OrgForm(prefix="org")
    mediator_form = forms.MediatorForm(prefix="mediator")
    status = 200
    if request.method == "POST":
        access.require(manage)
        if "org-name" in request.POST:
            org_form = forms.OrgForm(request.POST, prefix="org")
            form, write = org_form, lambda d: services.org_add(actor=user, **d)
        else:
            mediator_form = forms.MediatorForm(request.POST, prefix="mediator")
            form, write = mediator_form, lambda d: services.mediator_add(actor=user, **d)
        if form.is_valid() and run_on_form(form, lambda: write(form.cleaned_data)) is not None:
            messages.success(request, "已登记。")
            return redirect("protection:orgs")
        status = 400
    ctx = {
        "orgs": MediationOrg.objects.prefetch_related("mediators"),
        "manage": manage,
        "org_form": org_form,
        "mediator_form": mediator_form,
    }
    return render(request, "protection/orgs.html", ctx, status=status)


@login_required
def typical(request):
    user = request.user
    access.require(access.sees_all(user))
    form = forms.TypicalForm(request.POST or None)
    if request.method == "POST":
        access.require_office(user)
        if form.is_valid() and run_on_form(
            form, lambda: typical_services.typical_add(actor=user, **form.cleaned_data)
        ):
            messages.success(request, "已保存典型案例。")
            return redirect("protection:typical")
    ctx = {"cases": TypicalCase.objects.all(), "form": form if access.is_office(user) else None}
    return render(request, "protection/typical.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def typical_publish(request, pk):
    access.require_office(request.user)
    case = access.typical_for(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    publish = case.published_on is None
    typical_services.typical_publish(actor=request.user, case=case, publish=publish)
    messages.success(request, "已发布到公开页面。" if publish else "已撤回。")
    return redirect("protection:typical")
