"""The archive import page: template download, upload, the errors table or the counts. Thin."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from puhui.core.exports import CSV, XLSX, download
from puhui.core.ratelimit import import_limited
from puhui.credit import access
from puhui.credit.archive_import import SPEC, archive_import, template_workbook
from puhui.credit.forms import ArchiveImportForm
from puhui.imports.blank_forms import template_csv
from puhui.imports.tabular import human_size

ERRORS_SHOWN = 500


@login_required
@import_limited
@require_http_methods(["GET", "POST"])
def archive_import_page(request):
    access.require_archive_importer(request.user)
    result = None
    if request.method == "POST":
        form = ArchiveImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            result = archive_import(actor=request.user, file=data["file"], mode=data["mode"])
    else:
        form = ArchiveImportForm()
    context = {
        "form": form,
        "result": result,
        "errors": result.errors.sorted()[:ERRORS_SHOWN] if result else [],
        "spec": SPEC,
        "max_size": human_size(settings.PUHUI_IMPORT_MAX_BYTES),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "credit/_archive_import_result.html", context)
    return render(request, "credit/archive_import.html", context)


@login_required
@require_GET
def archive_import_template(request, fmt):
    access.require_archive_importer(request.user)
    name = f"{SPEC.title}导入模板.{fmt}"
    if fmt == "xlsx":
        return download(template_workbook(), name, XLSX)
    if fmt == "csv":
        return download(template_csv(SPEC), name, CSV)
    raise Http404
