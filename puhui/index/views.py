"""Index pages. Thin: access checks, then selectors; writes go through services and the job queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from puhui.core.exports import DOCX, XLSX, download
from puhui.core.periods import label as title
from puhui.index import access, selectors, services
from puhui.index.forms import IndexQueryForm, MethodologyQueryForm
from puhui.index.periods import FREQUENCIES
from puhui.index.tasks import index_build_task
from puhui.jobs.services import job_enqueue


def _query(request):
    """freq, run and period of the query string (`forms.IndexQueryForm`): bad values fall back to the
    defaults; a run the user may not open is a 404."""
    return IndexQueryForm(request.GET, user=request.user).query()


def _periods(run):
    return [{"label": p, "title": title(p)} for p in run.periods] if run else []


@login_required
def overview(request):
    access.require_county(request.user)
    q = _query(request)
    freq, run = q.freq, q.run
    ctx = {
        "freq": freq,
        "frequencies": FREQUENCIES,
        "run": run,
        "can_manage": access.can_manage(request.user),
        "can_towns": access.can_view_towns(request.user),
        "period_notice": q.notice,
    }
    if run:
        period = q.period
        trend = selectors.county_trend(run)
        ctx.update(
            data_through=selectors.data_through_title(run),
            fixed_goalposts=any("kind" in g for g in run.goalposts.values()),
            period=period,
            period_title=title(period),
            periods=_periods(run),
            trend=trend,
            balance=selectors.balance(run),
            catalogue=selectors.run_catalogue(run),
            county_score=next((t["score"] for t in trend if t["period"] == period), None),
        )
        ctx["pillar_names"] = [
            v["name"] for c, v in ctx["catalogue"].items() if v["level"] == 2 and c in run.weights
        ]
        ctx["chart"] = {
            "periods": [t["title"] for t in trend],
            "county": [t["score"] for t in trend],
            "cv": [b["cv"] for b in ctx["balance"]],
            "theil": [b["theil"] for b in ctx["balance"]],
        }
        if access.can_view_towns(request.user):
            rows = selectors.ranking(run, period)
            ctx["rows"] = rows
            ctx["series"] = {
                "metric": "普惠金融指数",
                "data": [{"name": r["town"].name, "value": round(r["score"] or 0, 2)} for r in rows],
            }
    return render(request, "index/overview.html", ctx)


@login_required
def town(request, code):
    town = access.access_town_by_code(request.user, code)
    q = _query(request)
    freq, run, period = q.freq, q.run, q.period
    if run is None:
        raise Http404
    ctx = {
        "town": town,
        "run": run,
        "freq": freq,
        "period": period,
        "period_notice": q.notice,
        "period_title": title(period),
        "periods": _periods(run),
        **selectors.town_detail(run, town, period),
    }
    return render(request, "index/town.html", ctx)


@login_required
def indicator(request, code):
    access.require_towns(request.user)
    q = _query(request)
    freq, run, period = q.freq, q.run, q.period
    if run is None:
        raise Http404
    ctx = {
        "run": run,
        "freq": freq,
        "period": period,
        "period_notice": q.notice,
        "period_title": title(period),
        "periods": _periods(run),
        **selectors.indicator_detail(run, code, period),
    }
    return render(request, "index/indicator.html", ctx)


@login_required
def methodology(request):
    access.require_county(request.user)
    form = MethodologyQueryForm(request.GET, user=request.user)
    q = form.query()
    freq, run = q.freq, q.run
    framework = run.framework if run else access.frameworks_for(request.user).order_by("-version").first()
    if framework is None:
        raise Http404
    ctx = selectors.methodology(framework, run)
    wanted = form.download_format()
    if wanted == "docx":
        from puhui.index.export import methodology_docx

        return download(methodology_docx(ctx), f"{framework.name}编制方法_第{framework.version}版.docx", DOCX)
    if wanted == "html":
        from puhui.core.documents import print_css

        body = render_to_string(
            "index/methodology_doc.html", {**ctx, "print_css": print_css()}, request=request
        )
        return download(
            body, f"{framework.name}编制方法_第{framework.version}版.html", "text/html; charset=utf-8"
        )
    return render(request, "index/methodology.html", {**ctx, "freq": freq})


@login_required
def export(request, pk):
    access.require_towns(request.user)
    run = access.access_run_by_id(request.user, pk)
    from puhui.index.export import run_workbook

    span = f"{title(run.periods[0])}至{title(run.periods[-1])}" if run.periods else ""
    state = "" if run.status == run.Status.PUBLISHED else "（待发布）"
    name = f"普惠金融指数_{run.get_frequency_display()}_{span}_第{run.framework.version}版{state}.xlsx"
    return download(run_workbook(run), name, XLSX)


@login_required
def compare(request, pk):
    """A draft against the published run it would replace (a published run: against the one it was
    compared with when published): what moved and why. The publish button is here."""
    access.require_manager(request.user)
    run = access.access_run_by_id(request.user, pk)
    draft = run.status != run.Status.PUBLISHED
    published = services.published_counterpart(run) if draft else run.compared_with
    ctx = {"run": run, "draft": draft, "freq": run.frequency, **selectors.comparison(run, published)}
    if not draft and published is None:
        ctx["notes"] = ["发布时没有可对比的同频度已发布结果（首个发布结果）。"]
    return render(request, "index/compare.html", ctx)


@login_required
@require_POST
def publish(request, pk):
    """Publish from the comparison page only: the form sends the published run it showed."""
    access.require_manager(request.user)
    run = access.access_run_by_id(request.user, pk)
    seen = request.POST.get("compared_with")
    if seen is None or (seen and not seen.isdigit()):
        messages.error(request, "请先查看与已发布结果的对比，再从对比页面发布。")
        return redirect("index:compare", pk=run.pk)
    try:
        services.run_publish(actor=request.user, run=run, compared_with=int(seen) if seen else None)
        messages.success(request, "指数结果已发布。")
    except services.IndexRefused as exc:
        messages.error(request, str(exc))
        return redirect("index:compare", pk=run.pk)
    return redirect(f"{reverse('index:overview')}?run={run.pk}&freq={run.frequency}")


@login_required
@require_POST
def rebuild(request):
    access.require_manager(request.user)
    job = job_enqueue(
        actor=request.user, task=index_build_task, label="计算普惠金融指数", actor_id=request.user.pk
    )
    messages.success(request, f"已提交后台任务 #{job.pk}：计算普惠金融指数。进度见“后台任务”页面。")
    return redirect("index:overview")
