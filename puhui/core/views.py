from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from puhui.core import list_specs, lists, plugins, selectors, services
from puhui.core.access import (
    access_organisation_by_id,
    access_user_by_id,
    divisions_for,
    organisations_for,
    require_audit_reader,
    require_user_manager,
    service_points_for,
)
from puhui.core.forms import OwnPasswordChangeForm, UserForm
from puhui.core.models import Division, Organisation, User


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def dashboard(request):
    """Each role's home: its to-do list (今日待办) above the county's figures; a role an app gives a
    landing page of its own (a farmer: 我的信用) goes there."""
    landing = plugins.home_page(request.user)
    if landing:
        try:
            return redirect(landing)
        except NoReverseMatch:  # that app is not installed here
            pass
    return render(
        request,
        "core/dashboard.html",
        {
            "county": divisions_for(request.user).filter(level=Division.Level.COUNTY).first(),
            "todo": selectors.todo_list(request.user),
            "cards": selectors.dashboard_cards(request.user),
            "series": selectors.town_series(request.user),
        },
    )


@login_required
def county_map(request):
    return JsonResponse(selectors.county_geojson(request.user))


@login_required
def division_list(request):
    return lists.list_response(request, list_specs.DIVISIONS, "core/division_list.html")


@login_required
def organisation_list(request):
    return lists.list_response(request, list_specs.ORGANISATIONS, "core/organisation_list.html")


@login_required
def organisation_detail(request, pk):
    org = access_organisation_by_id(request.user, pk)
    children = organisations_for(request.user).filter(parent=org).select_related("division")
    points = service_points_for(request.user).filter(bank__path__startswith=org.path)
    shown = list(points.select_related("village").order_by("code")[: POINTS_SHOWN + 1])
    # The list's bank filter offers branches; the rest of the points are a click away there.
    by_bank = request.user.role != User.Role.INSTITUTION and org.level == Organisation.Level.BRANCH
    return render(
        request,
        "core/organisation_detail.html",
        {
            "org": org,
            "children": children,
            "points": shown[:POINTS_SHOWN],
            "point_count": points.count() if len(shown) > POINTS_SHOWN else len(shown),
            "points_query": f"?bank={org.pk}" if by_bank else "",
        },
    )


POINTS_SHOWN = 20


@login_required
def servicepoint_list(request):
    return lists.list_response(request, list_specs.SERVICE_POINTS, "core/servicepoint_list.html")


AUDIT_VERIFY_LABEL = "核验操作日志校验链"


def _audit_verify_start(request):
    """POST 立即核验: `puhui audit verify` as a background job (the page never walks the chain itself)."""
    from puhui.jobs.services import job_enqueue
    from puhui.jobs.tasks import run_command_task

    job = job_enqueue(
        actor=request.user, task=run_command_task, label=AUDIT_VERIFY_LABEL, command="audit", args=["verify"]
    )
    messages.success(request, f"已提交后台任务“{AUDIT_VERIFY_LABEL}”，完成后本页显示结果。")
    return redirect("job_detail", pk=job.pk)


def _audit_verify_job(user):
    from puhui.jobs.access import jobs_for
    from puhui.jobs.selectors import job_with_state

    job = jobs_for(user).filter(label=AUDIT_VERIFY_LABEL).order_by("-id").first()
    return job_with_state(job) if job is not None else None


@login_required
def audit_list(request):
    from puhui.core.audit import audit_chain_state

    require_audit_reader(request.user)
    if request.method == "POST":
        return _audit_verify_start(request)
    context = {
        "chain": audit_chain_state(),  # the last verification's result; nothing is verified here
        "verify_job": _audit_verify_job(request.user),
    }
    return lists.list_response(request, list_specs.AUDIT_LOG, "core/audit_list.html", context)


@login_required
def user_list(request):
    require_user_manager(request.user)
    return lists.list_response(request, list_specs.USERS, "core/user_list.html")


def _save_user(request, form, user=None):
    data = form.cleaned_data
    fields = {k: data[k] for k in ("display_name", "role", "organisation", "town", "phone", "is_active")}
    fields["household"] = data["household_code"]
    if user is None:
        password = data["password"] or services.generate_password()
        user = services.user_create(
            actor=request.user,
            username=data["username"],
            password=password,
            villages=data["villages"],
            **fields,
        )
        if not data["password"]:
            return _password_once(request, user, password, created=True)
        messages.success(request, f"已创建用户 {user.username}。用户首次登录时须修改密码。")
    else:
        services.user_update(
            actor=request.user, user=user, villages=data["villages"], username=data["username"], **fields
        )
        messages.success(request, f"已保存用户 {user.username}。")
    return redirect("user_list")


@login_required
def user_create(request):
    require_user_manager(request.user)
    form = UserForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            return _save_user(request, form)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "core/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, pk):
    require_user_manager(request.user)
    user = access_user_by_id(request.user, pk)
    form = UserForm(request.POST or None, instance=user, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            return _save_user(request, form, user=access_user_by_id(request.user, pk))
        except ValidationError as exc:
            form.add_error(None, exc)
    # The account's change history (page, import: who, when, from which file, before and after).
    history = selectors.record_history(user)
    return render(
        request, "core/user_form.html", {"form": form, "creating": False, "target": user, "history": history}
    )


@login_required
@require_POST
def user_reset_password(request, pk):
    require_user_manager(request.user)
    user = access_user_by_id(request.user, pk)
    password = services.generate_password()
    services.user_set_password(actor=request.user, user=user, password=password)
    return _password_once(request, user, password, created=False)


def _password_once(request, user, password, *, created):
    """Show a generated password in this one response only: it is kept nowhere (no message, no session,
    no log) and the browser is told not to store the page. The user must change it at first login."""
    response = render(
        request, "core/user_password_once.html", {"target": user, "password": password, "created": created}
    )
    response["Cache-Control"] = "no-store"
    return response


class OwnPasswordChangeView(auth_views.PasswordChangeView):
    """修改密码 for every signed-in user; the forced change after creation or reset lands here too."""

    form_class = OwnPasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("dashboard")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"forced": self.request.user.must_change_password}

    def form_valid(self, form):
        response = super().form_valid(
            form
        )  # saves through services.user_change_own_password, keeps the session
        messages.success(self.request, "密码已修改。")
        return response


password_change = never_cache(OwnPasswordChangeView.as_view())


@login_required
@require_POST
def user_unlock(request, pk):
    require_user_manager(request.user)
    user = access_user_by_id(request.user, pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, f"已解除用户 {user.username} 的登录锁定。")
    return redirect("user_list")
