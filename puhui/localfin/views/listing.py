"""Pages of the listing pipeline (上市后备企业库). Thin: access first (404 for those who may not see the
firms), then selectors; writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from puhui.core import lists
from puhui.core.service_errors import form_add_service_error
from puhui.localfin import access
from puhui.localfin.forms.listing import CandidateEditForm, CandidateForm, GoalForm, MoveForm
from puhui.localfin.lists import CANDIDATES
from puhui.localfin.selectors import listing as selectors
from puhui.localfin.services import listing as services


@login_required
def listing_board(request):
    access.require_all(request.user)
    ctx = {
        "tab": "board",
        "columns": selectors.board(request.user),
        "durations": selectors.stage_durations(request.user),
        "goals": selectors.goals_progress(request.user, selectors.goal_years()),
        "can_manage": access.can_manage(request.user),
    }
    ctx["total"] = sum(c.count for c in ctx["columns"])
    return render(request, "localfin/listing_board.html", ctx)


@login_required
def listing_firms(request):
    access.require_all(request.user)
    ctx = {"tab": "firms", "can_manage": access.can_manage(request.user)}
    return lists.list_response(request, CANDIDATES, "localfin/listing_firms.html", ctx)


@login_required
def listing_add(request):
    access.require_manage(request.user)
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.candidate_add(actor=request.user, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, f"已将“{candidate}”加入上市后备企业库。")
            return redirect("localfin:candidate_detail", candidate.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "localfin/listing_form.html", {"form": form}, status=status)


# The move and edit forms share a page and a field name (deadline): the prefix keeps their ids apart.
MOVE_PREFIX = "move"


def _detail_page(request, candidate, status=200, edit_form=None, move_form=None):
    candidate.days_in_stage = selectors.days_in_stage(candidate)
    ctx = {
        "candidate": candidate,
        "firm": candidate.enterprise,
        "history": selectors.candidate_history(candidate),
        "can_manage": access.can_manage(request.user),
        "edit_form": edit_form
        or CandidateEditForm(
            initial={
                "board": candidate.board,
                "sponsors": candidate.sponsors,
                "obstacles": candidate.obstacles,
                "help_given": candidate.help_given,
                "deadline": candidate.deadline,
            }
        ),
        "move_form": move_form or MoveForm(prefix=MOVE_PREFIX),
    }
    return render(request, "localfin/listing_detail.html", ctx, status=status)


@login_required
def candidate_detail(request, pk):
    return _detail_page(request, access.access_candidate_by_id(request.user, pk))


@login_required
@require_POST
def candidate_edit(request, pk):
    candidate = access.access_candidate_for_edit(request.user, pk)
    form = CandidateEditForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_update(actor=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(request, "已保存修改。")
            return redirect("localfin:candidate_detail", candidate.pk)
    return _detail_page(request, candidate, status=400, edit_form=form)


@login_required
@require_POST
def candidate_move(request, pk):
    candidate = access.access_candidate_for_edit(request.user, pk)
    form = MoveForm(request.POST, prefix=MOVE_PREFIX)
    if form.is_valid():
        try:
            change = services.candidate_move(actor=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as e:
            form_add_service_error(form, e)
        else:
            messages.success(
                request, f"已变更阶段：{change.get_from_stage_display()} → {change.get_to_stage_display()}。"
            )
            return redirect("localfin:candidate_detail", candidate.pk)
    candidate.refresh_from_db()
    return _detail_page(request, candidate, status=400, move_form=form)


@login_required
def listing_goals(request):
    access.require_all(request.user)
    form = None
    if request.method == "POST":
        access.require_manage(request.user)
        form = GoalForm(request.POST)
        if form.is_valid():
            try:
                goal = services.goal_set(actor=request.user, **form.cleaned_data)
            except ValidationError as e:
                form_add_service_error(form, e)
            else:
                messages.success(request, f"已保存：{goal}。")
                return redirect("localfin:listing_goals")
    ctx = {
        "tab": "goals",
        "goals": selectors.goals_progress(request.user, selectors.goal_years(None)),
        "can_manage": access.can_manage(request.user),
        "form": form or GoalForm(),
    }
    return render(request, "localfin/listing_goals.html", ctx, status=400 if form is not None else 200)
