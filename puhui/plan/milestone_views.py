"""The office's actions on a milestone linked to a target: link it, close it on the target or by override.
POST only, from the task page; missing, forbidden and not the office are 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from puhui.plan import access, forms, services


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
@require_POST
def milestone_target(request, pk):
    m = access.access_milestone_for_office(request.user, pk)
    form = forms.MilestoneTargetForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_link_target(
                actor=request.user, milestone=m, target_code=form.cleaned_data["target_code"]
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            code = form.cleaned_data["target_code"].strip()
            messages.success(request, f"已关联目标 {code}。" if code else "已取消关联目标。")
    return redirect("plan_task_detail", m.task_id)


@login_required
@require_POST
def milestone_close(request, pk):
    m = access.access_milestone_for_office(request.user, pk)
    form = forms.MilestoneCloseForm(request.POST)
    if form.is_valid():
        try:
            m = services.milestone_close(actor=request.user, milestone=m, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            done = "办公室确认完成（理由已记录并列入通报）" if m.override_reason else "目标已达标，里程碑完成"
            messages.success(request, f"{done}。")
    return redirect("plan_task_detail", m.task_id)
