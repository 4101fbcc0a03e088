"""Pages of local finance: the overview, the organisations with their figures and findings, the insurance
network. Thin: access first (404 for what the user may not see), then selectors; writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from openpyxl import Workbook

from puhui.core import lists
from puhui.core.exports import XLSX, download, style_header, xlsx_bytes
from puhui.core.service_errors import form_add_service_error
from puhui.localfin import access
from puhui.localfin import lists as specs
from puhui.localfin.forms.orgs import LicenceForm
from puhui.localfin.selectors import orgs as selectors
from puhui.localfin.services.orgs import licence_save


@login_required
def home(request):
    """The county's totals for every reader; the finance centre and the office also see what needs doing."""
    access.require_read(request.user)
    ctx = {
        "summary": selectors.county_summary(selectors.summary_years()),
        "sees_all": access.sees_all(request.user),
    }
    if ctx["sees_all"]:
        ctx["breaches"] = selectors.breaches(request.user)
    own = access.organisations_for(request.user).first() if not ctx["sees_all"] else None
    ctx["own"] = own
    return render(request, "localfin/home.html", ctx)


@login_required
def organisations(request):
    access.require_organisations(request.user)
    return lists.list_response(request, specs.ORGANISATIONS, "localfin/organisations.html")


@login_required
def organisation(request, pk):
    org = access.access_organisation_by_id(request.user, pk)
    ctx = selectors.organisation_page(request.user, org)
    ctx["can_manage"] = access.can_manage(request.user)
    return render(request, "localfin/organisation.html", ctx)


@login_required
def licence_edit(request, pk):
    access.require_manage(request.user)
    org = access.access_organisation_by_id(request.user, pk)
    licence = getattr(org, "localfin_licence", None)
    form = LicenceForm(request.POST or None, instance=licence)
    if request.method == "POST" and form.is_valid():
        try:
            licence_save(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, f"已保存“{org.name}”的许可信息。")
            return redirect("localfin:organisation", org.pk)
    return render(request, "localfin/licence_form.html", {"org": org, "form": form})


def _breach_rows(data) -> list[list]:
    return [
        [
            f.ret.organisation.name,
            f.ret.organisation.get_kind_display(),
            f.ret.period.label,
            f.finding.rule.name,
            f.finding.rule.severity_label,
            float(f.finding.value),
            float(f.finding.limit),
            f.finding.rule.unit,
            f.finding.rule.basis,
        ]
        for f in data["rows"]
    ]


BREACH_HEADER = ["机构", "类型", "报送期", "指标", "严重程度", "数值", "限额", "单位", "依据"]


@login_required
def breaches(request):
    access.require_all(request.user)
    data = selectors.breaches(request.user, request.GET.get("period", "")[:8])
    if request.GET.get("export") == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "超限情况"
        ws.append(BREACH_HEADER)
        style_header(ws, [30, 14, 14, 18, 8, 12, 12, 6, 70])
        for row in _breach_rows(data):
            ws.append(row)
        label = data["period"].label if data["period"] else "无数据"
        return download(xlsx_bytes(wb), f"地方金融组织监管指标超限情况_{label}.xlsx", XLSX)
    return render(request, "localfin/breaches.html", {**data, "rules": selectors.rule_table()})


@login_required
def insurance(request):
    access.require_all(request.user)
    listing = lists.list_result(request, specs.INSURER_OUTLETS)
    if request.GET.get("export") == "xlsx":
        return lists.export_response(request, specs.INSURER_OUTLETS)
    ctx = {"network": selectors.insurance_network(timezone.localdate()), "listing": listing}
    return render(request, "localfin/insurance.html", ctx)
