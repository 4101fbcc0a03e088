"""Pages of the banks' evaluation. Thin: access first (404 for those who may not see), then selectors; writes
through services, whose refusals are shown in Chinese on the page that was sent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from puhui.core.exports import DOCX, YAML, download
from puhui.core.service_errors import form_add_service_error, message_service_error
from puhui.data.models import ReportingPeriod
from puhui.jobs.services import job_enqueue

from . import access, documents, forms
from .models import IndicatorSet
from .selectors import results
from .services import qualitative as qualitative_services
from .services import runs as run_services
from .services import sets as set_services
from .services.sets import engine_set, set_in_force
from .tasks import bankeval_run_task


def _require_see(user) -> None:
    if not access.may_see(user):
        raise Http404


def _require_manage(user) -> None:
    if not access.may_manage(user):
        raise Http404


@login_required
def home(request):
    user = request.user
    _require_see(user)
    bank = access.bank_of(user)
    ctx = {"bank": bank, "may_manage": access.may_manage(user), "runs": access.runs_for(user)[:50]}
    if bank is not None:
        ctx["own"] = access.results_for(user).order_by("-run__period__end", "-run_id")[:50]
    if access.may_manage(user):
        ctx["form"] = forms.RunForm()
        ctx["missing"] = results.missing_qualitative_count(user)
        ctx["year"] = results.latest_year_to_evaluate()
    return render(request, "bankeval/home.html", ctx)


def _chosen_set(request) -> IndicatorSet:
    version = request.GET.get("version", "")
    if version.isdigit():
        found = access.sets_for(request.user).filter(version=int(version)).first()
        if found is None:
            raise Http404
        return found
    return access.sets_for(request.user).first() or set_in_force(actor=None)


@login_required
def indicator_set(request):
    _require_see(request.user)
    stored = _chosen_set(request)
    if request.GET.get("download"):
        return download(stored.text.encode("utf-8"), f"综合评价指标体系（第{stored.version}版）.yaml", YAML)
    ctx = {"stored": stored, "spec": engine_set(stored), "rows": results.indicator_rows(stored),
           "versions": access.sets_for(request.user),
           "form": forms.SetForm() if access.may_manage(request.user) else None}  # fmt: skip
    return render(request, "bankeval/set.html", ctx)


@login_required
@require_POST
def set_add(request):
    _require_manage(request.user)
    form = forms.SetForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("bankeval:set")
    try:
        stored = set_services.set_add(
            actor=request.user, text=form.cleaned_data["file"], change_note=form.cleaned_data["change_note"]
        )
    except ValidationError as exc:
        message_service_error(request, exc)
        return redirect("bankeval:set")
    messages.success(request, f"已新增第 {stored.version} 版；此后发起的评价可选用这一版。")
    return redirect(f"{reverse('bankeval:set')}?version={stored.version}")


@login_required
def qualitative(request):
    if not access.sees_all(request.user):
        raise Http404
    years = sorted({p.year for p in results.evaluable_periods()}, reverse=True)
    asked = request.GET.get("year", "")
    default = results.latest_year_to_evaluate() or (years[0] if years else None)
    year = int(asked) if asked.isdigit() and int(asked) in years else default
    stored = _chosen_set(request)
    grid = results.qualitative_grid(stored, year) if year else None
    ctx = {
        "years": years,
        "year": year,
        "stored": stored,
        "grid": grid,
        "may_manage": access.may_manage(request.user),
    }
    return render(request, "bankeval/qualitative.html", ctx)


@login_required
def qualitative_edit(request, year, bank, item):
    user = request.user
    bank = access.access_bank_for_scoring(user, bank)
    stored = _chosen_set(request)
    spec = {s.code: s for s in engine_set(stored).indicators if s.method == "manual"}.get(item)
    if spec is None:
        raise Http404
    existing = (
        access.qualitative_for(user).filter(indicator_set=stored, year=year, bank=bank, item=item).first()
    )
    initial = {"points": existing.points, "reason": existing.reason} if existing else {}
    form = forms.QualitativeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            qualitative_services.qualitative_set(
                actor=user, indicator_set=stored, bank=bank, year=year, item=item,
                points=form.cleaned_data["points"], reason=form.cleaned_data["reason"],
                files=request.FILES.getlist("files"),
            )  # fmt: skip
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"已保存{bank.name}{year}年“{spec.name}”的定性评分。")
            return redirect(f"{reverse('bankeval:qualitative')}?year={year}")
    ctx = {"form": form, "bank": bank, "year": year, "spec": spec, "existing": existing}
    return render(request, "bankeval/qualitative_form.html", ctx, status=400 if form.errors else 200)


@login_required
def evidence(request, pk):
    f = access.access_evidence_by_id(request.user, pk)
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type=f.content_type)


@login_required
@require_POST
def run_start(request):
    _require_manage(request.user)
    form = forms.RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "所选评价期没有机构层级的指标数据，或指标体系版本不存在，请重新选择。")
        return redirect("bankeval:home")
    period = ReportingPeriod.objects.get(code=form.cleaned_data["period"])
    job = job_enqueue(
        actor=request.user, task=bankeval_run_task, label=f"银行业金融机构普惠金融综合评价（{period.label}）",
        period=period.code, version=int(form.cleaned_data["version"]), actor_id=request.user.pk,
    )  # fmt: skip
    messages.success(request, f"已提交后台任务 #{job.pk}。")
    return redirect("job_detail", job.pk)


@login_required
def run(request, pk):
    user = request.user
    run = access.access_run_by_id(user, pk)
    ctx = {"run": run, "table": results.run_table(user, run), "bank": access.bank_of(user),
           "may_manage": access.may_manage(user), "sees_all": access.sees_all(user),
           "grades": results.grade_counts(run) if access.sees_all(user) else []}  # fmt: skip
    return render(request, "bankeval/run.html", ctx)


@login_required
@require_POST
def run_publish(request, pk):
    _require_manage(request.user)
    run = access.access_run_by_id(request.user, pk)
    try:
        run_services.run_publish(actor=request.user, run=run)
        messages.success(request, f"已发布{run}，各银行可以查看本机构的结果和名次。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("bankeval:run", run.pk)


@login_required
def result(request, pk):
    r = access.access_result_by_id(request.user, pk)
    ctx = {"result": r, "run": r.run, "rows": results.result_rows(r, r.run)}
    return render(request, "bankeval/result.html", ctx)


@login_required
def bulletin(request, pk):
    if not access.sees_all(request.user):
        raise Http404
    run = access.access_run_by_id(request.user, pk)
    return download(documents.bulletin_docx(run), documents.bulletin_filename(run), DOCX)
