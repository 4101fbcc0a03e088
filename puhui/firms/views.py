"""Pages of firm credit information. Thin: access first (404 for those who may not see), then selectors;
writes through services, whose refusals are shown on the form that was sent. A bank's read of a profile is
logged before the page is drawn."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import exports, lists
from puhui.core.service_errors import message_service_error, run_on_form
from puhui.firms import access, catalogue, forms
from puhui.firms.lists import FIRMS, UPLOADS
from puhui.firms.models import LookUp
from puhui.firms.selectors import scorecards as scorecard_reads
from puhui.firms.selectors.profile import firm_profile
from puhui.firms.services import authorisations, scorecards, uploads
from puhui.imports.blank_forms import template_xlsx


@login_required
def firm_list(request):
    user = request.user
    if not access.may_see_firms(user):
        raise Http404
    ctx = {"is_bank": access.bank_of(user) is not None}
    return lists.list_response(request, FIRMS, "firms/list.html", ctx)


@login_required
def profile(request, pk):
    """信用画像: for a bank only under an authorisation in force, and every such read is logged."""
    firm = access.access_firm_by_id(request.user, pk)
    authorisations.lookup_record(actor=request.user, firm=firm, what=LookUp.What.PROFILE)
    return render(request, "firms/profile.html", firm_profile(request.user, firm))


# ---------------------------------------------------------------- sources and uploads


@login_required
def source_list(request):
    user = request.user
    if not access.may_see_sources(user):
        raise Http404
    rows = [{"source": s, "partial": uploads.accepts_partial(s)} for s in catalogue.sources().values()]
    mine = {s.code for s in access.sources_for_upload(user)}
    ctx = {"rows": rows, "mine": mine, "may_set": access.is_office(user)}
    return render(request, "firms/sources.html", ctx)


@login_required
@require_POST
def source_partial(request, code):
    if not access.is_office(request.user) or catalogue.source(code) is None:
        raise Http404
    accepts = request.POST.get("accepts") == "1"
    try:
        uploads.source_partial_set(actor=request.user, source_code=code, accepts=accepts)
        state = "接受部分匹配" if accepts else "不接受部分匹配（有未匹配的代码即整份拒收）"
        messages.success(request, f"已修改：{catalogue.source(code).name}{state}。")
    except ValidationError as e:
        message_service_error(request, e)
    return redirect("firms:sources")


@login_required
def source_template(request, code):
    source = access.access_source_for_upload(request.user, code)
    return exports.download(template_xlsx(source.spec()), f"{source.name}模板.xlsx", exports.XLSX)


@login_required
def upload_list(request):
    user = request.user
    if not access.may_see_uploads(user):
        raise Http404
    ctx = {"may_add": access.may_upload(user)}
    return lists.list_response(request, UPLOADS, "firms/uploads.html", ctx)


@login_required
def upload_add(request):
    user = request.user
    if not access.may_upload(user):
        raise Http404
    form = forms.UploadForm(request.POST or None, request.FILES or None, user=user)
    result = None
    if request.method == "POST" and form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        result = run_on_form(
            form,
            lambda: uploads.department_upload(
                actor=user,
                source_code=data["source"],
                period=data["period"],
                file=upload,
                filename=upload.name,
            ),
        )
        if result is not None and result.ok:
            note = f"，未匹配 {len(result.unmatched)} 行（见下表）" if result.unmatched else ""
            again = "，已替换该期原有数据" if result.replaced else ""
            messages.success(request, f"已保存 {result.matched:,} 户企业的信息{note}{again}。")
            return redirect("firms:upload_detail", result.upload.pk)
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "result": result, "sources": access.sources_for_upload(user)}
    return render(request, "firms/upload.html", ctx, status=status)


@login_required
def upload_detail(request, pk):
    upload = access.access_upload_by_id(request.user, pk)
    source = catalogue.source(upload.source)
    records = upload.records.select_related("firm").order_by("firm__name")[:200]
    ctx = {
        "upload": upload,
        "source": source,
        "records": [(r.firm, source.values_shown(r.values)) for r in records],
        "headers": [c.header for c in source.columns],
    }
    return render(request, "firms/upload_detail.html", ctx)


# ---------------------------------------------------------------- the firm scorecard's versions (the office)


@login_required
def scorecard_list(request):
    """The card in force, the statistical versions with their cross-validated AUC and KS, the two jobs."""
    if not access.may_rate(request.user):
        raise Http404
    versions = access.scorecards_for(request.user).order_by("-created_at")
    ctx = {"in_force": scorecard_reads.in_force(), "versions": versions, "window": scorecards.WINDOW_MONTHS,
           "min_firms": scorecards.MIN_FIRMS, "min_bad": scorecards.MIN_BAD}  # fmt: skip
    return render(request, "firms/scorecards.html", ctx)


@login_required
def scorecard_detail(request, pk):
    """A statistical version's validation report and points table; the office puts it in force here."""
    version = access.access_scorecard_by_id(request.user, pk)
    ctx = {
        "version": version,
        "report": scorecard_reads.report_sections(version.report),
        "points": scorecard_reads.points_table(version.spec),
    }
    return render(request, "firms/scorecard.html", ctx)


@login_required
@require_POST
def scorecard_promote(request, pk):
    version = access.access_scorecard_by_id(request.user, pk)
    try:
        scorecards.scorecard_promote(actor=request.user, scorecard=version)
        messages.success(request, f"已启用{version}。下次运行“小微企业信用评级”时按该版本评级。")
    except ValidationError as e:
        message_service_error(request, e)
    return redirect("firms:scorecard", pk)


@login_required
@require_POST
def scorecard_retire(request):
    if not access.may_rate(request.user):
        raise Http404
    try:
        scorecards.scorecard_retire(actor=request.user)
        messages.success(request, "已停用统计评分卡。下次运行“小微企业信用评级”时按专家评分卡评级。")
    except ValidationError as e:
        message_service_error(request, e)
    return redirect("firms:scorecards")


# ---------------------------------------------------------------- the firm's own pages


def _acting_firm(request):
    firm = access.firm_of(request.user)
    if firm is None:
        raise Http404
    return firm


@login_required
def mine(request):
    """The firm user's home (on a phone): my firm, my authorisations, who looked."""
    firm = _acting_firm(request)
    ctx = firm_profile(request.user, firm)
    ctx["grant_form"] = forms.GrantForm()
    return render(request, "firms/mine.html", ctx)


@login_required
def grant(request):
    firm = _acting_firm(request)
    form = forms.GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = run_on_form(
            form,
            lambda: authorisations.authorisation_grant(
                actor=request.user,
                banks=form.cleaned_data["banks"],
                expires_on=form.cleaned_data["expires_on"],
            ),
        )
        if made is not None:
            names = "、".join(a.bank.name for a in made)
            messages.success(
                request, f"已授权{names}查询{firm.name}的信用信息，有效期至 {made[0].expires_on:%Y-%m-%d}。"
            )
            return redirect("firms:mine")
    status = 400 if request.method == "POST" else 200
    ctx = {"form": form, "title": f"{firm.name}：授权银行查询", "back": "firms:mine"}
    return render(request, "firms/form.html", ctx, status=status)


@login_required
@require_POST
def revoke(request, pk):
    authorisation = access.access_authorisation_for_revoke(request.user, pk)
    try:
        authorisations.authorisation_revoke(actor=request.user, authorisation=authorisation)
        messages.success(request, f"已撤回对{authorisation.bank.name}的授权。")
    except ValidationError as e:
        message_service_error(request, e)
    return redirect("firms:mine")
