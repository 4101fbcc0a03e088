"""Pages of the plan's assessment rounds (考核): the list and a new round, one round's table, its criteria and
points (before it is first computed), computing it, the office's manual scores. Thin, like views.py."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.plan import access, forms, selectors, services
from puhui.plan.models import Criterion
from puhui.plan.views import no_plan_page


@login_required
def assessment_list(request):
    access.require_office(request.user)
    plan = selectors.current_plan(request.user, request.GET.get("plan"))
    if plan is None:
        return no_plan_page(request)
    form = forms.SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            messages.success(request, f"已新建考核“{scheme.name}”。")
            return redirect("plan_assessment_detail", scheme.pk)
    schemes = access.schemes_for(request.user).filter(plan=plan)
    return render(request, "plan/assessment_list.html", {"plan": plan, "schemes": schemes, "form": form})


@login_required
def assessment_detail(request, pk):
    scheme = access.access_scheme_by_id(request.user, pk)
    criteria = list(scheme.criteria.all())
    units = selectors.assessed_units(scheme.plan)
    return render(
        request,
        "plan/assessment_detail.html",
        {
            "scheme": scheme,
            "plan": scheme.plan,
            "table": selectors.scheme_table(scheme),
            "score_form": forms.ManualScoreForm(criteria=criteria, units=units),
            "has_manual": any(c.kind not in Criterion.AUTOMATIC for c in criteria),
        },
    )


@login_required
@require_POST
def assessment_compute(request, pk):
    scheme = access.access_scheme_by_id(request.user, pk)
    try:
        rows = services.scheme_compute(actor=request.user, scheme=scheme)
    except ValidationError as exc:  # published in a 通报: the scores are frozen
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已计算 {len(rows)} 个单位的得分和排名。")
    return redirect("plan_assessment_detail", scheme.pk)


@login_required
@require_POST
def score_manual(request, pk):
    scheme = access.access_scheme_by_id(request.user, pk)
    criteria = list(scheme.criteria.all())
    units = selectors.assessed_units(scheme.plan)
    form = forms.ManualScoreForm(request.POST, criteria=criteria, units=units)
    if form.is_valid():
        criterion = next(c for c in criteria if str(c.pk) == form.cleaned_data["criterion"])
        unit = next(org for org, _n in units if str(org.pk) == form.cleaned_data["unit"])
        try:
            services.score_manual(
                actor=request.user,
                scheme=scheme,
                criterion=criterion,
                unit=unit,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "评分已保存；重新计算后计入总分和排名。")
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label if f in form.fields else ''}{'、'.join(e)}"
                for f, e in form.errors.items()
            ),
        )
    return redirect("plan_assessment_detail", scheme.pk)


@login_required
def assessment_criteria(request, pk):
    """The round's criteria and points, chosen by the office until the round is first computed."""
    scheme = access.access_scheme_by_id(request.user, pk)
    access.require_office(request.user)
    current = list(scheme.criteria.all())
    form = forms.CriteriaForm(request.POST or None, current=current, frozen=bool(scheme.weights))
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_criteria_set(actor=request.user, scheme=scheme, criteria=form.criteria())
        except ValidationError as exc:
            forms.apply_errors(form, exc)
        else:
            total = sum((Decimal(p) for _n, _k, p, _d in form.criteria()), Decimal(0))
            messages.success(request, f"已保存考核项目和分值（合计 {total:g} 分）。")
            return redirect("plan_assessment_detail", scheme.pk)
    return render(
        request, "plan/assessment_criteria.html", {"scheme": scheme, "plan": scheme.plan, "form": form}
    )
