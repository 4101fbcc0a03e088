"""Pages of the evaluation reports. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown on the form that was sent. A report is generated while the office
waits: it takes about a second (bench/bench_evaluation_report.py), so no background job is needed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import exports, lists
from puhui.core.service_errors import run_on_form
from puhui.evaluation import access, forms, services
from puhui.evaluation.lists import REPORTS
from puhui.evaluation.selectors import records


@login_required
def reports(request):
    if not access.may_see_reports(request.user):
        raise Http404
    ctx = {"may_generate": access.may_generate(request.user)}
    return lists.list_response(request, REPORTS, "evaluation/report_list.html", ctx)


@login_required
def report_generate(request):
    access.require_generate(request.user)
    form = forms.GenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        period = form.cleaned_data["period"]
        report = run_on_form(form, lambda: services.report_generate(actor=request.user, period=period))
        if report is not None:
            messages.success(
                request, f"已生成{report}，用时 {report.seconds:.1f} 秒，发布后全体工作人员可阅。"
            )
            return redirect("evaluation:report_detail", report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluation/report_form.html", {"form": form}, status=status)


@login_required
def report_detail(request, pk):
    report = access.access_report_by_id(request.user, pk)
    ctx = {
        "report": report,
        "f": report.figures,
        "versions": records.versions(request.user, report),
        "may_publish": access.may_publish(request.user, report),
        **records.detail_extras(report.figures),
    }
    return render(request, "evaluation/report_detail.html", ctx)


@login_required
@require_POST
def report_publish(request, pk):
    report = access.access_report_by_id(request.user, pk)
    if not access.may_publish(request.user, report):
        raise Http404
    services.report_publish(actor=request.user, report=report)
    messages.success(request, f"已发布{report}，全体工作人员可阅。")
    return redirect("evaluation:report_detail", report.pk)


@login_required
def report_docx(request, pk):
    report = access.access_report_by_id(request.user, pk)
    return exports.streaming_download(services.report_chunks(report, "docx"), report.docx_name, exports.DOCX)


@login_required
def report_xlsx(request, pk):
    report = access.access_report_by_id(request.user, pk)
    return exports.streaming_download(services.report_chunks(report, "xlsx"), report.xlsx_name, exports.XLSX)
