from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from puhui.core.exports import CSV, XLSX, download
from puhui.core.ratelimit import import_limited
from puhui.core.uploads import refused, too_large_message, upload_limit
from puhui.imports.access import require_importer
from puhui.imports.blank_forms import template_csv, template_xlsx
from puhui.imports.forms import ImportForm
from puhui.imports.services import table_import
from puhui.imports.specs import SPECS
from puhui.imports.tabular import human_size

ERRORS_SHOWN = 500


def _max_bytes() -> int:
    return settings.PUHUI_IMPORT_MAX_BYTES


@login_required
@import_limited
@require_http_methods(["GET", "POST"])
@upload_limit(_max_bytes)
def upload(request):
    require_importer(request.user)
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if limit := refused(request):
            # Stopped while it arrived (puhui/core/uploads.py): nothing of it was kept.
            form.is_valid()
            form.errors["file"] = form.error_class([too_large_message(limit)])
            status = 200 if request.headers.get("HX-Request") == "true" else 413
        elif form.is_valid():
            data = form.cleaned_data
            result = table_import(actor=request.user, kind=data["kind"], file=data["file"], mode=data["mode"])
    else:
        form = ImportForm()
    context = {
        "form": form,
        "result": result,
        "errors": result.errors.sorted()[:ERRORS_SHOWN] if result else [],
        "errors_shown": ERRORS_SHOWN,
        "specs": SPECS.values(),
        "max_size": human_size(settings.PUHUI_IMPORT_MAX_BYTES),
    }
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers; the refusal is shown in the result box.
        return render(request, "imports/_result.html", context, status=status)
    return render(request, "imports/upload.html", context, status=status)


@login_required
def template_download(request, kind, fmt):
    require_importer(request.user)
    spec = SPECS.get(kind)
    if spec is None or fmt not in {"xlsx", "csv"}:
        raise Http404
    name = f"{spec.title}导入模板.{fmt}"
    if fmt == "xlsx":
        return download(template_xlsx(spec), name, XLSX)
    return download(template_csv(spec), name, CSV)
