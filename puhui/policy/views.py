"""Pages of the policy incentives (kept thin: reads in selectors, writes in services, rows through access)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core.access import get_or_404
from puhui.core.exports import DOCX, XLSX, YAML, download
from puhui.core.service_errors import message_service_error
from puhui.data.selectors import ended_periods
from puhui.policy import access, documents, selectors, services
from puhui.policy.forms import AnswerForm, DecideForm, ObjectionForm, PayForm, RulesForm, RunForm
from puhui.policy.models import Result
from puhui.policy.presenters import result_view


def _years() -> list[int]:
    return [p.year for p in ended_periods("year")]


@never_cache
@login_required
def home(request):
    access.require_reader(request.user)
    current = selectors.current_evaluation_ids()
    evaluations = selectors.evaluations(request.user)
    for e in evaluations:
        e.is_current = current.get(e.year) == e.id
    return render(
        request,
        "policy/home.html",
        {
            "evaluations": evaluations,
            "rules": selectors.rules_current(),
            "run_form": RunForm(years=_years()) if access.can_run(request.user) else None,
        },
    )


@login_required
@require_POST
def run(request):
    access.require_runner(request.user)
    form = RunForm(request.POST, years=_years())
    if not form.is_valid():
        messages.error(request, "请选择一个已结束的年度。")
        return redirect("policy_home")
    try:
        evaluation = services.evaluation_run(actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as exc:
        message_service_error(request, exc)
        return redirect("policy_home")
    messages.success(request, f"已完成 {evaluation.year} 年评价（用时 {evaluation.seconds:.1f} 秒）。")
    return redirect("policy_evaluation", pk=evaluation.pk)


def _evaluation(user, pk):
    return get_or_404(access.evaluations_for(user).select_related("rules"), pk=pk)


@never_cache
@login_required
def evaluation(request, pk):
    user = request.user
    ev = _evaluation(user, pk)
    rule, status = request.GET.get("rule", ""), request.GET.get("status", "")
    results = list(selectors.evaluation_results(user, ev, rule=rule, status=status))
    every = results if not (rule or status) else list(selectors.evaluation_results(user, ev))
    current = selectors.current_evaluation_ids().get(ev.year) == ev.id
    grantors = sorted({r.grantor for r in every if access.can_decide(user, r)})
    return render(
        request,
        "policy/evaluation.html",
        {
            "evaluation": ev,
            "is_current": current,
            "summaries": selectors.rule_summaries(every),
            "results": [result_view(r) for r in results],
            "rules": ev.rules.parsed.rules,
            "statuses": Result.Status.choices,
            "rule": rule,
            "status": status,
            "grantors": grantors,
        },
    )


@login_required
def evaluation_export(request, pk):
    ev = _evaluation(request.user, pk)
    results = list(selectors.evaluation_results(request.user, ev))
    content = documents.results_workbook(ev, results)
    return download(content, f"{ev.year}年政策激励评价结果.xlsx", XLSX)


@login_required
def approval_doc(request, pk):
    ev = _evaluation(request.user, pk)
    grantor = request.GET.get("grantor", "")
    results = [r for r in selectors.evaluation_results(request.user, ev) if r.grantor == grantor]
    if not results or not access.can_decide(request.user, results[0]):
        raise Http404
    content = documents.approval_docx(ev, results, grantor)
    return download(content, f"{ev.year}年度政策激励审定表（{grantor}）.docx", DOCX)


@never_cache
@login_required
def result(request, pk):
    user = request.user
    r = access.access_result_by_id(user, pk)
    can_decide = access.can_decide(user, r)
    return render(
        request,
        "policy/result.html",
        {
            "r": result_view(r),
            "result": r,
            "can_decide": can_decide,
            "decide_form": DecideForm(result=r)
            if can_decide and not r.paid_on and r.status == "passed"
            else None,
            "refuse_only": can_decide and r.status != "passed" and r.decision == Result.Decision.PENDING,
            "pay_form": PayForm()
            if can_decide and r.kind == "fiscal" and r.decision == "approved" and not r.paid_on
            else None,
            "objection_form": ObjectionForm() if access.can_object(user, r) else None,
            "objections": r.objections.prefetch_related("files").select_related("raised_by", "answered_by"),
            "answer_form": AnswerForm() if can_decide else None,
        },
    )


@login_required
@require_POST
def result_decide(request, pk):
    r = access.access_result_for_decision(request.user, pk)
    form = DecideForm(request.POST, result=r)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.result_decide(
                actor=request.user, result=r, approve=data["decision"] == Result.Decision.APPROVED,
                note=data["note"], amount=data.get("amount"), standard_ratio=data.get("standard_ratio"),
                approval_no=data["approval_no"],
            )  # fmt: skip
            messages.success(request, "已记录审定。")
        except ValidationError as exc:
            message_service_error(request, exc)
    else:
        messages.error(
            request, "审定内容有误：" + "；".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("policy_result", pk=r.pk)


@login_required
@require_POST
def result_pay(request, pk):
    r = access.access_result_for_decision(request.user, pk)
    form = PayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.result_pay(
                actor=request.user,
                result=r,
                paid_on=data["paid_on"],
                amount=data["amount"],
                reference=data["reference"],
            )
            messages.success(request, "已登记拨付。")
        except ValidationError as exc:
            message_service_error(request, exc)
    else:
        messages.error(request, "请填写拨付日期（年-月-日）和有效的金额。")
    return redirect("policy_result", pk=r.pk)


@login_required
def application_doc(request, pk):
    r = access.access_result_by_id(request.user, pk)
    if r.kind != Result.Kind.FISCAL:
        raise Http404
    content = documents.application_docx(r)
    return download(content, f"{r.evaluation.year}年{r.rule_name}申请表（{r.institution.name}）.docx", DOCX)


@login_required
@require_POST
def objection_add(request, pk):
    r = access.access_result_by_id(request.user, pk)
    if not access.can_object(request.user, r):
        raise Http404
    try:
        services.objection_raise(
            actor=request.user,
            result=r,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
        )
        messages.success(request, "异议已提交，审定单位将书面答复。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("policy_result", pk=r.pk)


@login_required
@require_POST
def objection_answer(request, pk):
    objection = access.access_objection_by_id(request.user, pk)
    access.access_result_for_decision(request.user, objection.result_id)
    try:
        services.objection_answer(
            actor=request.user, objection=objection, answer=request.POST.get("answer", "")
        )
        messages.success(request, "已答复。")
    except ValidationError as exc:
        message_service_error(request, exc)
    return redirect("policy_result", pk=objection.result_id)


@login_required
def objection_file(request, pk):
    f = access.access_objection_file_by_id(request.user, pk)
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name, content_type=f.content_type)


@never_cache
@login_required
def ledger(request):
    access.require_reader(request.user)
    year = request.GET.get("year", "")
    rows = list(selectors.ledger(request.user, year=int(year) if year.isdigit() else None))
    if request.GET.get("export") == "xlsx":
        return download(documents.ledger_workbook(rows), "政策激励资金拨付台账.xlsx", XLSX)
    decided = sum((r.decided_amount or 0) for r in rows)
    paid = sum((r.paid_amount or 0) for r in rows)
    years = sorted({r.evaluation.year for r in selectors.ledger(request.user)}, reverse=True)
    return render(
        request,
        "policy/ledger.html",
        {
            "rows": rows,
            "decided": decided,
            "paid": paid,
            "unpaid": decided - paid,
            "years": years,
            "year": year,
        },
    )


@never_cache
@login_required
def reserve(request):
    access.require_reader(request.user)
    by_institution = selectors.reserve_assessment(request.user)
    if request.GET.get("export") == "xlsx":
        rows = [r for results in by_institution.values() for r in results]
        return download(documents.reserve_workbook(rows), "优惠存款准备金率考核结果.xlsx", XLSX)
    return render(
        request,
        "policy/reserve.html",
        {"by_institution": {name: [result_view(r) for r in rs] for name, rs in by_institution.items()}},
    )


@never_cache
@login_required
def rules(request):
    access.require_reader(request.user)
    versions = list(access.rule_versions_for(request.user).select_related("created_by"))
    return render(
        request,
        "policy/rules.html",
        {
            "versions": versions,
            "current": versions[0] if versions else None,
            "form": RulesForm() if access.can_edit_rules(request.user) else None,
        },
    )


@never_cache
@login_required
def rule_version(request, pk):
    version = access.access_rule_version_by_id(request.user, pk)
    if request.GET.get("download"):
        return download(version.text.encode("utf-8"), f"激励规则（{version.version}）.yaml", YAML)
    return render(request, "policy/rule_version.html", {"version": version})


@login_required
@require_POST
def rules_add(request):
    access.require_rule_editor(request.user)
    form = RulesForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择规则文件并填写修改说明。")
        return redirect("policy_rules")
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, "规则文件应为 UTF-8 编码的 YAML 文本。")
        return redirect("policy_rules")
    try:
        version = services.rules_add(
            actor=request.user, text=text, change_note=form.cleaned_data["change_note"]
        )
    except ValidationError as exc:
        message_service_error(request, exc)
        return redirect("policy_rules")
    messages.success(request, f"已启用新版本 {version.version}；此后的评价按新版本计算。")
    return redirect("policy_rules")
