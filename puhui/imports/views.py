from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from puhui.core.exports import CSV, XLSX, download
from puhui.core.ratelimit import import_limited
from puhui.core.uploads import refused, too_large_message, upload_limit
from puhui.imports.access import access_run_by_id, require_importer
from puhui.imports.blank_forms import template_csv
from puhui.imports.forms import ImportForm
from puhui.imports.models import ImportRun
from puhui.imports.services import import_start
from puhui.imports.tables import table_for, tables_for
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
        form = ImportForm(request.user, request.POST, request.FILES)
        if limit := refused(request):
            # Stopped while it arrived (puhui/core/uploads.py): nothing of it was kept.
            form.is_valid()
            form.errors["file"] = form.error_class([too_large_message(limit)])
            status = 200 if request.headers.get("HX-Request") == "true" else 413
        elif form.is_valid():
            data = form.cleaned_data
            result = import_start(
                actor=request.user,
                kind=data["kind"],
                file=data["file"],
                mode=data["mode"],
                confirm=data["confirm"],
            )
            if isinstance(result, ImportRun):  # a large file: checked and stored by a background job
                if request.headers.get("HX-Request") == "true":
                    return render(request, "imports/_run.html", {"run": result})
                return redirect("import_run", pk=result.pk)
    else:
        form = ImportForm(request.user)
    context = {
        "form": form,
        "result": result,
        "errors": result.errors.sorted()[:ERRORS_SHOWN] if result else [],
        "errors_shown": ERRORS_SHOWN,
        "specs": [t.spec for t in tables_for(request.user).values()],
        "inline_size": human_size(settings.PUHUI_IMPORT_INLINE_BYTES),
        "max_size": human_size(settings.PUHUI_IMPORT_MAX_BYTES),
    }
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers; the refusal is shown in the result box.
        return render(request, "imports/_result.html", context, status=status)
    return render(request, "imports/upload.html", context, status=status)


@login_required
def template_download(request, kind, fmt):
    table = table_for(request.user, kind)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    name = f"{table.title}导入模板.{fmt}"
    if fmt == "xlsx":
        return download(table.template(), name, XLSX)
    return download(template_csv(table.spec), name, CSV)


@login_required
def run_detail(request, pk):
    """A background import: progress while it runs (the fragment polls itself), then the result or every error."""
    run = access_run_by_id(request.user, pk)
    template = "imports/_run.html" if request.headers.get("HX-Request") == "true" else "imports/run.html"
    return render(request, template, {"run": run})
